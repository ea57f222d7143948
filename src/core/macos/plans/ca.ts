// Plan: put the CA certificates into the System keychain, trusting roots, one file per certificate.
import type { X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { certificateRole } from '../../pki/inspect';
import type { Action, Plan } from '../action';
import { isTrustedRoot, type MacFacts } from '../facts';
import { BIN, SYSTEM_KEYCHAIN } from '../paths';
import type { PlanWorkspace } from '../workspace';
import { commonName, emptyPlan, sha1Hex, sha256Hex } from './common';

export interface CaPlanInput {
  /** Every certificate from every --ca file (bundles already split). */
  certificates: readonly X509Certificate[];
  facts: MacFacts;
  workspace: PlanWorkspace;
}

/**
 * Roots get `add-trusted-cert -d -r trustRoot` (admin trust: macOS asks for an administrator
 * even as root); intermediates are only added, never trusted. Certificates already in the
 * System keychain (same SHA-256, or SHA-1 on macOS that prints only that) are skipped.
 */
export async function importCaCertificates(input: CaPlanInput): Promise<Plan> {
  const plan = emptyPlan('ca-certificates', 'Add the CA certificates to the System keychain');
  const unique = new Map<string, X509Certificate>();
  for (const c of input.certificates) if (!unique.has(sha256Hex(c))) unique.set(sha256Hex(c), c);
  const roles = [...unique.values()].map((c) => ({ cert: c, role: certificateRole(c) }));
  // Roots first, so each intermediate finds its issuer already trusted.
  roles.sort((a, b) => (a.role === 'root' ? 0 : 1) - (b.role === 'root' ? 0 : 1));
  const present256 = new Set(input.facts.certificates.map((c) => c.sha256).filter(Boolean));
  const present1 = new Set(input.facts.certificates.map((c) => c.sha1));
  const setup: string[] = [];
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
    const fileName = `ca-${n}-${sha256.slice(0, 12).toLowerCase()}.pem`;
    const path = await input.workspace.writeFile(fileName, cert.toString());
    plan.files.push({ path, description: `CA certificate "${name}" (PEM)`, secret: false });
    setup.push(
      `/bin/cat > "$work"/${basename(path)} <<'ONBOARD_PEM'`,
      ...cert.toString().trimEnd().split('\n'),
      'ONBOARD_PEM',
    );
    const present = present256.has(sha256) || present1.has(sha1);
    // A root already in the keychain whose trust setting is missing (or Never Trust) only needs its trust set.
    const untrustedRoot =
      role === 'root' &&
      present &&
      input.facts.trustSettings !== null &&
      !isTrustedRoot(input.facts.trustSettings, sha1);
    const remove = { program: BIN.security, args: ['delete-certificate', '-Z', sha1, SYSTEM_KEYCHAIN] };
    if (untrustedRoot) {
      const denied = input.facts.trustSettings!.some((t) => t.sha1 === sha1 && t.result === 'deny');
      plan.actions.push({
        id: `ca-trust-${sha256.slice(0, 16).toLowerCase()}`,
        title: `Trust the root CA "${name}" for all users (it is in the System keychain but ${denied ? 'set to Never Trust' : 'not trusted'})`,
        detail: `SHA-256 ${sha256}. Only the trust setting is added; macOS shows an administrator prompt for it. Undo removes the trust setting and leaves the certificate, which was there before.`,
        command: {
          program: BIN.security,
          args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, path],
        },
        root: true,
        undo: [{ program: BIN.security, args: ['remove-trusted-cert', '-d', path] }],
        status: 'pending',
      });
      continue;
    }
    const action: Action =
      role === 'root'
        ? {
            id: `ca-trust-${sha256.slice(0, 16).toLowerCase()}`,
            title: `Trust the root CA "${name}" for all users`,
            detail: `SHA-256 ${sha256}. macOS shows an administrator prompt for the trust change.`,
            command: {
              program: BIN.security,
              args: ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, path],
            },
            root: true,
            undo: [{ program: BIN.security, args: ['remove-trusted-cert', '-d', path] }, remove],
            status: 'pending',
          }
        : {
            id: `ca-add-${sha256.slice(0, 16).toLowerCase()}`,
            title: `Add the intermediate CA "${name}" (not trusted as a root)`,
            detail: `SHA-256 ${sha256}.`,
            command: { program: BIN.security, args: ['add-certificates', '-k', SYSTEM_KEYCHAIN, path] },
            root: true,
            undo: [remove],
            status: 'pending',
          };
    action.check = {
      command: { program: BIN.security, args: ['find-certificate', '-a', '-Z', SYSTEM_KEYCHAIN] },
      stdoutIncludes: `SHA-1 hash: ${sha1}`,
    };
    if (present) {
      action.status = 'skip';
      action.reason = 'already in the System keychain';
    }
    plan.actions.push(action);
  }
  if (n === 0 && input.certificates.length > 0)
    plan.warnings.push('None of the given certificates is a CA certificate.');
  plan.script = { setup, substitutions: [] };
  return plan;
}
