// Plans: start, restart and stop the 1E Client daemon with launchctl (modern verbs, falling back to load/unload).
import type { Action, Plan } from '../action';
import type { MacFacts } from '../facts';
import { BIN, CLIENT_LAUNCHD_LABEL, CLIENT_PLIST } from '../paths';
import type { Command } from '../types';
import { emptyPlan } from './common';

const TARGET = `system/${CLIENT_LAUNCHD_LABEL}`;
const print: Command = { program: BIN.launchctl, args: ['print', TARGET] };
const bootstrap: Command = { program: BIN.launchctl, args: ['bootstrap', 'system', CLIENT_PLIST] };
const bootout: Command = { program: BIN.launchctl, args: ['bootout', TARGET] };

function loadAction(facts: MacFacts): Action {
  const loaded = facts.known && facts.daemon !== null;
  return {
    id: 'daemon-load',
    title: 'Register the 1E Client daemon with launchd',
    detail: `${CLIENT_PLIST}, so it also starts at every boot.`,
    command: bootstrap,
    fallback: { program: BIN.launchctl, args: ['load', '-w', CLIENT_PLIST] },
    root: true,
    check: { command: print },
    // The legacy load exits 0 even when it fails ("Load failed: 5: Input/output error": launchctl(1),
    // recorded in haimgel/display-switch#85 and others): launchd itself says whether it took the job.
    confirm: { command: print },
    undo: [bootout],
    status: loaded ? 'skip' : 'pending',
    ...(loaded ? { reason: 'the daemon is already registered' } : {}),
  };
}

function startAction(facts: MacFacts): Action {
  const running = facts.known && facts.daemon?.running === true;
  return {
    id: 'daemon-start',
    title: 'Start the 1E Client',
    detail: '',
    command: { program: BIN.launchctl, args: ['kickstart', TARGET] },
    root: true,
    check: { command: print, stdoutIncludes: 'state = running' },
    status: running ? 'skip' : 'pending',
    ...(running ? { reason: 'the 1E Client is already running' } : {}),
  };
}

function restartAction(): Action {
  return {
    id: 'daemon-restart',
    title: 'Restart the 1E Client so it reads the new settings and certificates',
    detail: '',
    command: { program: BIN.launchctl, args: ['kickstart', '-k', TARGET] },
    root: true,
    status: 'pending',
  };
}

/**
 * Registers and starts the daemon. With `afterChanges`, a client that was already running is
 * also restarted, because it reads its configuration and keychain only when it starts.
 */
export function startClient(facts: MacFacts, opts: { afterChanges?: boolean } = {}): Plan {
  const plan = emptyPlan('start-client', 'Start the 1E Client');
  const restart = restartAction();
  restart.onlyAfterChanges = true;
  if (facts.known && facts.daemon?.running !== true) {
    restart.status = 'skip';
    restart.reason = 'the client was not running, so it starts with the new settings';
  } else if (!opts.afterChanges) {
    restart.status = 'skip';
    restart.reason = 'nothing changed';
  }
  plan.actions.push(loadAction(facts), startAction(facts), restart);
  return plan;
}

export function restartClient(facts: MacFacts): Plan {
  const plan = emptyPlan('restart-client', 'Restart the 1E Client');
  if (facts.known && facts.daemon === null) {
    plan.actions.push(loadAction(facts), startAction(facts));
    return plan;
  }
  plan.actions.push(restartAction());
  return plan;
}

export function stopClient(facts: MacFacts): Plan {
  const plan = emptyPlan('stop-client', 'Stop the 1E Client');
  plan.actions.push(stopAction(facts));
  return plan;
}

export function stopAction(facts: MacFacts): Action {
  const stopped = facts.known && facts.daemon === null;
  return {
    id: 'daemon-stop',
    title: 'Stop the 1E Client and unregister its daemon',
    detail: '',
    command: bootout,
    fallback: { program: BIN.launchctl, args: ['unload', CLIENT_PLIST] },
    root: true,
    // Done when launchd no longer knows the job.
    check: { command: print, negate: true },
    undo: [bootstrap],
    status: stopped ? 'skip' : 'pending',
    ...(stopped ? { reason: 'the daemon is not loaded' } : {}),
  };
}
