// The single source of truth for what the renderer may ask of the main process, assembled from one file per
// wizard step. Each method: a request schema (validated at runtime by the router) and a result type.
// The renderer imports only types from here (`import type`), never its values.
import type { z } from 'zod';
import type { IpcResult } from '../result';
import type { MethodNameInList } from '../methods';
import { appMethods } from './app';
import { welcomeMethods } from './welcome';
import { caMethods } from './ca';
import { clientMethods } from './client';
import { installMethods } from './install';
import { trustMethods } from './trust';
import { verifyMethods } from './verify';
import { summaryMethods } from './summary';
import { planMethods } from './plans';

export type { ErrorCode, IpcResult, IpcError } from '../result';
export type * from './app';
export type * from './files';
export type * from './welcome';
export type * from './ca';
export type * from './client';
export type * from './install';
export type * from './trust';
export type * from './verify';
export type * from './summary';
export type * from './plans';

/** The whole contract: the frame's methods, each step's in wizard order, and applying a prepared change. */
export const contract = {
  ...appMethods,
  ...welcomeMethods,
  ...caMethods,
  ...clientMethods,
  ...installMethods,
  ...trustMethods,
  ...verifyMethods,
  ...summaryMethods,
  ...planMethods,
} as const;

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
  /** `waiting`: announced before it starts, so a screen can count against the known total. */
  status: 'waiting' | 'running' | 'done' | 'failed' | 'skipped' | 'undone' | 'info';
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

export { METHOD_NAMES as methodNames } from '../methods';

// The plain list in methods.ts (read by the preload) and the contract name the same methods: a method missing from
// either side fails type-checking here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listMatchesContract: Same<MethodNameInList, MethodName> = true;
void listMatchesContract;
