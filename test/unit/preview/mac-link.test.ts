// The simulated Mac reached from another thread (mac-link.ts): through a real MessageChannel (so every message is
// structured-cloned as between threads), plans run exactly as they do on the Mac itself: the same commands, prompts,
// progress, failures by action and rollback.
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Plan } from '../../../src/core/macos/action';
import { executePlan, type ExecuteOptions, type ProgressEvent } from '../../../src/core/macos/execute';
import { SimulatedMac } from '../../../src/core/macos/executors/simulated';
import { hostMac, RemoteMac, type MacAnswer, type MacRequest } from '../../../src/preview/mac-link';

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

/** The Mac in "the server's thread" (port2's side) and its stand-in in "the worker" (port1's side). */
function link(mac: SimulatedMac): RemoteMac {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const remote = new RemoteMac({ kind: mac.kind }, (m) => port1.postMessage(m));
  port1.on('message', (m: MacAnswer) => remote.settle(m));
  const answer = hostMac(mac, (m) => port2.postMessage(m));
  port2.on('message', (m: MacRequest) => answer(m));
  return remote;
}

const touch = (path: string, root = true) => ({
  id: `mkdir-${path}`,
  title: `Make ${path}`,
  detail: '',
  root,
  status: 'pending' as const,
  command: { program: '/bin/mkdir', args: ['-p', path] },
  check: { command: { program: '/bin/test', args: ['-d', path] } },
  undo: [{ program: '/bin/rmdir', args: [path] }],
});

const plan = (actions: Plan['actions']): Plan => ({
  step: 'configure-client',
  title: 'Test step',
  actions,
  warnings: [],
  cleanup: [],
  files: [],
});

/** Runs the plan on the Mac directly and through the link, each on a fresh Mac set up alike. */
async function both(p: Plan, setUp: (mac: SimulatedMac) => void = () => undefined) {
  const run = async (linked: boolean) => {
    const mac = new SimulatedMac();
    setUp(mac);
    const executor = linked ? link(mac) : mac;
    const events: string[] = [];
    const opts: ExecuteOptions = {
      executor,
      privileged: executor.privilegedRunner(),
      onProgress: (e: ProgressEvent) => events.push(`${e.actionId}:${e.phase}`),
    };
    const result = await executePlan(p, opts);
    return { result, events, snapshot: mac.snapshot(), commands: mac.commands() };
  };
  return { direct: await run(false), linked: await run(true) };
}

describe('the simulated Mac through the thread link', () => {
  it('runs a plan with root and user actions as the Mac itself does: one prompt, the same commands and progress', async () => {
    const { direct, linked } = await both(plan([touch('/Library/A'), touch('/Library/B'), touch('/Users/x/C', false)]));
    expect(linked.result).toEqual(direct.result);
    expect(linked.result.ok).toBe(true);
    expect(linked.events).toEqual(direct.events);
    expect(linked.commands).toEqual(direct.commands);
    expect(linked.snapshot.adminPrompts).toEqual(['Test step']);
    expect(linked.snapshot.files).toEqual(direct.snapshot.files);
  });

  it('fails the action a rule names and rolls the others back, as the Mac itself does', async () => {
    const { direct, linked } = await both(plan([touch('/Library/A'), touch('/Users/x/C', false)]), (mac) =>
      mac.failWhen({ actionId: 'mkdir-/Users/x/C', exitCode: 1, stderr: 'no' }),
    );
    expect(linked.result.ok).toBe(false);
    expect(linked.result.rolledBack).toBe(true);
    expect(linked.result).toEqual(direct.result);
    expect(linked.commands).toEqual(direct.commands);
  });

  it('runs nothing as root when the administrator prompt is cancelled', async () => {
    const { direct, linked } = await both(plan([touch('/Library/A')]), (mac) => (mac.grantAdminPrompts = false));
    expect(linked.result.ok).toBe(false);
    expect(linked.result).toEqual(direct.result);
    expect(linked.commands).toEqual([]);
  });
});
