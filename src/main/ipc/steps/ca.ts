// The CA certificates step in main: read what the technician drops, keep the CAs, and explain each one.
import type { X509Certificate } from 'node:crypto';
import { loadMaterial } from '../../../core/pki/load';
import { certificateDetails, describeKey, inspectCertificate, keyLabel } from '../../../core/pki/inspect';
import { commonNameOf, formatName } from '../../../core/pki/names';
import { signedBy } from '../../../core/pki/chain';
import { isOnboardError } from '../../../core/errors';
import { ipcError, type Handlers } from '../router';
import type { CaAddResult, CaCard, CaFileOutcome, CaTreeNode, CaView, SetupProblem } from '../../../shared/contract';
import type { caMethods } from '../../../shared/contract/ca';
import { currentFacts, keychainCertificates, type WelcomeSession } from './welcome';

/** The CA certificates chosen on this step (roots and intermediates, deduplicated); Trust & identity imports them. */
export interface CaState {
  certificates: X509Certificate[];
  /** The file each certificate came from, by SHA-256 fingerprint. */
  fileNames: Map<string, string>;
}

export function createCaState(): CaState {
  return { certificates: [], fileNames: new Map() };
}

/** The part of a session this step's work reads: its own state, and the Mac's facts for the keychain comparison. */
export interface CaSession extends WelcomeSession {
  ca: CaState;
}

const DAY = 86_400_000;
/** CA renewals take weeks: say so well before the CA expires. */
const CA_EXPIRY_WARNING_DAYS = 90;

/** Reads each file by its content; a bad file is reported on its own and does not stop the others. */
export function addCaFiles(session: CaSession, files: { fileName: string; base64: string }[]): CaAddResult {
  const outcomes: CaFileOutcome[] = [];
  for (const file of files) {
    const outcome: CaFileOutcome = { fileName: file.fileName, added: 0, duplicates: 0, skipped: [] };
    outcomes.push(outcome);
    let material;
    try {
      material = loadMaterial(Buffer.from(file.base64, 'base64'), { name: file.fileName });
    } catch (e) {
      if (!isOnboardError(e)) throw e;
      outcome.error = ipcError(e);
      continue;
    }
    if (material.privateKeys.length)
      outcome.skipped.push(`${file.fileName} also holds a private key; CA files never should, and it was not kept.`);
    if (material.csrs.length)
      outcome.skipped.push(
        `${file.fileName} holds a certificate request, which is for the CA, not for this Mac; it was left out.`,
      );
    for (const cert of material.certificates) {
      const info = inspectCertificate(cert);
      if (info.role === 'leaf') {
        outcome.skipped.push(
          `"${info.commonName ?? info.subject}" is not a CA certificate (it is a device or server certificate); if it is this Mac's own certificate, use it on the Client certificate step.`,
        );
        continue;
      }
      if (session.ca.certificates.some((c) => c.fingerprint256 === cert.fingerprint256)) {
        outcome.duplicates++;
        continue;
      }
      session.ca.certificates.push(cert);
      session.ca.fileNames.set(cert.fingerprint256, file.fileName);
      outcome.added++;
    }
    if (outcome.added + outcome.duplicates === 0 && outcome.skipped.length === 0) {
      outcome.error = {
        code: 'no-ca-certificates',
        message: `${file.fileName} holds no CA certificate.`,
        hint: 'Ask your PKI team for the root and issuing CA certificates as .cer, .pem or .p7b files.',
      };
    }
  }
  return { ...caView(session), files: outcomes };
}

export function removeCaCertificate(session: CaSession, sha256: string): CaView {
  session.ca.certificates = session.ca.certificates.filter((c) => c.fingerprint256 !== sha256);
  session.ca.fileNames.delete(sha256);
  return caView(session);
}

function label(cert: X509Certificate): string {
  const d = certificateDetails(cert);
  return commonNameOf(d.subjectAttributes) ?? formatName(d.subjectAttributes);
}

/** The certificate among `pool` that signed `cert` (name and signature both match), or undefined. */
function issuerIn(cert: X509Certificate, pool: X509Certificate[]): X509Certificate | undefined {
  return pool.find((c) => c.fingerprint256 !== cert.fingerprint256 && cert.checkIssued(c) && signedBy(cert, c));
}

