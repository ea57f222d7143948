// The state of one window (or one preview connection), held in main-process memory only.
import type { Executor } from '../../core/macos/types';
import { LocalExecutor } from '../../core/macos/executors/local';
import { SimulatedMac } from '../../core/macos/executors/simulated';
import { createSetupState, type SetupState } from './state-setup';
import { createChangesState, disposePrepared, type ChangesState } from './state-changes';

export interface Session {
  shell: 'electron' | 'preview';
  /** Runs the Mac's commands: the real Mac in the app on macOS, the simulated Mac otherwise. */
  executor: Executor;
  simulated: boolean;
  /** State of the setup half (endpoints, CA certificates, the chosen identity). */
  setup: SetupState;
  /** State of the changes half (what this run changed). */
  changes: ChangesState;
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
    setup: createSetupState(),
    changes: createChangesState(),
  };
}

function defaultExecutor(shell: 'electron' | 'preview'): Executor {
  // The preview never touches the real system, even when it runs on a Mac.
  if (shell === 'electron' && process.platform === 'darwin') return new LocalExecutor();
  return new SimulatedMac();
}

/**
 * Ends a session: removes the private folders of plans that were prepared but never
 * applied (they can hold a re-wrapped PFX). Called when the window or connection goes.
 */
export async function closeSession(session: Session): Promise<void> {
  await disposePrepared(session.changes);
}
