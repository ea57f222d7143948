// OCSP findings for a client certificate and its CAs: every responder their Authority Information Access names is
// asked (in parallel, at most MAX_OCSP_QUERIES), one finding `ocsp-<n>` per responder URL in path order.
import type { X509Certificate } from 'node:crypto';
import { describeError, isOnboardError } from '../errors';
import { buildChain } from '../pki/chain';
import { certificateDetails, isSelfSigned } from '../pki/inspect';
import { nameLabel } from '../pki/names';
import { CRL_REASONS } from '../pki/crl';
import type { RevocationOptions } from './crl';
import { finding, type VerifyFinding } from './findings';
import { queryOcsp, type OcspAnswer } from './ocsp';

/** A certificate naming more responders than this is asked about the first ones only: bounded work for any input. */
export const MAX_OCSP_QUERIES = 8;

/** The same inputs as the CRL check (crl.ts): the certificate, what came with it, the CAs, and the same bounds. */
export type OcspCheckOptions = RevocationOptions;

/** One responder asked about one certificate of the path. */
export interface OcspEndpointResult {
  id: string;
  url: string;
  /** 0 for the client certificate, 1 for its issuing CA, and so on up. */
  depth: number;
  finding: VerifyFinding;
  /** True when the responder gave a verified answer (good, revoked or unknown). */
  answered: boolean;
  answer?: OcspAnswer;
}

/** Asks every responder of the path; never throws except when cancelled. */
export async function askOcspResponders(opts: OcspCheckOptions): Promise<OcspEndpointResult[]> {
  const path = buildChain(opts.leaf, [...opts.chain, ...opts.caCertificates]).chain;
  const jobs: Array<() => Promise<OcspEndpointResult>> = [];
  let n = 0;
  path.forEach((cert, depth) => {
    const issuer = path[depth + 1] ?? (isSelfSigned(cert) ? cert : undefined);
    for (const url of certificateDetails(cert).ocspUrls) {
      const id = `ocsp-${++n}`;
      if (n > MAX_OCSP_QUERIES) {
        const skipped = finding(
          id,
          'info',
          `${nameLabel(cert.subject)}: OCSP responder ${url} not asked`,
          `Only the first ${MAX_OCSP_QUERIES} OCSP responders of a certificate chain are asked.`,
        );
        jobs.push(() => Promise.resolve({ id, url, depth, finding: skipped, answered: false }));
      } else jobs.push(() => askOne(id, url, depth, cert, issuer, opts));
    }
  });
  return Promise.all(jobs.map((j) => j()));
}

/** The findings of askOcspResponders, for `onboard verify` and the wizard's Verify step. */
export async function checkOcsp(opts: OcspCheckOptions): Promise<VerifyFinding[]> {
  return (await askOcspResponders(opts)).map((r) => r.finding);
}

async function askOne(
  id: string,
  url: string,
  depth: number,
  cert: X509Certificate,
  issuer: X509Certificate | undefined,
  opts: OcspCheckOptions,
): Promise<OcspEndpointResult> {
  const who = nameLabel(cert.subject);
  const result = (f: VerifyFinding, answer?: OcspAnswer): OcspEndpointResult => ({
    id,
    url,
    depth,
    finding: f,
    answered: answer !== undefined,
    ...(answer ? { answer } : {}),
  });
  if (!issuer)
    return result(
      finding(
        id,
        'fail',
        `Cannot ask the OCSP responder about ${who}: its issuing CA certificate is missing`,
        `An OCSP request names the issuer's name and key, and an answer is checked against them; the CA certificate that issued ${who} (${nameLabel(cert.issuer)}) is neither with the certificate nor among the CA certificates given.`,
        'Add the issuing CA certificate to the CA certificates.',
      ),
    );
  if (issuer === cert)
    return result(
      finding(
        id,
        'info',
        `${who}: OCSP responder ${url} not asked`,
        'A self-signed root cannot be revoked by its own OCSP responder; it is trusted or not by the trust store alone.',
      ),
    );
  try {
    const outcome = await queryOcsp({
      url,
      certificate: cert,
      issuer,
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      signal: opts.signal,
      now: opts.now,
    });
    if (!outcome.ok) return result(finding(id, 'fail', outcome.title, outcome.detail, outcome.fix));
    return result(judgeAnswer(id, url, cert, issuer, outcome.answer), outcome.answer);
  } catch (e) {
    if (isOnboardError(e) && e.code === 'fetch-cancelled') throw e;
    return result(
      finding(
        id,
        'fail',
        `The OCSP answer about ${who} from ${url} could not be checked`,
        describeError(e),
        'Ask the PKI team to check the OCSP responder.',
      ),
    );
  }
}

const iso = (d: Date) => d.toISOString();

function judgeAnswer(
  id: string,
  url: string,
  cert: X509Certificate,
  issuer: X509Certificate,
  a: OcspAnswer,
): VerifyFinding {
  const who = nameLabel(cert.subject);
  const ca = nameLabel(issuer.subject);
  const signer =
    a.signer.kind === 'issuer'
      ? `Signed by ${ca} itself`
      : `Signed by the responder ${a.signer.label}, which ${ca} authorised${a.signer.noCheck ? '' : ' (its certificate lacks id-pkix-ocsp-nocheck, and its own revocation was not checked)'}`;
  const nonce =
    a.nonce === 'echoed'
      ? 'the nonce sent was echoed'
      : a.nonce === 'not-echoed'
        ? 'the responder did not echo the nonce sent (it may give out answers made in advance), so only the dates show the answer is recent'
        : 'no nonce was sent';
  const dates = `this update ${iso(a.thisUpdate)}, next update ${a.nextUpdate ? iso(a.nextUpdate) : 'not given (answers are made live)'}`;
  const how = `${signer}; ${dates}; ${nonce}; asked with ${a.method}.`;
  if (a.status === 'revoked') {
    const reason = a.reason !== undefined ? ` (reason: ${CRL_REASONS[a.reason] ?? `code ${a.reason}`})` : '';
    return finding(
      id,
      'fail',
      `${who} is revoked`,
      `The OCSP responder at ${url} answers that serial ${cert.serialNumber} was revoked on ${a.revokedAt ? iso(a.revokedAt) : 'an unstated date'}${reason}. ${how}`,
      `Request a new certificate from ${ca} and import it.`,
    );
  }
  if (a.status === 'unknown')
    return finding(
      id,
      'fail',
      `The OCSP responder at ${url} does not know ${who}`,
      `It answered "unknown" for serial ${cert.serialNumber}: it holds no status for this certificate, so it is not known to be good. ${how}`,
      `Check that this responder serves ${ca}; if it does, the certificate is not in ${ca}'s records: request a new one.`,
    );
  return finding(id, 'pass', `${who} is not revoked (OCSP at ${url})`, `The responder answers "good". ${how}`);
}
