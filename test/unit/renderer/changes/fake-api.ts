// A scripted stand-in for window.onboard, for component tests of the changes half only:
// the e2e flows run the real handlers. Each method answers from a script; calls are recorded.
import type {
  OnboardApi,
  OnboardEvent,
  PlanView,
  ActionView,
  PreparedChanges,
  TrustPlan,
  ApplyOutcome,
} from '../../../../src/shared/contract';
import { setApi } from '../../../../renderer/api';
import { useWizard } from '../../../../renderer/store';

type Answer = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; hint: string } };
/** What the screens send; only the fields these tests read are named. */
export type Payload = { [key: string]: unknown; allowAnyApp?: boolean };
type Script = Record<string, (payload: Payload, requestId?: string) => Answer | Promise<Answer>>;

export interface FakeApi {
  calls: { method: string; payload: Payload; requestId?: string | undefined }[];
  emit(event: OnboardEvent): void;
  callsOf(method: string): Payload[];
}

export function installFakeApi(script: Script): FakeApi {
  const listeners = new Set<(e: OnboardEvent) => void>();
  const calls: FakeApi['calls'] = [];
  const api = new Proxy({} as Record<string, unknown>, {
    get(_t, prop: string) {
      if (prop === 'onEvent')
        return (l: (e: OnboardEvent) => void) => {
          listeners.add(l);
          return () => listeners.delete(l);
        };
      if (prop === 'then') return undefined;
      return async (payload: unknown, requestId?: string) => {
        calls.push({ method: prop, payload: payload as Payload, requestId });
        const answer = script[prop];
        if (!answer)
          return { ok: false, error: { code: 'unscripted', message: `No answer scripted for ${prop}.`, hint: '' } };
        return answer(payload as Payload, requestId);
      };
    },
  }) as unknown as OnboardApi;
  setApi(api);
  return {
    calls,
    emit: (e) => listeners.forEach((l) => l(e)),
    callsOf: (m) => calls.filter((c) => c.method === m).map((c) => c.payload),
  };
}

const initial = useWizard.getState();
/** Every test starts from the store as the app starts. */
export function resetStore(): void {
  useWizard.setState(initial, true);
}

export const ok = (value: unknown): Answer => ({ ok: true, value });
export const err = (code: string, message: string, hint = ''): Answer => ({
  ok: false,
  error: { code, message, hint },
});

export function action(id: string, over: Partial<ActionView> = {}): ActionView {
  return {
    id,
    title: `Action ${id}`,
    detail: '',
    root: true,
    status: 'pending',
    command: { program: '/usr/bin/security', args: ['x'], line: `/usr/bin/security ${id}` },
    undo: [],
    ...over,
  };
}

export function plan(step: PlanView['step'], title: string, actions: ActionView[], warnings: string[] = []): PlanView {
  return { step, title, warnings, actions, cleanup: [], files: [] };
}

export function prepared(
  purpose: PreparedChanges['purpose'],
  plans: PlanView[],
  planId = `${purpose}-0123456789abcdef`,
): PreparedChanges {
  const pending = plans.flatMap((p) => p.actions.filter((a) => a.status === 'pending'));
  return {
    planId,
    purpose,
    plans,
    pendingCount: pending.length,
    needsAdmin: pending.some((a) => a.root),
    adminPrompts: pending.some((a) => a.root) ? 1 : 0,
  };
}

export function trustPlan(
  plans: PlanView[],
  allowAnyApp = false,
  old: Pick<TrustPlan, 'oldIdentities' | 'removeOldIdentities'> = { oldIdentities: [], removeOldIdentities: false },
): TrustPlan {
  return {
    ...prepared('trust', plans),
    purpose: 'trust',
    identity: { label: 'Lab CA: Acme Lab', subject: 'CN=MAC01.local', source: 'lab', sha256: 'AA:BB' },
    caCertificates: [{ subject: 'CN=Acme Root', role: 'root' }],
    allowAnyApp,
    ...old,
  };
}

export function outcome(
  planId: string,
  purpose: ApplyOutcome['purpose'],
  over: Partial<ApplyOutcome> = {},
): ApplyOutcome {
  return { planId, purpose, ok: true, actions: [], rolledBack: [], ...over };
}
