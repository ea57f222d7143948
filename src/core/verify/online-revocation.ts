// The revocation checks a pre-flight runs without a Switch: every CRL distribution point and OCSP responder of the
// chain at once, and which of the client certificate's own endpoints answered. The one place this is wired, so a
// later CRL judge (offline CRL files) plugs in here.
import type { X509Certificate } from 'node:crypto';
import type { RevocationEndpoint } from '../pki/requirement-profiles';
import { askCrlDistributionPoints } from './crl';
import type { VerifyFinding } from './findings';
import { askOcspResponders } from './ocsp-check';

export interface OnlineRevocationOptions {
  leaf: X509Certificate;
  /** Certificates that came with the client certificate (the PFX's CA certificates). */
  chain: readonly X509Certificate[];
  caCertificates: readonly X509Certificate[];
  /** Per CRL download, and per OCSP responder. */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: Date;
}

export interface OnlineRevocation {
  /** `crl-<n>` then `ocsp-<n>`, each in path order (the client certificate first). */
  findings: VerifyFinding[];
  /** The client certificate's own endpoints (CRL distribution points over HTTP(S) and OCSP responders). */
  endpoints: RevocationEndpoint[];
}

/** Fetches every CRL and asks every OCSP responder of the chain; throws only when cancelled. */
export async function checkRevocationOnline(o: OnlineRevocationOptions): Promise<OnlineRevocation> {
  const [crls, responders] = await Promise.all([askCrlDistributionPoints(o), askOcspResponders(o)]);
  const endpoints: RevocationEndpoint[] = [
    ...crls.filter((c) => c.depth === 0 && /^https?:/i.test(c.url)).map((c) => ({ kind: 'crl' as const, ...pick(c) })),
    ...responders.filter((r) => r.depth === 0).map((r) => ({ kind: 'ocsp' as const, ...pick(r) })),
  ];
  return { findings: [...crls, ...responders].map((r) => r.finding), endpoints };
}

const pick = (r: { url: string; answered: boolean }) => ({ url: r.url, answered: r.answered });