function cardProblems(
  cert: X509Certificate,
  role: CaCard['role'],
  added: X509Certificate[],
  keychain: X509Certificate[],
  at: Date,
): SetupProblem[] {
  const d = certificateDetails(cert);
  const problems: SetupProblem[] = [];
  const left = Math.floor((d.notAfter.getTime() - at.getTime()) / DAY);
  if (at < d.notBefore) {
    problems.push({
      severity: 'fail',
      message: `Not valid until ${d.notBefore.toISOString().slice(0, 10)}.`,
      fix: "Check this Mac's date and time; if they are right, ask your PKI team why the CA starts in the future.",
    });
  } else if (left < 0) {
    problems.push({
      severity: 'fail',
      message: `Expired on ${d.notAfter.toISOString().slice(0, 10)}: nothing it issued can be trusted any more.`,
      fix: 'Ask your PKI team for the renewed CA certificate.',
    });
  } else if (left < CA_EXPIRY_WARNING_DAYS) {
    problems.push({
      severity: 'warn',
      message: `Expires in ${left} days (${d.notAfter.toISOString().slice(0, 10)}).`,
      fix: 'Ask your PKI team when the renewed CA certificate comes; this Mac will need it.',
    });
  }
  if (!d.basicConstraints?.ca && !(role === 'root' && d.version === 1)) {
    problems.push({
      severity: 'fail',
      message:
        'Self-signed, but not marked as a CA (basic constraints CA:TRUE missing): this looks like a self-signed server or device certificate, which 1E refuses by design.',
      fix: 'Ask your PKI team for the root CA certificate itself.',
    });
  } else if (d.keyUsage && !d.keyUsage.includes('keyCertSign')) {
    problems.push({
      severity: 'fail',
      message: 'Its key usage lacks Certificate Signing (keyCertSign), so certificates it signed are refused.',
      fix: 'Ask your PKI team: this CA certificate is not fit to issue device certificates.',
    });
  }
  if (role !== 'root') {
    const issuerName = formatName(d.issuerAttributes);
    if (issuerIn(cert, added)) {
      // Its issuer is in the list: the tree shows it.
    } else if (issuerIn(cert, keychain)) {
      problems.push({
        severity: 'info',
        message: `Its issuer "${issuerName}" is already in this Mac's System keychain.`,
        fix: '',
      });
    } else if (
      [...added, ...keychain].some((c) => c !== cert && certificateDetails(c).subjectDer.equals(d.issuerDer))
    ) {
      problems.push({
        severity: 'fail',
        message: `A CA named "${issuerName}" is here, but its key did not sign this certificate: there are two different CAs with that name.`,
        fix: 'Ask your PKI team for the CA certificate that actually issued this one (often a renewed CA).',
      });
    } else {
      problems.push({
        severity: 'fail',
        message: `Its issuer "${issuerName}" is missing: the chain cannot reach a root.`,
        fix: `Add the certificate of "${issuerName}" too (ask your PKI team for it as its own .cer file).`,
      });
    }
  }
  return problems;
}

function card(session: CaSession, cert: X509Certificate, keychain: X509Certificate[], at: Date): CaCard {
  const info = inspectCertificate(cert);
  const facts = session.welcome.facts;
  return {
    sha256: cert.fingerprint256,
    fileName: session.ca.fileNames.get(cert.fingerprint256) ?? '',
    role: info.role,
    subject: info.subject,
    commonName: info.commonName,
    issuer: info.issuer,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    key: keyLabel(describeKey(cert.publicKey), cert.publicKey),
    signatureAlgorithm: info.signatureAlgorithm,
    installed: facts?.known ? keychain.some((k) => k.fingerprint256 === cert.fingerprint256) : null,
    problems: cardProblems(cert, info.role, session.ca.certificates, keychain, at),
  };
}

/** Who issued whom: each added CA under its issuer (an added one, or one already in the keychain). */
function tree(added: X509Certificate[], keychain: X509Certificate[]): CaTreeNode[] {
  const nodes = new Map<string, CaTreeNode>();
  for (const c of added)
    nodes.set(c.fingerprint256, { sha256: c.fingerprint256, label: label(c), fromKeychain: false, children: [] });
  const top: CaTreeNode[] = [];
  for (const c of added) {
    const node = nodes.get(c.fingerprint256)!;
    const self = c.checkIssued(c) && signedBy(c, c);
    const parent = self ? undefined : (issuerIn(c, added) ?? issuerIn(c, keychain));
    if (!parent) {
      top.push(node);
      continue;
    }
    let parentNode = nodes.get(parent.fingerprint256);
    if (!parentNode) {
      parentNode = { sha256: parent.fingerprint256, label: label(parent), fromKeychain: true, children: [] };
      nodes.set(parent.fingerprint256, parentNode);
      top.push(parentNode);
    }
    parentNode.children.push(node);
  }
  return top;
}

const ROLE_ORDER = { root: 0, intermediate: 1, leaf: 2 } as const;

export function caView(session: CaSession, at = new Date()): CaView {
  const keychain = keychainCertificates(session.welcome.facts);
  const certificates = session.ca.certificates
    .map((c) => card(session, c, keychain, at))
    .sort(
      (a, b) =>
        ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.commonName ?? a.subject).localeCompare(b.commonName ?? b.subject),
    );
  const problems: SetupProblem[] = [];
  if (
    certificates.length > 0 &&
    !certificates.some((c) => c.role === 'root') &&
    !certificates.some((c) => c.problems.some((p) => p.severity === 'info'))
  ) {
    problems.push({
      severity: 'fail',
      message: 'No root CA certificate: the Mac cannot trust anything these CAs issued without the root at the top.',
      fix: 'Add your organisation\'s root CA certificate (self-signed, usually named "... Root CA").',
    });
  }
  return { certificates, tree: tree(session.ca.certificates, keychain), problems };
}

export function caHandlers(): Pick<Handlers<CaSession>, keyof typeof caMethods> {
  const handlers: Pick<Handlers<CaSession>, keyof typeof caMethods> = {
    addCaFiles: async (req, { session }) => {
      // The keychain comparison needs the facts; asking is cheap and read-only.
      await currentFacts(session);
      return addCaFiles(session, req.files);
    },
    removeCaCertificate: (req, { session }) => removeCaCertificate(session, req.sha256),
    getCaCertificates: async (_req, { session }) => {
      await currentFacts(session);
      return caView(session);
    },
  };
  return handlers;
}
