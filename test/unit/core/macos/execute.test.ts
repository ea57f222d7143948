// Specification: running a plan: skip what is done, stop at the first failure, undo newest first, always clean up.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../../src/core/macos/action';
import { executePlan, type PrivilegedRunner, type ProgressEvent } from '../../../../src/core/macos/execute';
import { SimulatedMac } from '../../../../src/core/macos/executors/simulated';
import { DryRunExecutor, isReadOnlyCommand } from '../../../../src/core/macos/executors/dry-run';
import { InProcessPrivilegedRunner } from '../../../../src/core/macos/execute';

const touch = (path: string, root = true) => ({
  id: `mkdir-${path}`,
  title: `Make ${path}`,
  detail: '',
  root,
  status: 'pending' as const,
  command: { program: '/bin/mkdir', args: ['-p', path] },
  check: { command: { program: '/bin/test', args: ['-d', path] } },
  undo: [{ program: '/usr/bin/true', args: [] }],
});

function plan(actions: Plan['actions'], cleanup: Plan['cleanup'] = []): Plan {
  return { step: 'configure-client', title: 'Test step', actions, warnings: [], cleanup, files: [] };
}

describe('executePlan', () => {
  it('runs pending actions, reports progress for each, and asks for administrator rights once', async () => {
    const mac = new SimulatedMac();
    const events: ProgressEvent[] = [];
    const r = await executePlan(plan([touch('/Library/A'), touch('/Library/B')]), {
      executor: mac,
      privileged: mac.privilegedRunner(),
      onProgress: (e) => events.push(e),
    });
    expect(r).toMatchObject({ ok: true, changed: true, rolledBack: false });
    // One after another, as they really run inside the one administrator batch (issue #16: not all "running" at once).
    expect(events.map((e) => `${e.actionId}:${e.phase}`)).toEqual([
      'mkdir-/Library/A:running',
      'mkdir-/Library/A:done',
      'mkdir-/Library/B:running',
      'mkdir-/Library/B:done',
    ]);
    expect(mac.snapshot().adminPrompts).toEqual(['Test step']);
  });

  it('with a runner that cannot tell progress inside its batch, says only the first action runs until the batch returns', async () => {
    const mac = new SimulatedMac();
    const inner = mac.privilegedRunner();
    const events: string[] = [];
    const quiet: PrivilegedRunner = { runBatch: (title, items, mode) => inner.runBatch(title, items, mode) };
    await executePlan(plan([touch('/Library/A'), touch('/Library/B')]), {
      executor: mac,
      privileged: quiet,
      onProgress: (e) => events.push(`${e.actionId}:${e.phase}`),
    });
    expect(events).toEqual(['mkdir-/Library/A:running', 'mkdir-/Library/A:done', 'mkdir-/Library/B:done']);
  });

  it('keeps what ran up to an action that cannot be undone when a later action fails, in-process and across batches', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ actionId: 'mkdir-/Library/C' });
    const gone = { ...touch('/Library/B'), undo: undefined, irreversible: true };
    const r = await executePlan(plan([touch('/Library/A'), gone, touch('/Library/C', false)]), {
      executor: mac,
      privileged: mac.privilegedRunner(),
    });
    expect(r.ok).toBe(false);
    expect(r.rolledBack).toBe(false);
    expect(r.actions.map((a) => a.outcome)).toEqual(['done', 'done', 'failed']);
    expect(mac.snapshot().adminPrompts).toEqual(['Test step']);
  });

  it('skips actions the plan already marked done, without running them', async () => {
    const mac = new SimulatedMac();
    const r = await executePlan(plan([{ ...touch('/Library/A'), status: 'skip', reason: 'already there' }]), {
      executor: mac,
      privileged: mac.privilegedRunner(),
    });
    expect(r.actions[0]).toMatchObject({ outcome: 'skipped', reason: 'already there' });
    expect(mac.commands()).toEqual([]);
    expect(mac.snapshot().adminPrompts).toEqual([]);
  });

  it('skips a pending action whose check now says it is done', async () => {
    const mac = new SimulatedMac();
    const r = await executePlan(plan([touch('/Library')]), { executor: mac, privileged: mac.privilegedRunner() });
    expect(r.actions[0]!.outcome).toBe('skipped');
    expect(r.changed).toBe(false);
  });

  it('undoes completed actions of earlier batches too, newest first, and runs the cleanup', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ actionId: 'mkdir-/Library/C' });
    const r = await executePlan(
      plan(
        [
          touch('/Library/A'),
          { ...touch('/tmp/user-step', false), undo: [{ program: '/bin/rm', args: ['-f', '/tmp/nothing'] }] },
          touch('/Library/C'),
        ],
        [{ program: '/usr/bin/true', args: [] }],
      ),
      { executor: mac, privileged: mac.privilegedRunner() },
    );
    expect(r.ok).toBe(false);
    expect(r.actions.map((a) => a.outcome)).toEqual(['undone', 'undone', 'failed']);
    expect(r.cleanup).toEqual([{ line: '/usr/bin/true', exitCode: 0 }]);
    const lines = mac.commands().map((c) => c.line);
    expect(lines.indexOf('/bin/rm -f /tmp/nothing')).toBeLessThan(lines.lastIndexOf('/usr/bin/true'));
  });

  it('reports a cancelled administrator prompt and changes nothing', async () => {
    const mac = new SimulatedMac();
    mac.grantAdminPrompts = false;
    const r = await executePlan(plan([touch('/Library/A')]), { executor: mac, privileged: mac.privilegedRunner() });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ code: 'admin-cancelled', message: 'The administrator prompt was cancelled.' });
    expect(r.actions[0]!.outcome).toBe('not-run');
  });

  it('masks secret arguments in failure output', async () => {
    const mac = new SimulatedMac();
    mac.failWhen({ program: '/usr/bin/security', stderr: 'bad password s3cret-one-time' });
    const r = await executePlan(
      plan([
        {
          id: 'imp',
          title: 'Import',
          detail: '',
          root: true,
          status: 'pending',
          command: { program: '/usr/bin/security', args: ['import', 'x', '-P', 's3cret-one-time'], secretArgs: [3] },
        },
      ]),
      { executor: mac, privileged: mac.privilegedRunner() },
    );
    expect(JSON.stringify(r)).not.toContain('s3cret-one-time');
    expect(r.failure?.message).toContain('bad password ••••');
  });

  it("runs root actions as the simulated Mac's root, with one prompt, when given the simulated Mac itself", async () => {
    const mac = new SimulatedMac();
    const r = await executePlan(plan([touch('/Library/A')]), {
      executor: mac,
      privileged: new InProcessPrivilegedRunner(mac),
    });
    expect(r.ok).toBe(true);
    expect(mac.commands().find((c) => c.line.startsWith('/bin/mkdir'))?.root).toBe(true);
    expect(mac.snapshot().adminPrompts).toEqual(['Test step']);
  });

  it("reports the program's own error text when a root command fails", async () => {
    const mac = new SimulatedMac();
    const refused = await executePlan(
      plan([
        {
          id: 'i',
          title: 'Install',
          detail: '',
          root: true,
          status: 'pending',
          command: { program: '/usr/sbin/installer', args: ['-pkg', '/nope.pkg', '-target', '/'] },
        },
      ]),
      { executor: mac, privileged: mac.privilegedRunner() },
    );
    expect(refused.failure?.message).toBe(
      `"Install" failed (exit 1): installer: Error the package path specified was invalid: '/nope.pkg'.`,
    );
  });
});

describe('the dry run', () => {
  it('records changes without making them and answers read-only commands from the Mac', async () => {
    const mac = new SimulatedMac();
    const dry = new DryRunExecutor(mac);
    const r = await executePlan(plan([touch('/Library/A'), touch('/Library')]), {
      executor: dry,
      privileged: new InProcessPrivilegedRunner(dry),
    });
    expect(r.actions.map((a) => a.outcome)).toEqual(['done', 'skipped']);
    expect(dry.recorded).toEqual(['/bin/mkdir -p /Library/A']);
    expect(mac.commands().every((c) => c.line.startsWith('/bin/test'))).toBe(true);
  });

  it('knows which commands only look', () => {
    expect(isReadOnlyCommand({ program: '/usr/bin/security', args: ['find-identity', '-v'] })).toBe(true);
    expect(isReadOnlyCommand({ program: '/usr/bin/security', args: ['import', 'x'] })).toBe(false);
    expect(isReadOnlyCommand({ program: '/bin/launchctl', args: ['bootout', 'system/x'] })).toBe(false);
  });
});
