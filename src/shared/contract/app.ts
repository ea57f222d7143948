// Contract methods of the wizard's frame: what the app is, and cancelling a running request.
import { z } from 'zod';
import { type } from './type';

export interface AppInfo {
  version: string;
  /** 'electron' in the desktop app, 'preview' in the browser preview. */
  shell: 'electron' | 'preview';
  /** True when system commands go to the simulated Mac (always in the preview). */
  simulated: boolean;
  /** Platform of the process running the router (darwin on a real Mac). */
  platform: string;
}

export const appMethods = {
  getAppInfo: { request: z.object({}).strict(), result: type<AppInfo>() },
  cancelRequest: {
    request: z.object({ requestId: z.string().min(1).max(100) }).strict(),
    result: type<{ cancelled: boolean }>(),
  },
  /**
   * Onboard another Mac: main forgets this job (mode, addresses, the Mac's facts, CAs, identity and its secrets,
   * prepared plans, the changes recorded, the verification). Refused while changes are being applied.
   */
  startOver: { request: z.object({}).strict(), result: type<{ started: true }>() },
} as const;
