// The single source of truth for what the renderer may ask of the main process.
// Each method: a request schema (validated at runtime by the router) and a result type.
// The renderer imports only types from this file (`import type`), never its values.
import { z } from 'zod';
import type { IpcResult } from './result';
import type { MethodNameInList } from './methods';

export type { IpcResult, IpcError } from './result';
import { type } from './contract-type';
import { setupMethods } from './contract-setup';
import { changeMethods } from './contract-changes';

export type * from './contract-setup';
export type * from './contract-changes';

export interface AppInfo {
  version: string;
  /** 'electron' in the desktop app, 'preview' in the browser preview. */
  shell: 'electron' | 'preview';
  /** True when system commands go to the simulated Mac (always in the preview). */
  simulated: boolean;
  /** Platform of the process running the router (darwin on a real Mac). */
  platform: string;
}

const appMethods = {
  getAppInfo: { request: z.object({}).strict(), result: type<AppInfo>() },
  cancelRequest: {
    request: z.object({ requestId: z.string().min(1).max(100) }).strict(),
    result: type<{ cancelled: boolean }>(),
  },
} as const;

/**
 * The whole contract. Methods are declared in two halves so the wizard's two halves can
 * grow independently: the setup (Welcome, CA certificates, client certificate) and the
 * changes (trust & identity, install, verify, summary).
 */
export const contract = { ...appMethods, ...setupMethods, ...changeMethods } as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
/** What the renderer sends. */
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
/** What a handler receives after validation (defaults applied). */
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResultOf<M extends MethodName> = Contract[M]['result'];

/** Progress pushed from main to the renderer while a request runs. */
export interface ProgressEvent {
  type: 'progress';
  /** The request this progress belongs to. */
  requestId: string;
  /** What is progressing, e.g. an action id or a verification check id. */
  id: string;
  status: 'running' | 'done' | 'failed' | 'skipped' | 'undone' | 'info';
  label?: string;
  detail?: string;
}
export type OnboardEvent = ProgressEvent;
/** What a handler reports; the router adds the type and the id of the request it belongs to. */
export type ProgressUpdate = Omit<ProgressEvent, 'type' | 'requestId'>;

/** window.onboard: one function per contract method, plus the event subscription. */
export type OnboardApi = {
  [M in MethodName]: (request: RequestOf<M>, requestId?: string) => Promise<IpcResult<ResultOf<M>>>;
} & {
  /** Subscribes to progress events; returns the unsubscribe function. */
  onEvent(listener: (event: OnboardEvent) => void): () => void;
  /**
   * The path of a file the technician picked or dropped (desktop app only: the sandboxed
   * page cannot see paths, the preload can). Absent in the preview.
   */
  pathForFile?(file: File): string;
};

export { METHOD_NAMES as methodNames } from './methods';

// The plain list in methods.ts (read by the preload) and the contract name the same methods: a method missing from
// either side fails type-checking here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listMatchesContract: Same<MethodNameInList, MethodName> = true;
void listMatchesContract;
