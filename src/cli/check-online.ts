// `onboard check`'s requirement profile (--requirements on-prem|saas) and its online pre-flight (--online): the
// CRLs and OCSP responders of the chain asked from here, without a Switch. Loaded network code only when asked.
import type { X509Certificate } from 'node:crypto';
import { isRequirementProfile, type RequirementProfile } from '../core/pki/requirement-profiles';
import type { OnlineRevocation } from '../core/verify/online-revocation';
import { UsageError } from './common';

export interface OnlineOptions {
  requirements: RequirementProfile;
  online: boolean;
  timeoutMs?: number;
}

/** Reads --requirements, --online and --timeout, refusing what cannot go together. */
export function parseOnlineOptions(v: {
  requirements?: string;
  online?: boolean;
  timeout?: string;
  at?: string;
}): OnlineOptions {
  const requirements = v.requirements ?? 'on-prem';
  if (!isRequirementProfile(requirements))
    throw new UsageError(
      `--requirements ${requirements}: the profiles are on-prem (1E's certificate requirements) and saas (1E SaaS).`,
      'Write --requirements on-prem or --requirements saas.',
    );
  const online = v.online === true;
  if (online && v.at !== undefined)
    throw new UsageError(
      '--online asks the CRL and OCSP servers now, so it cannot judge at another time with --at.',
      'Leave out --at, or leave out --online.',
    );
  if (v.timeout === undefined) return { requirements, online };
  if (!online) throw new UsageError('--timeout goes with --online (it bounds each CRL download and OCSP request).');
  const n = Number(v.timeout);
  if (!/^\d+$/.test(v.timeout) || n < 100 || n > 600_000)
    throw new UsageError(
      `--timeout ${v.timeout} is not a number of milliseconds between 100 and 600000.`,
      'For example --timeout 5000 for five seconds.',
    );
  return { requirements, online, timeoutMs: n };
}

/** Every CRL and OCSP responder of the chain, asked now (see src/core/verify/online-revocation.ts). */
export async function runOnlineChecks(o: {
  leaf: X509Certificate;
  chain: X509Certificate[];
  caCertificates: X509Certificate[];
  timeoutMs?: number;
}): Promise<OnlineRevocation> {
  const { checkRevocationOnline } = await import('../core/verify/online-revocation');
  return checkRevocationOnline(o);
}
