// A scripted window.onboard for the setup screens' component tests (the e2e flows run the real handlers).
import type {
  CaCard,
  Finding,
  IdentityView,
  MacFactsView,
  OnboardApi,
  PfxStatus,
} from '../../../../src/shared/contract';
import { setApi } from '../../../../renderer/api';
import { useWizard } from '../../../../renderer/store';

export type Answer =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; hint: string } };
type Handler = (payload: Record<string, unknown>) => Answer | Promise<Answer>;

export interface ScriptedApi {
  calls: { method: string; payload: Record<string, unknown> }[];
  callsOf(method: string): Record<string, unknown>[];
}

export function scriptApi(script: Record<string, Handler>): ScriptedApi {
  const calls: ScriptedApi['calls'] = [];
  const api = new Proxy(
    {},
    {
      get(_t, method: string) {
        if (method === 'onEvent') return () => () => undefined;
        if (method === 'then') return undefined;
        return async (payload: Record<string, unknown>) => {
          calls.push({ method, payload });
          const h = script[method];
          return h
            ? h(payload)
            : { ok: false, error: { code: 'unscripted', message: `Nothing scripted for ${method}.`, hint: '' } };
        };
      },
    },
  ) as unknown as OnboardApi;
  setApi(api);
  return { calls, callsOf: (m) => calls.filter((c) => c.method === m).map((c) => c.payload) };
}

const initial = useWizard.getState();
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
