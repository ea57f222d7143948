// The one scripted stand-in for window.onboard in the component and slice tests (the e2e flows run the real
// handlers): each method answers from a script, calls are recorded with their request ids, and progress events can
// be sent. Builders make the contract's answers with only what a test cares about spelled out.
import type {
  ActionView,
  ApplyOutcome,
  CaCard,
  Finding,
  IdentityView,
  MacFactsView,
  OnboardApi,
  OnboardEvent,
  PfxStatus,
  PlanView,
  PreparedChanges,
  TrustPlan,
} from '../../../src/shared/contract';
import { setApi } from '../../../renderer/api';
import { useWizard } from '../../../renderer/state/store';

export type Answer =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; hint: string } };
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

export function facts(over: Partial<MacFactsView> = {}): MacFactsView {
  return {
    macos: 'macOS 14.4.1 (23E224)',
    arch: 'arm64',
    rosetta: 'missing',
    localHostName: 'MAC01',
    computerName: 'MAC01',
    hostName: null,
    hostname: 'MAC01.local',
    expectedHostName: 'MAC01.local',
    domain: null,
    admin: true,
    client: null,
    service: null,
    conf: null,
    keychain: { certificates: 0, identities: 0 },
    ...over,
  };
}

export function caCard(over: Partial<CaCard> = {}): CaCard {
  return {
    sha256: 'AA:'.repeat(31) + 'AA',
    fileName: 'root.cer',
    role: 'root',
    subject: 'CN=Acme Root CA, O=Acme',
    commonName: 'Acme Root CA',
    issuer: 'CN=Acme Root CA, O=Acme',
    notBefore: '2024-01-01T00:00:00.000Z',
    notAfter: '2034-01-01T00:00:00.000Z',
    key: 'RSA 2048',
    signatureAlgorithm: 'sha256WithRSAEncryption',
    installed: false,
    problems: [],
    ...over,
  };
}

export function finding(id: string, status: Finding['status'], over: Partial<Finding> = {}): Finding {
  return {
    id,
    status,
    title: `Title of ${id}`,
    detail: `Detail of ${id}`,
    fix: status === 'pass' ? '' : `Fix for ${id}`,
    ...over,
  };
}

export function identity(findings: Finding[], over: Partial<IdentityView> = {}): IdentityView {
  const counts = { pass: 0, warn: 0, fail: 0, info: 0 };
  for (const f of findings) counts[f.status]++;
  return {
    source: 'pfx',
    label: 'MAC01.pfx',
    certificate: {
      subject: 'CN=MAC01.local',
      issuer: 'CN=Acme Issuing CA',
      commonName: 'MAC01.local',
      dnsNames: ['MAC01.local'],
      notAfter: '2026-01-01T00:00:00.000Z',
      sha256: 'BB',
      key: 'RSA 2048',
    },
    hostname: {
      expected: 'MAC01.local',
      status: 'exact',
      certificateName: 'MAC01.local',
      names: [{ name: 'MAC01.local', source: 'CN' }],
    },
    findings,
    counts,
    ok: counts.fail === 0,
    pfx: null,
    ...over,
  };
}

/** An opened .pfx as main reports it; by default one every macOS imports as it is. */
export function pfxStatus(over: Partial<PfxStatus> = {}): PfxStatus {
  return {
    fileName: 'MAC01.pfx',
    macOsCompatible: true,
    problems: [],
    protection: 'private key encrypted with 3DES; integrity check SHA1',
    rewrapped: false,
    needsNewPassword: false,
    passwordChanged: false,
    ...over,
  };
}

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
  const pending = actions.filter((a) => a.status === 'pending');
  const prompts = {
    adminPrompts: pending.some((a) => a.root) ? 1 : 0,
    trustDialogs: pending.filter((a) => a.approval).length,
  };
  return { step, title, prompts, warnings, actions, cleanup: [], files: [] };
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
    trustDialogs: pending.filter((a) => a.approval).length,
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
