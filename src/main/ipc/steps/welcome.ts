// Welcome in main: what the technician came to do (the mode), the 1E platform, the two endpoints, and the Mac's facts
// (asked once, kept for the later checks).
import { X509Certificate } from 'node:crypto';
import { gatherFacts, type MacFacts } from '../../../core/macos/facts';
import type { Executor } from '../../../core/macos/types';
import { validateBackgroundUrl, validateSwitchAddress } from '../../../core/macos/validate';
import { isOnboardError, OnboardError } from '../../../core/errors';
import type { Handlers } from '../router';
import type { EndpointsCheck, FieldCheck, MacFactsView, SetupModeName } from '../../../shared/contract';
import type { PlatformName, welcomeMethods } from '../../../shared/contract/welcome';
import type { RequirementProfile } from '../../../core/pki/requirement-profiles';

// Each platform the wizard offers is judged by the core's requirement profile of the same name.
const PROFILE_OF: Record<PlatformName, RequirementProfile> = { 'on-prem': 'on-prem', saas: 'saas' };

/** What Welcome keeps for one window; the later steps read it. */
export interface WelcomeState {
  /** What the technician came to do; decides which steps have work to do. */
  mode: SetupModeName;
  /** Which 1E platform the Mac connects to: the requirements its client certificate is judged by. */
  platform: PlatformName;
  /** Both valid, as main's validators normalised them; absent while either is missing or wrong. */
  endpoints?: { switchAddress: string; backgroundUrl: string };
  /** The Mac as last asked; later checks use its host name and keychain. */
  facts?: MacFacts;
}

export function createWelcomeState(): WelcomeState {
  return { mode: 'new', platform: 'on-prem' };
}

/** The part of a session Welcome's work reads. */
export interface WelcomeSession {
  executor: Executor;
  welcome: WelcomeState;
}

/** The facts of this session's Mac, asked again only when `refresh` is set. */
export async function currentFacts(session: WelcomeSession, refresh = false): Promise<MacFacts> {
  if (!session.welcome.facts || refresh) session.welcome.facts = await gatherFacts(session.executor);
  return session.welcome.facts;
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
    if (isOnboardError(e)) {
      return {
        ok: false,
        code: e.code,
        message: e.message,
        hint: e.hint,
        ...(e.details ? { details: e.details } : {}),
      };
    }
    throw e;
  }
}

/** Judges both fields with the validators the CLI uses; the session keeps them only while both are valid. */
export function setEndpoints(
  session: WelcomeSession,
  req: { switchAddress: string; backgroundUrl: string },
): EndpointsCheck {
  const switchAddress = check(req.switchAddress, (t) => validateSwitchAddress(t).value);
  const backgroundUrl = check(req.backgroundUrl, validateBackgroundUrl);
  const saved = Boolean(switchAddress?.ok && backgroundUrl?.ok);
  if (switchAddress?.ok && backgroundUrl?.ok)
    session.welcome.endpoints = { switchAddress: switchAddress.value, backgroundUrl: backgroundUrl.value };
  else delete session.welcome.endpoints;
  return { switchAddress, backgroundUrl, saved };
}

/** The requirement profile the client certificate is judged by on this session's platform. */
export function requirementProfile(session: { welcome: WelcomeState }): RequirementProfile {
  return PROFILE_OF[session.welcome.platform];
}

/** Installing and importing have no place in an uninstall: the steps that would do them refuse, saying so. */
export function refuseInUninstallMode(session: { welcome: WelcomeState }, what: string): void {
  if (session.welcome.mode === 'uninstall') {
    throw new OnboardError(
      'uninstall-mode',
      `${what} is not part of an uninstall.`,
      'Choose "New setup" or "Upgrade" on Welcome to install; the uninstall plan is on the Install step.',
    );
  }
}

export function welcomeHandlers(): Pick<Handlers<WelcomeSession>, keyof typeof welcomeMethods> {
  const handlers: Pick<Handlers<WelcomeSession>, keyof typeof welcomeMethods> = {
    getMacFacts: async (req, { session }) => factsView(await currentFacts(session, req.refresh)),
    setMode: (req, { session }) => {
      session.welcome.mode = req.mode;
      return { mode: req.mode };
    },
    setPlatform: (req, { session }) => {
      session.welcome.platform = req.platform;
      return { platform: req.platform };
    },
    setEndpoints: (req, { session }) => setEndpoints(session, req),
  };
  return handlers;
}
