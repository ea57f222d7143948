// Plan: import the client identity (key + certificate) into the System keychain for the 1E Client.
import { randomBytes, X509Certificate } from 'node:crypto';
import { basename } from 'node:path';
import { OnboardError } from '../../errors';
import { wrapIdentity, type Identity } from '../../pki/identity';
import { inspectCertificate } from '../../pki/inspect';
import { nameOnOneLine } from '../../pki/names';
import type { Action, Plan } from '../action';
import type { MacFacts } from '../facts';
import { BIN, CLIENT_BINARY, SYSTEM_KEYCHAIN } from '../paths';
import { shellQuote } from '../quote';
import type { PlanWorkspace } from '../workspace';
import { commonName, emptyPlan, sha1Hex } from './common';

/** Lists the identities macOS would offer for client authentication: the import's and removal's check. */
const findIdentityCommand = { program: BIN.security, args: ['find-identity', '-p', 'ssl-client', SYSTEM_KEYCHAIN] };

export interface IdentityPlanInput {
  /** The client identity, opened at the input boundary (openPfx, a CSR answer, a lab CA). */
  identity: Identity;
  facts: MacFacts;
  workspace: PlanWorkspace;
  /** `-A` (any application may use the key) instead of `-T <1E.Client>`: only on explicit request. */
  allowAnyApp?: boolean;
  /** Where the PFX is on the Mac, for the exported sh script (which re-wraps it itself). */
  pfxPathForScript?: string;
  /**
   * false when nothing will run this plan here: an exported sh script makes its own compatible
   * copy from the PFX on the Mac, and a plan made only to check the inputs needs none. Then no
   * key is wrapped and no file written. Default true.
   */
  makeFile?: boolean;
  /**
   * SHA-1s of older identities for this host name to delete after the new one is in (only
   * ones previousIdentities lists; the technician ticked "Remove the old identity").
   */
  removePrevious?: readonly string[];
  /**
   * The 1E Client was just upgraded: an identity already in the keychain is deleted and imported
   * again, because the new client binary does not inherit access to the private key (-T).
   */
  regrantAccess?: boolean;
}

/** An identity already in the System keychain for the same host name as the new certificate. */
export interface PreviousIdentity {
  sha1: string;
  /** The label find-identity prints (usually the certificate's CN). */
  name: string;
  /** Subject on one line, when the certificate could be read from the keychain. */
  subject: string | null;
  /** Expiry (ISO 8601), when known. */
  notAfter: string | null;
  /** Why find-identity -v no longer lists it (e.g. CSSMERR_TP_CERT_EXPIRED); null when it is valid. */
  problem: string | null;
}

function namesOf(cert: X509Certificate): string[] {
  try {
    const info = inspectCertificate(cert);
    return [info.commonName, ...info.subjectAltNames.dns].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  } catch {
    return [];
  }
}

/**
 * The identities in the System keychain (valid or not: an expired one is what a replacement
 * usually replaces) whose certificate names the same host as `leaf` (CN or DNS name, compared
 * without case: a wrongly-cased old one is also an old one), other than `leaf` itself.
 */
export function previousIdentities(facts: MacFacts, leaf: X509Certificate): PreviousIdentity[] {
  const wanted = new Set(namesOf(leaf));
  const own = sha1Hex(leaf);
  const listed = facts.allIdentities.length
    ? facts.allIdentities
    : facts.identities.map((i) => ({ ...i, problem: null }));
  const out: PreviousIdentity[] = [];
  for (const id of listed) {
    if (id.sha1 === own) continue;
    const pem = facts.certificates.find((c) => c.sha1 === id.sha1)?.pem;
    let cert: X509Certificate | null = null;
    try {
      cert = pem ? new X509Certificate(pem) : null;
    } catch {
      cert = null;
    }
    const names = cert ? namesOf(cert) : [id.name.toLowerCase()];
    if (!names.some((n) => wanted.has(n))) continue;
    out.push({
      sha1: id.sha1,
      name: id.name,
      subject: cert ? nameOnOneLine(cert.subject) : null,
      notAfter: cert ? new Date(cert.validTo).toISOString() : null,
      problem: id.problem,
    });
  }
  return out;
}

