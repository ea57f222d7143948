// Handlers of the changes half: trust & identity, install, verify, summary.
import type { Handlers } from './router';
import type { Session } from './session';
import type { changeMethods } from './contract-changes';

export function createChangeHandlers(): Pick<Handlers<Session>, keyof typeof changeMethods> {
  return {};
}
