// `onboard apply`: carries out the onboarding plan step by step (an administrator prompt per batch of root changes, a macOS dialog per root CA to trust), or on a simulated Mac.
import { countPrompts, describePrompts, viewPlan, type Plan } from '../core/macos/action';
import type { PlanResult, PrivilegedRunner } from '../core/macos/execute';
import { gatherFacts } from '../core/macos/facts';
import { applyOnboarding, planUninstall } from '../core/macos/onboarding';
import { executePlan } from '../core/macos/execute';
import type { Executor } from '../core/macos/types';
import { PlanWorkspace } from '../core/macos/workspace';
import { cliError } from './advice';
import { helpAsked, parseOptions, UsageError, writeJson } from './common';
import { EXIT, type CliIo } from './io';
import type { SimulatedMac } from '../core/macos/executors/simulated';
import { INPUT_HELP, isMac, ONBOARDING_OPTIONS, readOnboardingRequest, saveSimulatedState, simulatedMac } from './plan';

const HELP = `Usage: onboard apply --switch HOST:PORT --background-url URL [--ca FILE]...
                     [--pfx FILE [--password-env VAR | --password-file F]] [--installer FILE]
                     [--logging-level LEVEL] [--set NAME=VALUE]... [--allow-any-app]
                     [--remove-old-identities]
                     [--simulate [--simulate-macos VER] [--simulate-arch ARCH] [--simulate-state FILE]
                                 [--simulate-session aqua|background|system]] [--json]
       onboard apply --uninstall [--simulate [--simulate-state FILE]] [--json]

Carries out the plan that \`onboard plan\` shows, one step at a time: Rosetta, the 1E Client
package, CA certificates, the client identity, 1E.Client.conf, the daemon. macOS asks for an
administrator password for each step's batch of changes, and (macOS 11 and later) shows a
dialog of its own for each root CA whose trust changes, which a person at the Mac approves
with an administrator's name and password, even when this runs as root. Where no dialog can
appear (over SSH, from an MDM agent or another launchd job) and a root still needs trusting,
it stops before changing anything (exit 2): deliver the CA trust with a configuration profile
from your MDM (a com.apple.security.root payload), or run it with a person at the Mac. What is
already done is skipped; if a change fails, the changes that step made are undone and nothing
further runs. Only on macOS; elsewhere add --simulate to try it against a simulated Mac.

Options:
${INPUT_HELP}
  --json                   print the results as JSON

Exit codes: 0 every step done, 1 a step failed (and was undone), 2 usage error, unreadable
input, or a trust change no one can approve here (nothing changed).`;

const MARK: Record<string, string> = {
  done: '✓',
  skipped: '=',
  failed: '✗',
  'not-run': '·',
  undone: '↺',
  'undo-failed': '!',
};

function printResults(io: CliIo, steps: PlanResult[], ok: boolean, simulated: boolean): void {
  const out: string[] = [];
  steps.forEach((s, i) => {
    out.push(`Step ${i + 1}: ${s.title}${s.ok ? '' : '  FAILED'}`);
    for (const a of s.actions) {
      const note =
        a.outcome === 'skipped'
          ? a.reason && a.reason !== 'already done'
            ? `skipped: ${a.reason}`
            : 'already done'
          : a.outcome === 'undone'
            ? 'undone'
            : a.outcome === 'undo-failed'
              ? 'UNDO FAILED: check by hand'
              : a.outcome === 'not-run'
                ? 'not run'
                : a.outcome === 'failed'
                  ? `failed (exit ${a.exitCode ?? '?'})`
                  : '';
      out.push(`  ${MARK[a.outcome] ?? '?'} ${a.title}${note ? `  [${note}]` : ''}`);
      if ((a.outcome === 'failed' || a.outcome === 'undo-failed') && a.output) {
        for (const line of a.output.trimEnd().split('\n').slice(-8)) out.push(`      ${line}`);
      }
    }
  });
  const failed = steps.find((s) => !s.ok);
  out.push('');
  if (ok)
    out.push(
      `Done${simulated ? ' (on the simulated Mac)' : ''}: ${steps.some((s) => s.changed) ? 'every step finished.' : 'nothing needed changing.'}`,
    );
  else if (failed?.failure) {
    const said = cliError(failed.failure);
    out.push(`Stopped at "${failed.title}": ${said.message}`, `  ${said.hint}`);
  }
  io.stdout.write(out.join('\n') + '\n');
}

