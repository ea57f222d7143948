// The simulated Mac of one preview connection, reached from that connection's worker thread by messages: the Mac (and
// whatever a test holds of it) stays in the server's thread, the session's work runs in the worker.
import type { Command, CommandResult, Executor } from '../core/macos/types';
import {
  InProcessPrivilegedRunner,
  type ActionAwareExecutor,
  type BatchItem,
  type BatchResult,
  type ItemProgress,
  type PrivilegedRunner,
} from '../core/macos/execute';

/** What the worker asks of the Mac. Only data crosses: commands, batch items and their results. */
export type MacCall =
  | { op: 'run'; command: Command }
  | { op: 'batch'; title: string; items: readonly BatchItem[]; mode: 'apply' | 'keep-going' };

/** A message from the worker about the Mac: a call to answer, or the action its next commands belong to. */
export type MacRequest =
  { type: 'mac'; callId: number; call: MacCall } | { type: 'mac-action'; actionId: string | null };

/** The server's answers: a call's end, or one batch item's progress while the batch runs. */
export type MacAnswer =
  | { type: 'mac-done'; callId: number; value?: CommandResult | BatchResult; error?: string }
  | { type: 'mac-item'; callId: number; id: string; phase: Parameters<ItemProgress>[1] };

/** What the worker must know of the Mac to stand in for it. */
export interface MacDescription {
  kind: Executor['kind'];
}

type HostedExecutor = Executor & Partial<ActionAwareExecutor> & { privilegedRunner?: () => PrivilegedRunner };

/**
 * The server's side: answers a worker's calls on the real executor. Batches run here whole, through the executor's
 * own privileged runner, so prompts and root commands behave exactly as they do in one thread.
 */
export function hostMac(executor: Executor, answer: (m: MacAnswer) => void): (m: MacRequest) => void {
  const mac = executor as HostedExecutor;
  let runner: PrivilegedRunner | undefined;
  const settle = (callId: number, p: Promise<CommandResult | BatchResult>) =>
    p.then(
      (value) => answer({ type: 'mac-done', callId, value }),
      (e: unknown) => answer({ type: 'mac-done', callId, error: e instanceof Error ? e.message : String(e) }),
    );
  return (m) => {
    if (m.type === 'mac-action') {
      mac.beginAction?.(m.actionId);
      return;
    }
    const { call, callId } = m;
    if (call.op === 'run') {
      void settle(
        callId,
        Promise.resolve().then(() => mac.run(call.command)),
      );
      return;
    }
    runner ??= typeof mac.privilegedRunner === 'function' ? mac.privilegedRunner() : new InProcessPrivilegedRunner(mac);
    const onItem: ItemProgress = (id, phase) => answer({ type: 'mac-item', callId, id, phase });
    const r = runner;
    void settle(
      callId,
      Promise.resolve().then(() => r.runBatch(call.title, call.items, call.mode, onItem)),
    );
  };
}

/** The worker's side: an executor whose commands and batches run on the Mac in the server's thread. */
export class RemoteMac implements ActionAwareExecutor {
  readonly kind: Executor['kind'];
  private nextId = 1;
  private readonly calls = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; onItem?: ItemProgress | undefined }
  >();

  constructor(
    description: MacDescription,
    private readonly post: (m: MacRequest) => void,
  ) {
    this.kind = description.kind;
  }

  run(command: Command): Promise<CommandResult> {
    return this.call({ op: 'run', command }) as Promise<CommandResult>;
  }

  beginAction(actionId: string | null): void {
    this.post({ type: 'mac-action', actionId });
  }

  /** One administrator prompt per batch, as the Mac's own runner does it (see hostMac). */
  privilegedRunner(): PrivilegedRunner {
    return {
      runBatch: (title, items, mode, onItem) =>
        this.call({ op: 'batch', title, items, mode }, onItem) as Promise<BatchResult>,
    };
  }

  /** Takes the server's answer to one of this Mac's calls. */
  settle(m: MacAnswer): void {
    const pending = this.calls.get(m.callId);
    if (!pending) return;
    if (m.type === 'mac-item') {
      pending.onItem?.(m.id, m.phase);
      return;
    }
    this.calls.delete(m.callId);
    if (m.error !== undefined) pending.reject(new Error(m.error));
    else pending.resolve(m.value);
  }

  private call(call: MacCall, onItem?: ItemProgress): Promise<unknown> {
    const callId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(callId, { resolve, reject, onItem });
      this.post({ type: 'mac', callId, call });
    });
  }
}
