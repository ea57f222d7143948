// CRLs made by `openssl ca -gencrl` at test time (any issuer, entries with reasons, any dates and extensions), and openssl's verdict with -crl_check_all.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCrls, type Crl } from '../../src/core/pki/crl';
import { TAG, children, contents, der, readTlv, whole } from '../../src/core/pki/der';
import { checkClientCertificate } from '../../src/core/pki/requirements';
import type { CertForge, MadeCert } from './chain-fixtures';
import { openssl, opensslOk } from './openssl';

export interface MadeCrl {
  path: string;
  crl: Crl;
}

export interface CrlOptions {
  /** Certificates listed as revoked, with an RFC 5280 reason name (keyCompromise, superseded, ...). */
  revoked?: { cert: MadeCert; reason?: string }[];
  /** thisUpdate and nextUpdate as offsets in days from now (defaults: -1 and +7). */
  lastDays?: number;
  nextDays?: number;
  /** Extra lines for the CRL's extension section, e.g. "1.3.6.1.4.1.55555.9 = critical,ASN1:NULL". */
  extensions?: string[];
  /** Leave out the authority key identifier (then only the signature tells which key signed it). */
  noAkid?: boolean;
}

/** openssl ca's time format, YYYYMMDDHHMMSSZ, `days` from now. */
function caTime(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

let made = 0;

/** A CRL signed with `issuer`'s key (its subject as the CRL issuer), listing `revoked`. */
export async function makeCrl(forge: CertForge, name: string, issuer: MadeCert, o: CrlOptions = {}): Promise<MadeCrl> {
  const dir = join(forge.dir, `crl-${name}-${made++}`);
  await mkdir(dir);
  const index = (o.revoked ?? []).map(({ cert, reason }) => {
    const serial = cert.x509.serialNumber.toUpperCase();
    const when = caTime(-2).slice(2);
    return ['R', '301231235959Z', reason ? `${when},${reason}` : when, serial, 'unknown', '/CN=x'].join('\t');
  });
  await writeFile(join(dir, 'index.txt'), index.map((l) => l + '\n').join(''));
  await writeFile(join(dir, 'crlnumber'), '01\n');
  const cfg = join(dir, 'ca.cnf');
  await writeFile(
    cfg,
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `database = ${join(dir, 'index.txt')}`,
      `crlnumber = ${join(dir, 'crlnumber')}`,
      'default_md = sha256',
      '[crlext]',
      ...(o.noAkid ? [] : ['authorityKeyIdentifier = keyid']),
      ...(o.extensions ?? []),
      '',
    ].join('\n'),
  );
  const path = join(dir, `${name}.crl.pem`);
  await opensslOk([
    'ca',
    '-batch',
    '-gencrl',
    '-config',
    cfg,
    '-keyfile',
    issuer.keyPath,
    '-cert',
    issuer.path,
    '-crlexts',
    'crlext',
    '-crl_lastupdate',
    caTime(o.lastDays ?? -1),
    '-crl_nextupdate',
    caTime(o.nextDays ?? 7),
    '-out',
    path,
  ]);
  const crl = readCrls(await readFile(path), `${name}.crl`);
  return { path, crl: crl[0]! };
}

/** The same list with its signature's unused-bits byte set, as NIST's BadCRLSignature case has it; OpenSSL still parses it. */
export async function damageSignature(forge: CertForge, original: MadeCrl): Promise<MadeCrl> {
  const pem = await readFile(original.path, 'latin1');
  const derBytes = Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----|\s+/g, ''), 'base64');
  const [tbs, alg, sig] = children(readTlv(derBytes, 0));
  const bits = Buffer.from(contents(sig!));
  bits[0] = 1;
  const damaged = der.seq(whole(tbs!), whole(alg!), der.tlv(TAG.BIT_STRING, bits));
  const path = join(forge.dir, `damaged-${made++}.crl.pem`);
  await writeFile(
    path,
    `-----BEGIN X509 CRL-----\n${damaged.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END X509 CRL-----\n`,
  );
  return { path, crl: readCrls(damaged, 'damaged.crl')[0]! };
}

/** `openssl verify -purpose sslclient -crl_check_all` with `crls`; true for OK. */
export async function opensslAcceptsWithCrls(
  forge: CertForge,
  leaf: MadeCert,
  root: MadeCert,
  untrusted: MadeCert[],
  crls: MadeCrl[],
): Promise<{ ok: boolean; output: string }> {
  const args = ['verify', '-purpose', 'sslclient', '-CAfile', root.path, '-crl_check_all'];
  if (crls.length) {
    const bundle = join(forge.dir, `${leaf.name}-${made++}.crls.pem`);
    await writeFile(bundle, (await Promise.all(crls.map((c) => readFile(c.path, 'utf8')))).join(''));
    args.push('-CRLfile', bundle);
  }
  if (untrusted.length) args.push('-untrusted', await forge.bundle(`${leaf.name}-crl-untrusted`, untrusted));
  const r = await openssl([...args, leaf.path]);
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** Onboard's verdict with CRLs: no failed chain finding and a passing not-revoked; and that finding's words. */
export function onboardRevocationVerdict(
  leaf: MadeCert,
  root: MadeCert,
  untrusted: MadeCert[],
  crls: MadeCrl[],
): { ok: boolean; detail: string; status: string } {
  const findings = checkClientCertificate({
    certificate: leaf.x509,
    caCertificates: [root.x509],
    extraCertificates: untrusted.map((c) => c.x509),
    hostname: 'MAC01.local',
    crls: crls.map((c) => c.crl),
  });
  const judged = findings.filter((f) => ['chain-trusted', 'chain-complete', 'validity', 'not-revoked'].includes(f.id));
  const nr = findings.find((f) => f.id === 'not-revoked');
  return {
    ok: judged.every((f) => f.status !== 'fail'),
    detail: judged.map((f) => `${f.id} ${f.status}: ${f.detail} ${f.fix ?? ''}`).join('\n'),
    status: nr?.status ?? 'missing',
  };
}
