// The requirement profiles: which 1E document a certificate is judged by (on-premises requirements or 1E SaaS), and the SaaS revocation judges.
import { finding, type Finding } from './requirement-findings';

/**
 * `on-prem` judges by 1E's "Certificate requirements" (an HTTP CRL distribution point), `saas` by 1E's SaaS
 * deployment guide for macOS (an OCSP endpoint, or CRL distribution points reachable from the Internet).
 */
export const REQUIREMENT_PROFILES = ['on-prem', 'saas'] as const;
export type RequirementProfile = (typeof REQUIREMENT_PROFILES)[number];

export const PROFILE_NAMES: Record<RequirementProfile, string> = {
  'on-prem': '1E on premises',
  saas: '1E SaaS',
};

export function isRequirementProfile(text: string): text is RequirementProfile {
  return (REQUIREMENT_PROFILES as readonly string[]).includes(text);
}

/** One revocation endpoint of the client certificate as an online check found it. */
export interface RevocationEndpoint {
  kind: 'crl' | 'ocsp';
  url: string;
  /** A CRL was fetched and judged, or a responder gave a verified answer (whatever it said). */
  answered: boolean;
}

const isHttp = (u: string) => /^https?:\/\//i.test(u);

/** SaaS: an OCSP endpoint in Authority Information Access, or a CRL distribution point over HTTP(S). */
export function revocationSaas(crlUrls: string[], ocspUrls: string[]): Finding {
  const ocsp = ocspUrls.filter(isHttp);
  const http = crlUrls.filter(isHttp);
  const listed = [
    ocsp.length ? `OCSP responder ${ocsp.join(', ')}` : '',
    http.length ? `CRL distribution point ${http.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (ocsp.length)
    return finding(
      'revocation-saas',
      'pass',
      `${listed}.${http.length ? '' : " There is no HTTP CRL distribution point; 1E's on-premises requirements would ask for one."}`,
    );
  if (http.length)
    return finding(
      'revocation-saas',
      'pass',
      `${listed}. There is no OCSP endpoint, which 1E's SaaS guide for macOS names; the distribution point must be reachable from the Internet.`,
    );
  const other = [...crlUrls, ...ocspUrls];
  return finding(
    'revocation-saas',
    'fail',
    `${other.length ? `The revocation addresses are ${other.join(', ')}, none over HTTP(S)` : 'The certificate has no OCSP responder and no CRL distribution point'}; 1E SaaS needs one of them, reachable from the Internet.`,
    'Ask your PKI team to add an OCSP responder (Authority Information Access) or an HTTP CRL distribution point to the issuing CA, reachable from the Internet, and to issue the certificate again.',
  );
}

/** SaaS with the online check: at least one endpoint of the client certificate answered. */
export function revocationOnline(endpoints: readonly RevocationEndpoint[]): Finding {
  const name = (e: RevocationEndpoint) => `${e.kind === 'ocsp' ? 'OCSP responder' : 'CRL'} ${e.url}`;
  const answered = endpoints.filter((e) => e.answered);
  const silent = endpoints.filter((e) => !e.answered);
  if (answered.length)
    return finding(
      'revocation-online',
      'pass',
      `${answered.map(name).join('; ')} answered${silent.length ? `; ${silent.map(name).join('; ')} did not (see its finding)` : ''}.`,
    );
  return finding(
    'revocation-online',
    'fail',
    endpoints.length
      ? `None of the certificate's revocation endpoints answered from here: ${silent.map(name).join('; ')} (each finding says why).`
      : 'The certificate names no revocation endpoint to ask.',
    'Check that the OCSP responder or the CRL distribution point is published and reachable from the Internet, as 1E SaaS needs.',
  );
}
