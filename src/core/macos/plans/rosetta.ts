// Plan: install Rosetta 2 on Apple Silicon, because the 1E Client is Intel code and a daemon never asks for it.
import type { Plan } from '../action';
import type { MacFacts } from '../facts';
import { BIN } from '../paths';
import { emptyPlan } from './common';

export function installRosetta(facts: MacFacts): Plan {
  const plan = emptyPlan('rosetta', 'Install Rosetta 2 (Apple Silicon only)');
  const skip =
    facts.arch === 'x86_64'
      ? 'this is an Intel Mac: Rosetta is not needed'
      : facts.rosettaWorks
        ? 'Rosetta already works on this Mac'
        : undefined;
  plan.actions.push({
    id: 'rosetta-install',
    title: 'Install Rosetta 2 and accept its licence',
    detail:
      'The 1E Client is built for Intel processors. On an Intel Mac the check below already succeeds, so nothing runs.',
    command: { program: BIN.softwareupdate, args: ['--install-rosetta', '--agree-to-license'], timeoutMs: 15 * 60_000 },
    root: true,
    // Exits 0 when Intel code runs: natively on Intel, or through a working Rosetta.
    check: { command: { program: BIN.arch, args: ['-x86_64', BIN.true] } },
    status: skip ? 'skip' : 'pending',
    ...(skip ? { reason: skip } : {}),
  });
  return plan;
}
