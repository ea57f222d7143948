// The router's handlers: each turns a validated request into calls of core functions.
import type { Handlers } from './router';
import type { Session } from './session';
import { version } from '../../core/version';
import { createSetupHandlers } from './handlers-setup';
import { createChangeHandlers } from './handlers-changes';

export function createHandlers(): Handlers<Session> {
  return {
    getAppInfo: (_req, { session }) => ({
      version,
      shell: session.shell,
      simulated: session.simulated,
      platform: process.platform,
    }),
    ...createSetupHandlers(),
    ...createChangeHandlers(),
  };
}
