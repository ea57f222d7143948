// Issuing from the lab: device certificates in batches (PFX and PEM per host) and TLS server certificates.
import { promises as fs } from 'node:fs';
import { X509Certificate, KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { OnboardError, describeError } from '../../errors';
import { refuseExisting, writeFileAtomic } from '../../fsutil';
import { buildCertificate } from '../../pki/build';
import { writePfx, type PfxProfile } from '../../pki/pkcs12';
import { assertHostname, hostnameProblem } from '../../pki/csr';
import {
  DAY,
  OTHER_OUTPUT_FOLDER,
  caCertificate,
  crlUrlFor,
  issuerChain,
  newKey,
  ocspUrlsFor,
  recordOf,
  saveIndex,
  unlockCa,
  type Lab,
} from './folder';
import { assertIssuerNotRevoked } from './revocation';

// ---------------------------------------------------------------------------------------------
// Device certificates

export interface HostsCsvResult {
  hosts: Array<{ host: string; line: number }>;
  problems: Array<{ line: number; message: string }>;
}

/**
 * Reads host names from CSV text: the first column of each line. Blank lines, `#` comments and a
 * header (hostname/host/name) are skipped; empty, invalid and duplicate names are reported by line.
 */
export function parseHostsCsv(text: string): HostsCsvResult {
  const result: HostsCsvResult = { hosts: [], problems: [] };
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const host = (raw.split(',')[0] ?? '')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (
      result.hosts.length === 0 &&
      result.problems.length === 0 &&
      /^(host ?name|host|name|computer ?name)$/i.test(host)
    )
      return;
    if (host === '') return void result.problems.push({ line, message: 'empty host name' });
    const problem = hostnameProblem(host);
    if (problem) return void result.problems.push({ line, message: problem });
    const first = seen.get(host.toLowerCase());
    if (first !== undefined)
      return void result.problems.push({ line, message: `"${host}" is a duplicate of line ${first}` });
    seen.set(host.toLowerCase(), line);
    result.hosts.push({ host, line });
  });
  return result;
}

export interface IssueDevicesOptions {
  hosts: string[];
  outDir: string;
  caPassword: string;
  pfxPassword: string;
  profile?: PfxProfile;
  days?: number;
  force?: boolean;
  /** How many keys are generated at once; default one more than the CPU count so signing overlaps key generation. */
  concurrency?: number;
  now?: Date;
}

export interface IssuedDevice {
  host: string;
  serial: string;
  pfxPath: string;
  pemPath: string;
}

/** Issues `<host>.pfx` and `<host>.pem` for each host: a device certificate meeting every 1E requirement. */
export async function issueDevices(lab: Lab, o: IssueDevicesOptions): Promise<IssuedDevice[]> {
  if (o.hosts.length === 0)
    throw new OnboardError(
      'no-hosts',
      'No host names to issue certificates for.',
      'Type the host name to issue the certificate for.',
    );
  const seen = new Set<string>();
  for (const h of o.hosts) {
    assertHostname(h);
    if (seen.has(h.toLowerCase()))
      throw new OnboardError('duplicate-host', `${h} is given twice.`, 'Give each host name once.');
    seen.add(h.toLowerCase());
  }
  if (o.pfxPassword === '')
    throw new OnboardError(
      'pfx-empty-password',
      'A .pfx file needs a password; an empty one is refused.',
      'Choose a password: macOS 15 will not import a .pfx with an empty password.',
    );
  const days = o.days ?? 365;
  if (!Number.isInteger(days) || days < 1 || days > 825)
    throw new OnboardError(
      'bad-days',
      `${days} is not a usable validity in days.`,
      'Give a whole number of days from 1 to 825.',
    );
  assertIssuerNotRevoked(lab);
  await ensureOutDir(o.outDir);
  if (!o.force)
    await refuseExisting(
      o.hosts.flatMap((h) => [join(o.outDir, `${h}.pfx`), join(o.outDir, `${h}.pem`)]),
      OTHER_OUTPUT_FOLDER,
    );
  const issuer = caCertificate(lab, lab.issuerName);
  const issuerKey = await unlockCa(lab, lab.issuerName, o.caPassword);
  const chain = issuerChain(lab);
  const now = o.now ?? new Date();
  const crlUrl = crlUrlFor(lab.config, lab.issuerName);
  const results: IssuedDevice[] = [];
  const issueOne = async (host: string): Promise<void> => {
    const key = await newKey('rsa', 'leaf');
    const cert = buildCertificate({
      subject: { commonName: host },
      publicKey: key,
      signer: { key: issuerKey, certificate: issuer },
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(now.getTime() + days * DAY),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth'],
      dnsNames: [host],
      crlUrls: [crlUrl],
      ocspUrls: ocspUrlsFor(lab.config),
    });
    const pfx = writePfx({
      key,
      certificate: cert,
      chain,
      password: o.pfxPassword,
      profile: o.profile ?? 'compatible',
      friendlyName: host,
    });
    const pfxPath = join(o.outDir, `${host}.pfx`);
    const pemPath = join(o.outDir, `${host}.pem`);
    await writeFileAtomic(pfxPath, pfx, { mode: 0o600, overwrite: o.force ?? false });
    await writeFileAtomic(pemPath, cert.toString(), { overwrite: o.force ?? false });
    const record = recordOf(cert, 'device', lab.issuerName, host);
    lab.index.issued.push(record);
    results.push({ host, serial: record.serial, pfxPath, pemPath });
  };
  try {
    await runLimited(o.hosts, o.concurrency ?? availableParallelism() + 1, issueOne);
  } finally {
    // Whatever was written is recorded, so it can still be revoked after a failure midway.
    if (results.length) await saveIndex(lab);
  }
  const order = new Map(o.hosts.map((h, i) => [h, i]));
  return results.sort((a, b) => order.get(a.host)! - order.get(b.host)!);
}

