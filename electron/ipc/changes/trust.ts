// Trust & identity: the CA import and the identity import, planned from the setup half's choices.
import { randomBytes } from 'node:crypto';
import { gatherFacts } from '../../core/macos/facts';
import { importCaCertificates, importClientIdentity, previousIdentities } from '../../core/macos/plans';
import { PlanWorkspace } from '../../core/macos/workspace';
import { writePfx } from '../../core/pki/pkcs12';
import { certificateRole } from '../../core/pki/inspect';
import { OnboardError } from '../../core/errors';
import type { Session } from '../session';
import type { TrustPlan } from '../contract-changes';
import { keepPrepared } from './prepared';

/** A certificate's subject on one line, as a technician reads it. */
export function subjectLine(subject: string): string {
  return subject.split('\n').filter(Boolean).join(', ');
}

export function refuseInUninstallMode(session: Session, what: string): void {
  if (session.setup.mode === 'uninstall') {
    throw new OnboardError('uninstall-mode', `${what} is not part of an uninstall.`, 'Choose "New setup" or "Upgrade" on Welcome to install; the uninstall plan is on the Install step.');
  }
}

export async function planTrustIdentity(session: Session, allowAnyApp: boolean, removeOldIdentities?: boolean): Promise<TrustPlan> {
  refuseInUninstallMode(session, 'Importing certificates');
  const identity = session.setup.identity;
  if (!identity) {
    throw new OnboardError('no-identity', 'No client certificate has been chosen for this Mac yet.',
      'Go back to "Client certificate" and open a .pfx, load the certificate issued for your request, or issue one from a lab CA.');
  }
  const facts = await gatherFacts(session.executor);
  const workspace = await PlanWorkspace.create();
  try {
    const caPlan = await importCaCertificates({ certificates: session.setup.caCertificates, facts, workspace });
    if (session.setup.caCertificates.length === 0) {
      caPlan.warnings.push('No CA certificates were chosen: the 1E Client connects only if this Mac already trusts the CA that issued the Switch\'s certificate.');
    }
    // The identity plan takes a PFX: one made here in memory under a one-time password
    // (never the technician's), which the plan re-wraps for macOS into its workspace.
    const oneTime = randomBytes(24).toString('hex');
    const pfx = writePfx({ key: identity.key, certificate: identity.certificate, chain: identity.chain, password: oneTime, profile: 'compatible' });
    // Replacing the certificate is the case where the client would otherwise keep the old one.
    const old = previousIdentities(facts, identity.certificate);
    const removeOld = old.length > 0 && (removeOldIdentities ?? session.setup.mode === 'replace-certificate');
    const identityPlan = await importClientIdentity({ pfx, password: oneTime, facts, workspace, allowAnyApp, removePrevious: removeOld ? old.map((o) => o.sha1) : [] });
    const prepared = await keepPrepared(session, 'trust', [caPlan, identityPlan], workspace);
    return {
      ...prepared,
      purpose: 'trust',
      identity: { label: identity.label, subject: subjectLine(identity.certificate.subject), source: identity.source, sha256: identity.certificate.fingerprint256 },
      caCertificates: session.setup.caCertificates.map((c) => ({ subject: subjectLine(c.subject), role: certificateRole(c) })),
      allowAnyApp,
      oldIdentities: old.map((o) => ({ sha1: o.sha1, name: o.name, subject: o.subject, expires: o.notAfter, problem: o.problem })),
      removeOldIdentities: removeOld,
    };
  } catch (e) {
    await workspace.dispose();
    throw e;
  }
}
