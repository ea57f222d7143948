// The not-revoked finding: what the CRLs given say about each certificate of the path, in a technician's words.
import type { ChainResult } from './chain';
import type { Crl } from './crl';
import { certificateDetails, certificateLabel } from './inspect';
import { formatName } from './names';
import { checkPathRevocation, crlWords, type CertificateRevocation } from './revocation';
import { finding, type Finding } from './requirement-findings';

const day = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function dates(crl: Crl): string {
  return `this update ${day(crl.thisUpdate)}, next update ${crl.nextUpdate ? day(crl.nextUpdate) : 'not given'}`;
}

function distributionPoints(r: CertificateRevocation): string {
  const urls = certificateDetails(r.certificate).crlUrls;
  return urls.length ? ` (its CRL distribution point: ${urls.join(', ')})` : '';
}

function issuerName(r: CertificateRevocation): string {
  return r.crlIssuer ? certificateLabel(r.crlIssuer) : formatName(certificateDetails(r.certificate).issuerAttributes);
}

/** One sentence on what is wrong and one on what to do, for a certificate whose status is not 'good'. */
function explain(r: CertificateRevocation, depth: number, at: Date): { detail: string; fix: string } {
  const { who, crlOf, reason } = crlWords(r);
  const issuer = issuerName(r);
  const crl = r.crl;
  switch (r.status) {
    case 'revoked': {
      const since = `${crlOf} lists it as revoked since ${day(r.entry!.revokedAt)} (${reason})`;
      return depth === 0
        ? {
            detail: `${who} is revoked: ${since}. The Switch refuses it.`,
            fix: `Request a new certificate for this Mac from ${issuer}; a revoked certificate cannot be used again.`,
          }
        : {
            detail: `The CA certificate ${who} is revoked: ${since}. Everything it issued, this device certificate included, is refused with it.`,
            fix: `Ask your PKI team for a device certificate issued under a CA that is not revoked.`,
          };
    }
    case 'no-crl':
      if (r.namesake) {
        return {
          detail: `No usable CRL of ${issuer} was given for ${who}: ${r.namesake.source} carries that CA's name but not its key (its authority key identifier names another key), or it is a kind of CRL OpenSSL does not use (indirect, or split by reason).`,
          fix: `Get the CRL that ${issuer} itself signs${distributionPoints(r)}; if the one published there is the same, the CA publishes its CRL under another key and must publish one signed by this CA certificate's key.`,
        };
      }
      return {
        detail: `No CRL from ${issuer} was given for ${who}. Revocation is checked at every level, the root included, so a CRL of every CA of the path is needed.`,
        fix: `Add the current CRL of ${issuer}${distributionPoints(r)}.`,
      };
    case 'partial-reasons':
      return {
        detail: `The CRLs given for ${who} cover only some revocation reasons, and OpenSSL needs all of them covered.`,
        fix: `Add the CRL of ${issuer} that covers every reason${distributionPoints(r)}.`,
      };
    case 'crl-sign':
      return {
        detail: `${crlOf} is signed by ${issuer}, whose key usage does not allow signing CRLs (cRLSign missing), so OpenSSL refuses the CRL.`,
        fix: `Ask your PKI team to issue ${issuer} again with CRL Signing (cRLSign) in its key usage.`,
      };
    case 'crl-scope': {
      const idp = crl?.idp;
      const why = idp?.onlyCa
        ? 'it lists CA certificates only'
        : idp?.onlyUser
          ? 'it lists end-entity certificates only'
          : idp?.onlyAttributes
            ? 'it lists attribute certificates only'
            : "it belongs to another distribution point than the certificate's";
      return {
        detail: `${crlOf} does not cover ${who}: ${why}.`,
        fix: `Add the CRL published at the distribution point of ${who}${distributionPoints(r)}.`,
      };
    }
    case 'crl-not-yet-valid':
      return {
        detail: `${crlOf} is not valid yet at ${day(at)}: ${dates(crl!)}.`,
        fix: 'Check the date and time on this Mac and on the CA; a CRL from the future means one of the clocks is wrong.',
      };
    case 'crl-expired':
      return {
        detail: `${crlOf} is out of date at ${day(at)}: ${dates(crl!)}. OpenSSL treats a stale CRL as an error, so the Switch refuses ${who}.`,
        fix: `Get a fresh CRL from ${issuer}${distributionPoints(r)}; if the one published there is stale too, the CA must publish a new CRL (on a Microsoft CA: certutil -crl).`,
      };
    case 'crl-key-unusable':
      return {
        detail: `${crlOf} cannot be checked: the key of ${issuer} cannot be used (${certificateDetails(r.crlIssuer!).keyProblem ?? 'unreadable'}).`,
        fix: `Ask your PKI team to issue ${issuer} again with an RSA or EC key.`,
      };
    case 'crl-signature':
      return {
        detail: `${crlOf} names ${issuer} as its issuer, but its signature does not verify with that CA's key: another key signed it, or it was altered. OpenSSL refuses it.`,
        fix: `Get the CRL again from the distribution point of ${issuer}; if it still fails, the CA signs its CRLs with another key and must publish one signed by this CA certificate's key.`,
      };
    case 'crl-critical':
      return {
        detail: `${crlOf} has a critical extension OpenSSL does not process (${crl!.unprocessedCritical.join(', ')}), so OpenSSL refuses to use it for ${who}.`,
        fix: `Ask your PKI team to publish the CRL of ${issuer} without that extension marked critical.`,
      };
    default:
      return { detail: `${who} could not be checked.`, fix: '' };
  }
}

/**
 * The not-revoked finding for a built chain and the CRLs given (files or fetched lists). Passes when
 * every certificate up to the root is covered by a usable CRL of its issuer and none is listed.
 */
export function notRevoked(chain: ChainResult, crls: readonly Crl[], at: Date): Finding {
  const results = checkPathRevocation(chain.chain, chain.complete, crls, at);
  const bad = results
    .map((r, depth) => ({ r, depth }))
    .filter(({ r }) => r.status !== 'good' && r.status !== 'no-issuer');
  if (bad.length) {
    const parts = bad.map(({ r, depth }) => explain(r, depth, at));
    return finding(
      'not-revoked',
      'fail',
      parts.map((p) => p.detail).join(' '),
      [...new Set(parts.map((p) => p.fix).filter(Boolean))].join(' '),
    );
  }
  const good = results.filter((r) => r.status === 'good');
  const checked = good.map(
    (r) => `${certificateLabel(r.certificate)} is not listed in ${crlWords(r).crlOf} (${dates(r.crl!)})`,
  );
  const unchecked = results.filter((r) => r.status === 'no-issuer');
  if (unchecked.length) {
    return finding(
      'not-revoked',
      'info',
      `${checked.length ? `${checked.join('; ')}. ` : ''}${unchecked.map((r) => certificateLabel(r.certificate)).join(', ')} could not be checked: its issuing CA certificate is missing (see chain-complete).`,
    );
  }
  return finding(
    'not-revoked',
    'pass',
    `Checked every certificate up to the root against its issuer's CRL: ${checked.join('; ')}.`,
  );
}