/** Runs `fn` over items with at most `limit` in flight; the first failure stops new work and is rethrown. */
async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}

async function ensureOutDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new OnboardError(
      'write-failed',
      `Cannot create the output folder ${dir}: ${describeError(e)}`,
      'Choose a folder you can write to.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Server certificates

export interface ServerCertOptions {
  dnsNames: string[];
  ipAddresses?: string[];
  outDir: string;
  caPassword: string;
  force?: boolean;
  days?: number;
  now?: Date;
}

/** Issues a TLS server certificate in memory: for the Switch stand-in and for `lab server-cert`. */
export function buildServerCertificate(
  lab: Lab,
  issuerKey: KeyObject,
  key: KeyObject,
  names: { dnsNames: string[]; ipAddresses?: string[] },
  now = new Date(),
  days = 397,
): X509Certificate {
  const first = names.dnsNames[0] ?? names.ipAddresses?.[0];
  if (!first)
    throw new OnboardError(
      'no-server-names',
      'A server certificate needs at least one name.',
      'Give at least one DNS name (and an IP address if clients connect by address).',
    );
  for (const n of names.dnsNames) assertHostname(n);
  return buildCertificate({
    subject: { commonName: first },
    publicKey: key,
    signer: { key: issuerKey, certificate: caCertificate(lab, lab.issuerName) },
    // 397 days: macOS refuses TLS server certificates valid for longer than 398 days.
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + days * DAY),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
    dnsNames: names.dnsNames,
    ipAddresses: names.ipAddresses ?? [],
    crlUrls: [crlUrlFor(lab.config, lab.issuerName)],
    ocspUrls: ocspUrlsFor(lab.config),
  });
}

/** Writes `<first name>.pem` (certificate then issuing CA) and `<first name>.key` (0600, unencrypted for the server). */
export async function issueServerCert(
  lab: Lab,
  o: ServerCertOptions,
): Promise<{ certPath: string; keyPath: string; serial: string }> {
  const first = o.dnsNames[0] ?? o.ipAddresses?.[0];
  if (!first)
    throw new OnboardError(
      'no-server-names',
      'A server certificate needs at least one name.',
      'Give at least one DNS name (and an IP address if clients connect by address).',
    );
  for (const n of o.dnsNames) assertHostname(n);
  assertIssuerNotRevoked(lab);
  await ensureOutDir(o.outDir);
  const certPath = join(o.outDir, `${first}.pem`);
  const keyPath = join(o.outDir, `${first}.key`);
  if (!o.force) await refuseExisting([certPath, keyPath], OTHER_OUTPUT_FOLDER);
  const issuerKey = await unlockCa(lab, lab.issuerName, o.caPassword);
  const key = await newKey('rsa', 'leaf');
  const cert = buildServerCertificate(lab, issuerKey, key, o, o.now, o.days);
  const pem = cert.toString() + (lab.intermediate ? lab.intermediate.toString() : '');
  await writeFileAtomic(keyPath, key.export({ type: 'pkcs8', format: 'pem' }).toString(), {
    mode: 0o600,
    overwrite: o.force ?? false,
  });
  await writeFileAtomic(certPath, pem, { overwrite: o.force ?? false });
  const record = recordOf(cert, 'server', lab.issuerName, first);
  lab.index.issued.push(record);
  await saveIndex(lab);
  return { certPath, keyPath, serial: record.serial };
}