/** Before anything runs: what the steps will ask of the person at the Mac, counted from the plans. */
function announcePrompts(io: CliIo, plans: readonly Plan[]): void {
  const total = plans.reduce(
    (sum, p) => {
      const c = countPrompts(p.actions);
      return { adminPrompts: sum.adminPrompts + c.adminPrompts, trustDialogs: sum.trustDialogs + c.trustDialogs };
    },
    { adminPrompts: 0, trustDialogs: 0 },
  );
  const asks = describePrompts(total);
  if (!asks) return;
  io.stderr.write(
    `onboard apply: macOS will ask for ${asks}${total.trustDialogs ? ' (each dialog is approved at the Mac, with an administrator name and password; undoing a trust after a failure asks again)' : ''}.\n`,
  );
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, ONBOARDING_OPTIONS);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  let executor: Executor;
  let privileged: PrivilegedRunner;
  const simulated = values.simulate === true;
  let mac: SimulatedMac | undefined;
  if (simulated) {
    mac = await simulatedMac(values, io);
    executor = mac;
    privileged = mac.privilegedRunner();
  } else {
    await simulatedMac(values, io);
    if (!isMac()) {
      throw new UsageError(
        'This command changes a Mac, so it runs only on macOS.',
        'Add --simulate to try it against a simulated Mac, or export a script for the Mac with: onboard plan ... --format sh',
      );
    }
    const { LocalExecutor } = await import('../core/macos/executors/local');
    const { PrivilegedBatch } = await import('../core/macos/executors/privileged-batch');
    executor = new LocalExecutor();
    privileged = new PrivilegedBatch({ executor: new LocalExecutor({ timeoutMs: 30 * 60_000 }) });
  }
  const progress = values.json
    ? undefined
    : (e: { title: string; phase: string }) => {
        if (e.phase === 'running' || e.phase === 'undoing')
          io.stderr.write(`${e.phase === 'running' ? '…' : '↺'} ${e.title}\n`);
      };

  if (values.uninstall) {
    const facts = await gatherFacts(executor);
    if (!simulated && facts.admin === false)
      throw new UsageError(
        'Your account is not an administrator of this Mac.',
        'Log in as an administrator, or ask one to run this.',
      );
    const plan = await planUninstall(executor, facts);
    const result = await executePlan(plan, { executor, privileged, ...(progress ? { onProgress: progress } : {}) });
    if (mac) await saveSimulatedState(io, values, mac);
    if (values.json) writeJson(io, { ok: result.ok, simulated, plan: viewPlan(plan), steps: [result] });
    else printResults(io, [result], result.ok, simulated);
    return result.ok ? EXIT.ok : EXIT.failed;
  }

  const request = await readOnboardingRequest(values, io);
  if (!simulated) {
    const facts = await gatherFacts(executor);
    if (facts.admin === false)
      throw new UsageError(
        'Your account is not an administrator of this Mac.',
        'Log in as an administrator, or ask one to run this.',
      );
  }
  const workspace = await PlanWorkspace.create();
  try {
    const result = await applyOnboarding(request, {
      executor,
      privileged,
      workspace,
      ...(progress ? { onProgress: progress } : {}),
      ...(values.json ? {} : { onPlanned: (plans: readonly Plan[]) => announcePrompts(io, plans) }),
    });
    if (mac) await saveSimulatedState(io, values, mac);
    if (values.json) writeJson(io, { ok: result.ok, simulated, steps: result.steps });
    else printResults(io, result.steps, result.ok, simulated);
    return result.ok ? EXIT.ok : EXIT.failed;
  } finally {
    // The re-wrapped identity and every other plan file go, whatever happened.
    await workspace.dispose();
  }
}
