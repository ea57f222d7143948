// Does a certificate name this Mac? The 1E Switch compares host names character for character.

export interface HostnameMatch {
  /** exact: a name equals the host name; case-only: equal except for capitals (still refused); none. */
  status: 'exact' | 'case-only' | 'none';
  /** The certificate's spelling of the name that matched (exactly or but for case). */
  certificateName?: string;
  source?: 'CN' | 'SAN DNS';
  /** Every name the certificate carries, for messages. */
  names: { name: string; source: 'CN' | 'SAN DNS' }[];
}

/** Compares the host name with the CN and every SAN DNS name; exact beats case-only wherever it occurs. */
export function matchHostname(hostname: string, commonName: string | null, sanDns: string[]): HostnameMatch {
  const names: HostnameMatch['names'] = [];
  if (commonName !== null) names.push({ name: commonName, source: 'CN' });
  for (const n of sanDns) names.push({ name: n, source: 'SAN DNS' });
  const exact = names.find((n) => n.name === hostname);
  if (exact) return { status: 'exact', certificateName: exact.name, source: exact.source, names };
  const lower = hostname.toLowerCase();
  const folded = names.find((n) => n.name.toLowerCase() === lower);
  if (folded) return { status: 'case-only', certificateName: folded.name, source: folded.source, names };
  return { status: 'none', names };
}
