// The router's handlers: the frame's own, then each wizard step's (steps/*.ts), then applying a prepared change.
import type { Handlers } from './router';
import { resetSession, type Session } from './session';
import { version } from '../../core/version';
import { welcomeHandlers } from './steps/welcome';
import { caHandlers } from './steps/ca';
import { clientHandlers } from './steps/client';
import { installHandlers } from './steps/install';
import { trustHandlers } from './steps/trust';
import { verifyHandlers } from './steps/verify';
import { summaryHandlers } from './steps/summary';
import { planHandlers } from './plans';

export function createHandlers(): Handlers<Session> {
  return {
    getAppInfo: (_req, { session }) => ({
      version,
      shell: session.shell,
      simulated: session.simulated,
      platform: process.platform,
    }),
    startOver: async (_req, { session }) => {
      await resetSession(session);
      return { started: true as const };
    },
    ...welcomeHandlers(),
    ...caHandlers(),
    ...clientHandlers(),
    ...installHandlers(),
    ...trustHandlers(),
    ...verifyHandlers(),
    ...summaryHandlers(),
    ...planHandlers(),
  };
}
