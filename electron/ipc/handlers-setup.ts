// Handlers of the setup half: Welcome, CA certificates, client certificate.
import type { Handlers } from './router';
import type { Session } from './session';
import type { setupMethods } from './contract-setup';

export function createSetupHandlers(): Pick<Handlers<Session>, keyof typeof setupMethods> {
  return {};
}
