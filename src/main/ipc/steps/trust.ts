// Trust & identity in main: the CA import and the identity import, planned from the CA and client-certificate steps'
// choices, then a (re)start of the 1E Client, which reads the keychain only when it starts.
import { gatherFacts } from '../../../core/macos/facts';
import {
  importCaCertificates,
  importClientIdentity,
  PACKAGE_INSTALL_ACTION,
  previousIdentities,
  startClient,
} from '../../../core/macos/plans';
import { pendingActions } from '../../../core/macos/action';
import { PlanWorkspace } from '../../../core/macos/workspace';
import { certificateRole } from '../../../core/pki/inspect';
import { nameOnOneLine } from '../../../core/pki/names';
import { OnboardError } from '../../../core/errors';
import type { Handlers } from '../router';
import type { TrustPlan } from '../../../shared/contract';
import type { trustMethods } from '../../../shared/contract/trust';
import { keepPrepared, type PlansSession } from '../plans';
import { refuseInUninstallMode } from './welcome';
import type { ClientSession } from './client';

/** The part of a session this step reads: the mode, the CAs, the identity, and what this run has changed so far. */
export type TrustSession = ClientSession & PlansSession;

/** A certificate's subject on one line, as a technician reads it. */
const subjectLine = nameOnOneLine;

/**
 * The Install step replaced the 1E Client package in this session after the identity was last
 * imported here, so the new binary has no access to the key yet.
 */
function upgradedSinceImport(session: TrustSession): boolean {
  const records = session.plans.records;
  const last = (purpose: string, action: string) =>
    records.findLastIndex((c) => c.purpose === purpose && c.status === 'done' && c.id.endsWith(`/${action}`));
  const installed = last('install', PACKAGE_INSTALL_ACTION);
  return installed >= 0 && installed > last('trust', 'identity-import');
}

export async function planTrustIdentity(
  session: TrustSession,
  allowAnyApp: boolean,
  removeOldIdentities?: boolean,
): Promise<TrustPlan> {
  refuseInUninstallMode(session, 'Importing certificates');
  const identity = session.client.identity;
  if (!identity) {
    throw new OnboardError(
      'no-identity',
      'No client certificate has been chosen for this Mac yet.',
      'Go back to "Client certificate" and open a .pfx, load the certificate issued for your request, or issue one from a lab CA.',
    );
  }
  const facts = await gatherFacts(session.executor);
  // `security import -T` names the 1E Client binary, so the client must be on the Mac first.
  if (facts.known && facts.client === null && !allowAnyApp) {
    throw new OnboardError(
      'client-not-installed',
      "The 1E Client is not installed yet, so macOS cannot give it (and only it) access to this Mac's private key.",
      'Install it on the Install step first, then come back to this step.',
    );
  }
  const workspace = await PlanWorkspace.create();
  try {
    const caPlan = await importCaCertificates({ certificates: session.ca.certificates, facts, workspace });
    if (session.ca.certificates.length === 0) {
      caPlan.warnings.push(
        "No CA certificates were chosen: the 1E Client connects only if this Mac already trusts the CA that issued the Switch's certificate.",
      );
    }
    // Replacing the certificate is the case where the client would otherwise keep the old one.
    const old = previousIdentities(facts, identity.certificate);
    const removeOld = old.length > 0 && (removeOldIdentities ?? session.welcome.mode === 'replace-certificate');
    // The plan wraps the identity once, for macOS, under a one-time password (never the technician's).
    const identityPlan = await importClientIdentity({
      identity: { key: identity.key, certificate: identity.certificate, chain: identity.chain },
      facts,
      workspace,
      allowAnyApp,
      removePrevious: removeOld ? old.map((o) => o.sha1) : [],
      regrantAccess: upgradedSinceImport(session),
    });
    // The client reads the keychain only when it starts: after any change here it is restarted (or started).
    const changing = pendingActions(caPlan).length + pendingActions(identityPlan).length > 0;
    const plans = [caPlan, identityPlan];
    if (facts.client !== null) plans.push(startClient(facts, { afterChanges: changing }));
    const prepared = await keepPrepared(session, 'trust', plans, workspace);
    return {
      ...prepared,
      purpose: 'trust',
      identity: {
        label: identity.label,
        subject: subjectLine(identity.certificate.subject),
        source: identity.source,
        sha256: identity.certificate.fingerprint256,
      },
      caCertificates: session.ca.certificates.map((c) => ({
        subject: subjectLine(c.subject),
        role: certificateRole(c),
      })),
      allowAnyApp,
      oldIdentities: old.map((o) => ({
        sha1: o.sha1,
        name: o.name,
        subject: o.subject,
        expires: o.notAfter,
        problem: o.problem,
      })),
      removeOldIdentities: removeOld,
    };
  } catch (e) {
    await workspace.dispose();
    throw e;
  }
}

export function trustHandlers(): Pick<Handlers<TrustSession>, keyof typeof trustMethods> {
  return {
    planTrustIdentity: (req, { session }) => planTrustIdentity(session, req.allowAnyApp, req.removeOldIdentities),
  };
}
