// Plan: trust the root CAs in the admin trust settings and put every CA certificate into the System keychain, one file per certificate.
import type { X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { certificateRole } from '../../pki/inspect';
import type { Action, Check, Plan } from '../action';
import { isTrustedRoot, trustSettingsExportCommand, type MacFacts } from '../facts';
import { BIN, SYSTEM_KEYCHAIN } from '../paths';
import type { PlanWorkspace } from '../workspace';
import { commonName, emptyPlan, sha1Hex, sha256Hex } from './common';

export interface CaPlanInput {
  /** Every certificate from every --ca file (bundles already split). */
  certificates: readonly X509Certificate[];
  facts: MacFacts;
  workspace: PlanWorkspace;
}

/** Where the trust checks export the admin trust settings: the plan's private folder ("$work" in the script). */
export const TRUST_EXPORT_FILE = 'admin-trust-settings.plist';

/**
 * "Is this root trusted?", asked of the admin trust settings, never of the keychain: after a
 * refused trust the certificate is in the keychain and untrusted (`add-trusted-cert -k` adds it
 * first: trusted_cert_add.c#L483-495, then L532-536), so presence would call it done forever.
 */
export function adminTrustCheck(sha1: string, workspace: PlanWorkspace): Check {
  return { command: trustSettingsExportCommand(workspace.path(TRUST_EXPORT_FILE)), adminTrust: { sha1 } };
}

/**
 * Roots get an admin trust setting, `add-trusted-cert -d -r trustRoot FILE`: since macOS 11 a
 * person at the Mac approves each one in a dialog (root included), which macOS shows only in a
 * login session, never in the osascript administrator batch. So the trust changes run as the user,
 * first, each behind its own dialog; then one administrator batch adds the certificates to the
 * System keychain (`add-certificates`, which needs root and no dialog). The trust does not need
 * the certificate in a keychain (without -k nothing is added: trusted_cert_add.c#L484).
 * Intermediates are only added, never trusted. What is already done is skipped: a root whose
 * admin trust settings already trust it (by an earlier run, or a configuration profile), a
 * certificate already in the System keychain (same SHA-256, or SHA-1 on macOS that prints only that).
 */
export async function importCaCertificates(input: CaPlanInput): Promise<Plan> {
  const plan = emptyPlan('ca-certificates', 'Trust the root CAs and add the CA certificates to the System keychain');
  const unique = new Map<string, X509Certificate>();
  for (const c of input.certificates) if (!unique.has(sha256Hex(c))) unique.set(sha256Hex(c), c);
  const roles = [...unique.values()].map((c) => ({ cert: c, role: certificateRole(c) }));
  // Roots first, so each intermediate finds its issuer already there.
  roles.sort((a, b) => (a.role === 'root' ? 0 : 1) - (b.role === 'root' ? 0 : 1));
  const present256 = new Set(input.facts.certificates.map((c) => c.sha256).filter(Boolean));
  const present1 = new Set(input.facts.certificates.map((c) => c.sha1));
  const settings = input.facts.trustSettings;
  const setup: string[] = [];
  const trusts: Action[] = [];
  const adds: Action[] = [];
  let n = 0;
  for (const { cert, role } of roles) {
    const name = commonName(cert);
    if (role === 'leaf') {
      plan.warnings.push(
        `"${name}" is not a CA certificate (it is an end-entity certificate) and was left out of the CA import.`,
      );
      continue;
    }
    n++;
    const sha256 = sha256Hex(cert);
    const sha1 = sha1Hex(cert);
    const id = sha256.slice(0, 16).toLowerCase();
    const fileName = `ca-${n}-${sha256.slice(0, 12).toLowerCase()}.pem`;
    const path = await input.workspace.writeFile(fileName, cert.toString());
    plan.files.push({ path, description: `CA certificate "${name}" (PEM)`, secret: false });
    setup.push(
      `/bin/cat > "$work"/${basename(path)} <<'ONBOARD_PEM'`,
      ...cert.toString().trimEnd().split('\n'),
      'ONBOARD_PEM',
    );
    const known = input.facts.known;
    const present = known && (present256.has(sha256) || present1.has(sha1));
    if (role === 'root') {
      const trusted = known && settings !== null && isTrustedRoot(settings, sha1);
      const denied = settings?.some((t) => t.sha1 === sha1 && t.result === 'deny') ?? false;
      const why =
        present && !trusted
          ? ` (it is in the System keychain but ${denied ? 'set to Never Trust' : 'not trusted'})`
          : '';
      trusts.push({
        id: `ca-trust-${id}`,
        title: `Trust the root CA "${name}" for all users${why}`,
        detail: `SHA-256 ${sha256}. macOS asks a person at this Mac to approve this change in a dialog of its own, with an administrator's name and password (since macOS 11, even when run as root); it cannot be approved over SSH or from an MDM agent. Undo removes the trust setting (another dialog).`,
        command: { program: BIN.security, args: ['add-trusted-cert', '-d', '-r', 'trustRoot', path] },
        root: false,
        approval: 'trust-settings',
        check: adminTrustCheck(sha1, input.workspace),
        undo: [{ program: BIN.security, args: ['remove-trusted-cert', '-d', path] }],
        status: trusted ? 'skip' : 'pending',
        ...(trusted ? { reason: 'already trusted for all users (admin trust settings)' } : {}),
      });
    }
    adds.push({
      id: `ca-add-${id}`,
      title:
        role === 'root'
          ? `Add the root CA "${name}" to the System keychain`
          : `Add the intermediate CA "${name}" (not trusted as a root)`,
      detail: `SHA-256 ${sha256}.`,
      command: { program: BIN.security, args: ['add-certificates', '-k', SYSTEM_KEYCHAIN, path] },
      root: true,
      check: {
        command: { program: BIN.security, args: ['find-certificate', '-a', '-Z', SYSTEM_KEYCHAIN] },
        stdoutIncludes: `SHA-1 hash: ${sha1}`,
      },
      undo: [{ program: BIN.security, args: ['delete-certificate', '-Z', sha1, SYSTEM_KEYCHAIN] }],
      status: present ? 'skip' : 'pending',
      ...(present ? { reason: 'already in the System keychain' } : {}),
    });
  }
  // The dialogs first, as the user; then one administrator batch (which the identity import may share).
  plan.actions.push(...trusts, ...adds);
  if (n === 0 && input.certificates.length > 0)
    plan.warnings.push('None of the given certificates is a CA certificate.');
  plan.script = { setup, substitutions: [] };
  return plan;
}
