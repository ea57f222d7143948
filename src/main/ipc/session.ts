// The state of one window (or one preview connection), held in main-process memory only: each step's own part,
// declared in its module under steps/, and the prepared changes (plans.ts).
import type { Executor } from '../../core/macos/types';
import { LocalExecutor } from '../../core/macos/executors/local';
import { SimulatedMac } from '../../core/macos/executors/simulated';
import { createWelcomeState, type WelcomeState } from './steps/welcome';
import { createCaState, type CaState } from './steps/ca';
import { createClientState, type ClientState } from './steps/client';
import { createVerifyState, type VerifyState } from './steps/verify';
import { createPlansState, disposePrepared, type PlansState } from './plans';
import { disposeLabScratch } from './steps/client-lab';
import { OnboardError } from '../../core/errors';

export interface Session {
  shell: 'electron' | 'preview';
  /** Runs the Mac's commands: the real Mac in the app on macOS, the simulated Mac otherwise. */
  executor: Executor;
  simulated: boolean;
  /** The mode, the endpoints and the Mac's facts. */
  welcome: WelcomeState;
  /** The CA certificates chosen. */
  ca: CaState;
  /** The chosen identity and what it came from (secrets live here). */
  client: ClientState;
  /** Prepared plans, and what this run changed. */
  plans: PlansState;
  /** The last verification. */
  verify: VerifyState;
}

export interface SessionOptions {
  shell: 'electron' | 'preview';
  /** Overrides the executor (tests and the preview pass a seeded simulated Mac). */
  executor?: Executor;
}

export function createSession(opts: SessionOptions): Session {
  const executor = opts.executor ?? defaultExecutor(opts.shell);
  return {
    shell: opts.shell,
    executor,
    simulated: executor.kind === 'simulated',
    welcome: createWelcomeState(),
    ca: createCaState(),
    client: createClientState(),
    plans: createPlansState(),
    verify: createVerifyState(),
  };
}

function defaultExecutor(shell: 'electron' | 'preview'): Executor {
  // The preview never touches the real system, even when it runs on a Mac.
  if (shell === 'electron' && process.platform === 'darwin') return new LocalExecutor();
  return new SimulatedMac();
}

/**
 * Starts the session afresh for another job (Onboard another Mac): every step's state is made new and the prepared
 * plans' private folders go. The Mac, the shell and the administrator runner stay: they belong to the window.
 */
export async function resetSession(session: Session): Promise<void> {
  if (session.plans.applying) {
    throw new OnboardError(
      'busy',
      'Changes are being applied to this Mac right now.',
      'Wait until they finish, then start again.',
    );
  }
  await disposePrepared(session.plans);
  await disposeLabScratch(session.client.labScratch);
  const privileged = session.plans.privileged;
  session.welcome = createWelcomeState();
  session.ca = createCaState();
  session.client = createClientState();
  session.plans = { ...createPlansState(), privileged };
  session.verify = createVerifyState();
}

/**
 * Ends a session: removes the private folders of plans that were prepared but never
 * applied (they can hold a re-wrapped PFX), and the preview's lab CAs. Called when the window or connection goes.
 */
export async function closeSession(session: Session): Promise<void> {
  await disposePrepared(session.plans);
  await disposeLabScratch(session.client.labScratch);
}