/** The sh variable that holds the one-time password in exported scripts. */
export const SCRIPT_IMPORT_PASSWORD_VAR = 'ONBOARD_IMPORT_PASSWORD';

/** The name of the compatible copy in the plan's workspace (the exported script makes it under the same name). */
const IMPORT_FILE = 'identity.p12';

/**
 * The identity is wrapped here, once, into the profile every macOS imports, under a one-time
 * random password, into the plan's private workspace; `security import` gets that file and that
 * password, never the technician's. The workspace (and so the file) is removed when execution
 * ends, whatever happens.
 */
export async function importClientIdentity(input: IdentityPlanInput): Promise<Plan> {
  const plan = emptyPlan('client-identity', 'Import the client certificate and its private key (the identity)');
  const leaf = input.identity.certificate;
  const oneTime = randomBytes(24).toString('hex');
  let path: string;
  if (input.makeFile === false) path = input.workspace.path(IMPORT_FILE);
  else {
    path = await input.workspace.writeFile(IMPORT_FILE, wrapIdentity(input.identity, oneTime));
    plan.files.push({ path, description: 'the identity re-wrapped for macOS under a one-time password', secret: true });
  }
  const sha1 = sha1Hex(leaf);
  const name = commonName(leaf);
  const access = input.allowAnyApp ? ['-A'] : ['-T', CLIENT_BINARY];
  const args = ['import', path, '-k', SYSTEM_KEYCHAIN, '-t', 'agg', '-f', 'pkcs12', '-P', oneTime, ...access];
  if (input.allowAnyApp) {
    plan.warnings.push(
      'Any application on this Mac will be able to use the client private key without asking (security import -A). Apple advises against this; it saves importing the identity again after each 1E Client upgrade.',
    );
  } else if (input.facts.client) {
    plan.warnings.push(
      'After a later 1E Client upgrade, import the identity again: the new client binary does not inherit access to the private key.',
    );
  }
  const present = input.facts.identities.some((i) => i.sha1 === sha1);
  const importCommand = { program: BIN.security, args, secretArgs: [args.indexOf(oneTime)] };
  const regrant = present && input.regrantAccess === true;
  if (regrant) {
    // Undone by importing the same file again, so a failed import never leaves the Mac without its identity.
    plan.actions.push({
      id: 'identity-regrant-delete',
      title: `Take out the identity "${name}" so that the upgraded 1E Client can be given its key`,
      detail: `The new 1E Client binary has no access to the private key imported for the old one; the same identity is imported again right after. Certificate SHA-1 ${sha1}.`,
      command: { program: BIN.security, args: ['delete-identity', '-Z', sha1, SYSTEM_KEYCHAIN] },
      root: true,
      undo: [importCommand],
      status: 'pending',
    });
  }
  const skip = present && !regrant;
  plan.actions.push({
    id: 'identity-import',
    title: `${regrant ? 'Import again' : 'Import'} the identity "${name}" into the System keychain`,
    detail: `${input.allowAnyApp ? 'Any application' : 'Only the 1E Client'} may use the private key. Certificate SHA-1 ${sha1}.`,
    command: importCommand,
    root: true,
    // A re-grant always runs: the identity being there says nothing about who may use its key.
    // Once it has run, the old access cannot be brought back: a point of no return, so a later
    // failure (the restart) keeps the identity instead of deleting it, and no undo deletes it later.
    ...(regrant
      ? { irreversible: true }
      : {
          check: { command: findIdentityCommand, stdoutIncludes: sha1 },
          undo: [{ program: BIN.security, args: ['delete-identity', '-Z', sha1, SYSTEM_KEYCHAIN] }],
        }),
    status: skip ? 'skip' : 'pending',
    ...(skip ? { reason: 'this identity is already in the System keychain' } : {}),
  });
  // After the import, so the Mac is never left without an identity; a failure here undoes the import.
  const removable = previousIdentities(input.facts, leaf);
  for (const sha of input.removePrevious ?? []) {
    const old = removable.find((r) => r.sha1 === sha.toUpperCase());
    if (!old) {
      throw new OnboardError(
        'identity-not-removable',
        `The identity ${sha} is not an older identity for this Mac's name in the System keychain.`,
        'Check this Mac again and choose from the identities listed.',
      );
    }
    plan.actions.push(removeIdentityAction(old));
  }
  if (plan.actions.some((a) => a.irreversible)) {
    plan.warnings.push(
      'Removing an old identity cannot be undone: its private key is deleted with it. It runs last, after the new identity is in the System keychain.',
    );
  }
  const source = input.pfxPathForScript ?? 'client.pfx';
  const file = basename(path);
  // The script cannot run our re-wrap: macOS's own /usr/bin/openssl (LibreSSL) opens the PFX
  // and writes a new one whose defaults (3DES key, SHA-1 MAC) every macOS imports.
  plan.script = {
    setup: [
      // The default as a plain assignment, then the override: shellcheck misreads a quoted default
      // holding a newline inside `${ONBOARD_PFX:-…}` (SC3060).
      `onboard_pfx=${shellQuote(source)}`,
      'if [ -n "${ONBOARD_PFX:-}" ]; then onboard_pfx=$ONBOARD_PFX; fi',
      'if [ ! -f "$onboard_pfx" ]; then echo "onboard: the PFX file $onboard_pfx is missing (set ONBOARD_PFX to its path)." >&2; exit 2; fi',
      'if [ -z "${ONBOARD_PFX_PASSWORD+set}" ]; then',
      '  printf \'%s\' "Password of $onboard_pfx: " >&2',
      `  ${BIN.stty} -echo 2>/dev/null`,
      '  IFS= read -r ONBOARD_PFX_PASSWORD || ONBOARD_PFX_PASSWORD=',
      `  ${BIN.stty} echo 2>/dev/null`,
      "  printf '\\n' >&2",
      'fi',
      'export ONBOARD_PFX_PASSWORD',
      `${SCRIPT_IMPORT_PASSWORD_VAR}=$(${BIN.openssl} rand -hex 24) || exit 1`,
      `export ${SCRIPT_IMPORT_PASSWORD_VAR}`,
      `if ! ${BIN.openssl} pkcs12 -in "$onboard_pfx" -passin env:ONBOARD_PFX_PASSWORD -nodes -out "$work"/identity.pem 2>/dev/null; then`,
      '  echo "onboard: could not open $onboard_pfx: wrong password, or a format macOS\'s openssl cannot read (make a compatible one with: onboard pfx --rewrap)." >&2',
      '  exit 2',
      'fi',
      `${BIN.openssl} pkcs12 -export -in "$work"/identity.pem -passout env:${SCRIPT_IMPORT_PASSWORD_VAR} -out "$work"/${file} || exit 1`,
      `${BIN.rm} -f "$work"/identity.pem`,
      'unset ONBOARD_PFX_PASSWORD',
    ],
    substitutions: [{ value: oneTime, expression: `"$${SCRIPT_IMPORT_PASSWORD_VAR}"` }],
  };
  return plan;
}

function removeIdentityAction(old: PreviousIdentity): Action {
  const expiry = old.notAfter ? old.notAfter.slice(0, 10) : null;
  return {
    id: `identity-remove-${old.sha1.slice(0, 16).toLowerCase()}`,
    title: `Remove the old identity "${old.name}"${expiry ? ` (${old.problem === 'CSSMERR_TP_CERT_EXPIRED' ? 'expired' : 'expires'} ${expiry})` : ''} from the System keychain`,
    detail: `Certificate SHA-1 ${old.sha1}${old.subject ? `, ${old.subject}` : ''}: the certificate and its private key are deleted, so the 1E Client can only pick the new identity. This cannot be undone.`,
    command: { program: BIN.security, args: ['delete-identity', '-Z', old.sha1, SYSTEM_KEYCHAIN] },
    root: true,
    check: { command: findIdentityCommand, stdoutIncludes: old.sha1, negate: true },
    irreversible: true,
    status: 'pending',
  };
}
