// Welcome's side of main: the Mac's facts (asked once, kept for the later checks), the mode, and the two endpoints.
import { X509Certificate } from 'node:crypto';
import { gatherFacts, type MacFacts } from '../../../core/macos/facts';
import { validateBackgroundUrl, validateSwitchAddress } from '../../../core/macos/validate';
import { isOnboardError } from '../../../core/errors';
import type { Session } from '../session';
import type { EndpointsCheck, FieldCheck, MacFactsView } from '../../../shared/contract';

/** The facts of this session's Mac, asked again only when `refresh` is set. */
export async function currentFacts(session: Session, refresh = false): Promise<MacFacts> {
  if (!session.setup.facts || refresh) session.setup.facts = await gatherFacts(session.executor);
  return session.setup.facts;
}

const keychainCache = new WeakMap<MacFacts, X509Certificate[]>();

/** The System keychain's certificates as objects; ones that do not parse are left out (they cannot be a CA we need). */
export function keychainCertificates(facts: MacFacts | undefined): X509Certificate[] {
  if (!facts) return [];
  let list = keychainCache.get(facts);
  if (!list) {
    list = [];
    for (const c of facts.certificates) {
      try {
        list.push(new X509Certificate(c.pem));
      } catch {
        // A keychain entry we cannot read says nothing about the technician's CAs.
      }
    }
    keychainCache.set(facts, list);
  }
  return list;
}

function confSetting(values: Record<string, string>, name: string): string | null {
  const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : values[key]!;
}

export function factsView(f: MacFacts): MacFactsView {
  const rosetta: MacFactsView['rosetta'] =
    f.arch === 'x86_64' ? 'not-needed' : f.arch === 'arm64' ? (f.rosettaWorks ? 'installed' : 'missing') : null;
  return {
    macos: f.macos ? `${f.macos.productName} ${f.macos.version}${f.macos.build ? ` (${f.macos.build})` : ''}` : null,
    arch: f.arch,
    rosetta,
    localHostName: f.localHostName,
    computerName: f.computerName,
    hostName: f.hostName,
    hostname: f.hostname,
    expectedHostName: f.expectedHostName,
    domain: f.domain
      ? { domain: f.domain.domain, forest: f.domain.forest, computerAccount: f.domain.computerAccount }
      : null,
    admin: f.admin,
    client: f.client
      ? {
          version: f.client.version,
          installedAt: f.client.installTime ? new Date(f.client.installTime * 1000).toISOString() : null,
        }
      : null,
    service: f.daemon ? { running: f.daemon.running, state: f.daemon.state, pid: f.daemon.pid } : null,
    conf: f.conf
      ? {
          path: f.conf.path,
          switchAddress: confSetting(f.conf.values, 'Switch'),
          backgroundUrl: confSetting(f.conf.values, 'BackgroundChannelUrl'),
          settings: Object.entries(f.conf.values).map(([key, value]) => ({ key, value })),
        }
      : null,
    keychain: { certificates: f.certificates.length, identities: f.identities.length },
  };
}

function check(text: string, validate: (t: string) => string): FieldCheck | null {
  if (text.trim() === '') return null;
  try {
    return { ok: true, value: validate(text) };
  } catch (e) {
    if (isOnboardError(e)) return { ok: false, message: e.message, hint: e.hint };
    throw e;
  }
}

/** Judges both fields with the validators the CLI uses; the session keeps them only while both are valid. */
export function setEndpoints(session: Session, req: { switchAddress: string; backgroundUrl: string }): EndpointsCheck {
  const switchAddress = check(req.switchAddress, (t) => validateSwitchAddress(t).value);
  const backgroundUrl = check(req.backgroundUrl, validateBackgroundUrl);
  const saved = Boolean(switchAddress?.ok && backgroundUrl?.ok);
  if (switchAddress?.ok && backgroundUrl?.ok)
    session.setup.endpoints = { switchAddress: switchAddress.value, backgroundUrl: backgroundUrl.value };
  else delete session.setup.endpoints;
  return { switchAddress, backgroundUrl, saved };
}
