// CRL files dropped on the CA step: read, kept beside the CAs, explained as cards, and used to flag revoked CAs.
import { createHash, type X509Certificate } from 'node:crypto';
import { REMOVE_FROM_CRL, looksLikeCrl, reasonName, readCrls, type Crl } from '../../../core/pki/crl';
import { certificateDetails, publicKeyOf } from '../../../core/pki/inspect';
import { pathFacts } from '../../../core/pki/path-facts';
import { signatureVerifies } from '../../../core/pki/signature';
import type { CaFileOutcome, CrlCard, SetupProblem } from '../../../shared/contract';

export interface HeldCrl {
  /** SHA-256 of the list's signed part, to tell lists apart and remove one. */
  id: string;
  fileName: string;
  crl: Crl;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** True when the bytes hold a CRL: PEM with an "X509 CRL" block, or DER shaped like one. */
export function holdsCrl(bytes: Buffer): boolean {
  if (bytes.subarray(0, 4096).toString('latin1').includes('-----BEGIN'))
    return bytes.toString('latin1').includes('-----BEGIN X509 CRL-----');
  return looksLikeCrl(bytes);
}

/** True when the PEM also holds certificates (a bundle of CAs and their CRLs). */
export function holdsCertificatesToo(bytes: Buffer): boolean {
  return /-----BEGIN (CERTIFICATE|PKCS7|X509 CERTIFICATE)-----/.test(bytes.toString('latin1'));
}

/** Reads the CRLs of one file into `held`, counting them on `outcome`; throws OnboardError 'crl-malformed'. */
export function takeCrls(held: HeldCrl[], fileName: string, bytes: Buffer, outcome: CaFileOutcome): void {
  for (const crl of readCrls(bytes, fileName)) {
    const id = createHash('sha256').update(crl.tbs).digest('hex');
    if (held.some((h) => h.id === id)) {
      outcome.duplicates++;
      continue;
    }
    held.push({ id, fileName, crl });
    outcome.crlsAdded = (outcome.crlsAdded ?? 0) + 1;
  }
}

/** The CA among `cas` whose name and key issued the list, if any. */
function signerOf(crl: Crl, cas: X509Certificate[]): { named: boolean; signer?: X509Certificate } {
  const named = cas.filter((c) => pathFacts(c).subjectCanonical.equals(crl.issuerCanonical));
  const signer = named.find((c) => {
    const key = publicKeyOf(c);
    return (
      key !== null &&
      crl.algorithmsAgree &&
      crl.signatureWhole &&
      signatureVerifies(crl.signatureAlgorithm, crl.tbs, crl.signature, key)
    );
  });
  return { named: named.length > 0, ...(signer ? { signer } : {}) };
}

function crlProblems(crl: Crl, cas: X509Certificate[], at: Date): SetupProblem[] {
  const problems: SetupProblem[] = [];
  const { named, signer } = signerOf(crl, cas);
  if (!named) {
    problems.push({
      severity: 'warn',
      message: `The CA that publishes this list, "${crl.issuerText}", is not among the CA certificates, so the list cannot be checked.`,
      fix: 'Add that CA certificate too, or remove this list if it belongs to another PKI.',
    });
  } else if (!signer) {
    problems.push({
      severity: 'warn',
      message: `The list names "${crl.issuerText}" as its issuer, but that CA's key did not sign it: it was altered, or another key signed it.`,
      fix: 'Get the list again from the CA; if it still fails, the CA signs its lists with another key.',
    });
  } else if (certificateDetails(signer).keyUsage?.includes('cRLSign') === false) {
    problems.push({
      severity: 'warn',
      message: `"${crl.issuerText}" is not allowed to sign revocation lists (cRLSign missing), so the list is refused.`,
      fix: 'Ask your PKI team to issue that CA certificate again with CRL Signing in its key usage.',
    });
  }
  if (crl.thisUpdate > at) {
    problems.push({
      severity: 'warn',
      message: `Not valid until ${day(crl.thisUpdate)}.`,
      fix: "Check this Mac's date and time; a list from the future means a clock is wrong.",
    });
  } else if (crl.nextUpdate && crl.nextUpdate <= at) {
    problems.push({
      severity: 'warn',
      message: `Out of date since ${day(crl.nextUpdate)}: certificates checked against it are refused.`,
      fix: 'Get the current list from the CA (its CRL distribution point).',
    });
  }
  if (crl.unprocessedCritical.length) {
    problems.push({
      severity: 'warn',
      message: `It has a critical extension that is not understood (${crl.unprocessedCritical.join(', ')}), so it is refused.`,
      fix: 'Ask your PKI team to publish the list without that extension marked critical.',
    });
  }
  return problems;
}

export function crlCards(held: HeldCrl[], cas: X509Certificate[], at: Date): CrlCard[] {
  return held.map((h) => ({
    id: h.id,
    fileName: h.fileName,
    issuer: h.crl.issuerText,
    thisUpdate: h.crl.thisUpdate.toISOString(),
    nextUpdate: h.crl.nextUpdate?.toISOString() ?? null,
    entries: h.crl.entryCount,
    problems: crlProblems(h.crl, cas, at),
  }));
}

/** A fail problem for a CA listed as revoked in a list its issuer signed (a revoked CA takes everything below it). */
export function revokedProblem(cert: X509Certificate, held: HeldCrl[], cas: X509Certificate[]): SetupProblem | null {
  const facts = pathFacts(cert);
  for (const { crl } of held) {
    if (!crl.issuerCanonical.equals(facts.issuerCanonical)) continue;
    const entry = crl.entries.get(facts.serial)?.find((e) => !e.issuers);
    if (!entry || entry.reason === REMOVE_FROM_CRL) continue;
    if (!signerOf(crl, cas).signer) continue;
    return {
      severity: 'fail',
      message: `Revoked since ${day(entry.revokedAt)} (${reasonName(entry.reason)}), by the revocation list of "${crl.issuerText}": nothing it issued is trusted any more.`,
      fix: 'Ask your PKI team for the CA certificate that replaced it, and device certificates issued under that one.',
    };
  }
  return null;
}
