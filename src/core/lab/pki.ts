// The lab PKI directory: CA creation, device and server issuance, revocation records and CRLs, all offline.
import { promises as fs } from 'node:fs';
import { X509Certificate, KeyObject, createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OnboardError, describeError } from '../errors';
import { refuseExisting, writeFileAtomic } from '../fsutil';
import { buildCertificate, buildCrl, type RevokedEntry } from '../pki/build';
import { writePfx, type PfxProfile } from '../pki/pkcs12';
import { assertHostname, hostnameProblem } from '../pki/csr';
import { nameOnOneLineCnFirst } from '../pki/names';

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY = 86_400_000;
const OTHER_OUTPUT_FOLDER = 'Choose another output folder, or pass --force to replace it.';

export type LabKeyType = 'rsa' | 'ec';
export type CaName = 'root' | 'intermediate';

export interface LabConfig {
  format: 'onboard-lab/1';
  name: string;
  crlBaseUrl: string;
  keyType: LabKeyType;
  intermediate: boolean;
  createdAt: string;
}

export interface IssuedRecord {
  /** Lowercase hex, no separators: what `openssl x509 -serial` prints, lowercased. */
  serial: string;
  subject: string;
  kind: 'ca' | 'device' | 'server';
  issuer: CaName;
  notBefore: string;
  notAfter: string;
  revokedAt?: string;
}

export interface LabIndex {
  crlNumbers: Partial<Record<CaName, number>>;
  issued: IssuedRecord[];
}

export interface Lab {
  dir: string;
  config: LabConfig;
  root: X509Certificate;
  intermediate?: X509Certificate;
  /** The CA that signs device and server certificates. */
  issuerName: CaName;
  index: LabIndex;
  /** Intermediates replaced by a new one (oldest first); their devices can still be revoked. */
  retired?: X509Certificate[];
}

const paths = (dir: string) => ({
  config: join(dir, 'lab.json'),
  index: join(dir, 'index.json'),
  cert: (ca: CaName) => join(dir, `${ca}.pem`),
  key: (ca: CaName) => join(dir, 'private', `${ca}.key`),
  crlDir: join(dir, 'crl'),
  crl: (ca: CaName) => join(dir, 'crl', `${ca}.crl`),
  /** Intermediates replaced by `lab intermediate`: kept so their certificates can still be recognised and revoked. */
  retiredDir: join(dir, 'retired'),
  retiredCert: (serial: string) => join(dir, 'retired', `intermediate-${serial}.pem`),
  retiredKey: (serial: string) => join(dir, 'private', `intermediate-${serial}.key`),
});

/** The CRL URL printed into certificates issued by `ca`. */
export function crlUrlFor(config: LabConfig, ca: CaName): string {
  return `${config.crlBaseUrl}/${ca}.crl`;
}

function normaliseCrlBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OnboardError(
      'bad-crl-url',
      `"${url}" is not a URL.`,
      'Give the base address the CRLs will be served from, e.g. http://pki.lab.local:8080/crl',
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new OnboardError(
      'bad-crl-url',
      `The CRL base URL must start with http:// (1E requires an HTTP CRL distribution point), not ${u.protocol}//.`,
      'e.g. http://pki.lab.local:8080/crl',
    );
  }
  if (u.search || u.hash)
    throw new OnboardError(
      'bad-crl-url',
      'The CRL base URL must not have a query or a fragment.',
      'e.g. http://pki.lab.local:8080/crl',
    );
  return u.toString().replace(/\/+$/, '');
}

async function newKey(type: LabKeyType, purpose: 'ca' | 'leaf'): Promise<KeyObject> {
  // Device and server keys are RSA whatever the CA: 1E needs keyEncipherment, which EC keys cannot do.
  if (type === 'ec' && purpose === 'ca') return (await generateKeyPairAsync('ec', { namedCurve: 'P-384' })).privateKey;
  return (await generateKeyPairAsync('rsa', { modulusLength: purpose === 'ca' ? 3072 : 2048 })).privateKey;
}

/** A serial as the index keeps it: lowercase hex, no separators, no leading zero bytes. */
export function serialOf(hex: string): string {
  return hex
    .replace(/[:\s]/g, '')
    .toLowerCase()
    .replace(/^(00)+(?=.)/, '');
}

function recordOf(cert: X509Certificate, kind: IssuedRecord['kind'], issuer: CaName, subject: string): IssuedRecord {
  return {
    serial: serialOf(cert.serialNumber),
    subject,
    kind,
    issuer,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/**
 * A record's subject on one line, as the rest of the CLI prints names: "CN=..., O=...". CA records
 * keep node's one-RDN-per-line form (most general first); device and server records the bare name.
 */
export function subjectLine(record: Pick<IssuedRecord, 'subject'>): string {
  const s = record.subject.trim();
  return s.includes('=') ? nameOnOneLineCnFirst(s) : `CN=${s}`;
}

/** The index record of a lab CA certificate, when it is revoked. */
function revokedCaRecord(lab: Lab, cert: X509Certificate): IssuedRecord | undefined {
  const serial = serialOf(cert.serialNumber);
  return lab.index.issued.find((r) => r.kind === 'ca' && r.serial === serial && r.revokedAt !== undefined);
}

/**
 * Refuses to sign with a revoked intermediate: whatever it issues is rejected by the Switch, by
 * `onboard verify` and by OpenSSL once the root's CRL lists it, so issuing would only waste a visit.
 */
export function assertIssuerNotRevoked(lab: Lab): void {
  if (lab.issuerName !== 'intermediate' || !lab.intermediate) return;
  const r = revokedCaRecord(lab, lab.intermediate);
  if (!r) return;
  throw new OnboardError(
    'lab-issuer-revoked',
    `The lab's issuing CA ${subjectLine(r)} (serial ${r.serial}) was revoked on ${r.revokedAt}: every certificate it issues would be rejected by the Switch and by \`onboard verify\`. Nothing was issued.`,
    `Issue a new intermediate first with \`onboard lab intermediate --dir ${lab.dir}\` (the root stays, so Macs need no new root), then run this again.`,
  );
}

function requirePassword(password: string): void {
  if (password === '')
    throw new OnboardError(
      'empty-ca-password',
      'The CA password is empty.',
      'Choose a password: it protects the lab CA keys on disk.',
    );
}

// ---------------------------------------------------------------------------------------------
// init / open

export interface InitOptions {
  dir: string;
  name: string;
  intermediate: boolean;
  crlBaseUrl: string;
  keyType?: LabKeyType;
  caPassword: string;
  now?: Date;
}

/**
 * Creates a lab directory: built in a hidden sibling folder and renamed into place, so a
 * failure leaves nothing behind. Refuses a folder that exists and is not empty.
 */
export async function initLab(o: InitOptions): Promise<Lab> {
  requirePassword(o.caPassword);
  if (!o.name.trim())
    throw new OnboardError('bad-lab-name', 'The lab name is empty.', 'Give a short name, e.g. --name "Acme Lab".');
  const crlBaseUrl = normaliseCrlBaseUrl(o.crlBaseUrl);
  const keyType = o.keyType ?? 'rsa';
  const now = o.now ?? new Date();
  const existing = await fs
    .readdir(o.dir)
    .catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (existing && existing.length) {
    throw new OnboardError(
      'lab-dir-not-empty',
      `${o.dir} already exists and is not empty.`,
      'Choose a new folder for the lab, or remove the old one.',
    );
  }
  const staging = join(dirname(o.dir), `.${basename(o.dir)}.${randomBytes(6).toString('hex')}.tmp`);
  const config: LabConfig = {
    format: 'onboard-lab/1',
    name: o.name.trim(),
    crlBaseUrl,
    keyType,
    intermediate: o.intermediate,
    createdAt: now.toISOString(),
  };
  const p = paths(staging);
  try {
    await fs.mkdir(join(staging, 'private'), { recursive: true, mode: 0o700 });
    await fs.chmod(join(staging, 'private'), 0o700);
    await fs.mkdir(p.crlDir);
    const rootKey = await newKey(keyType, 'ca');
    const root = buildCertificate({
      subject: { organization: config.name, commonName: `${config.name} Root CA` },
      publicKey: rootKey,
      signer: { key: rootKey },
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(now.getTime() + 3650 * DAY),
      ca: true,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const index: LabIndex = { crlNumbers: {}, issued: [recordOf(root, 'ca', 'root', root.subject)] };
    await writeFileAtomic(p.cert('root'), root.toString());
    await writeFileAtomic(p.key('root'), encryptKey(rootKey, o.caPassword), { mode: 0o600 });
    const keys: Partial<Record<CaName, KeyObject>> = { root: rootKey };
    let intermediate: X509Certificate | undefined;
    if (o.intermediate) {
      const intKey = await newKey(keyType, 'ca');
      intermediate = buildCertificate({
        subject: { organization: config.name, commonName: `${config.name} Issuing CA` },
        publicKey: intKey,
        signer: { key: rootKey, certificate: root },
        notBefore: new Date(now.getTime() - 3600_000),
        notAfter: new Date(now.getTime() + 1825 * DAY),
        ca: { pathLength: 0 },
        keyUsage: ['keyCertSign', 'cRLSign'],
        crlUrls: [crlUrlFor(config, 'root')],
      });
      index.issued.push(recordOf(intermediate, 'ca', 'root', intermediate.subject));
      await writeFileAtomic(p.cert('intermediate'), intermediate.toString());
      await writeFileAtomic(p.key('intermediate'), encryptKey(intKey, o.caPassword), { mode: 0o600 });
      keys.intermediate = intKey;
    }
    await writeFileAtomic(p.config, JSON.stringify(config, null, 2) + '\n');
    const lab: Lab = { dir: staging, config, root, index, issuerName: intermediate ? 'intermediate' : 'root' };
    if (intermediate) lab.intermediate = intermediate;
    await writeCrlsWithKeys(lab, keys, { now });
    if (existing) await fs.rmdir(o.dir);
    await fs.rename(staging, o.dir);
    lab.dir = o.dir;
    return lab;
  } catch (e) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof OnboardError) throw e;
    throw new OnboardError(
      'lab-init-failed',
      `Could not create the lab in ${o.dir}: ${describeError(e)}`,
      'Check that the parent folder exists and is writable.',
    );
  }
}

function encryptKey(key: KeyObject, password: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }).toString();
}

async function readText(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OnboardError('file-unreadable', `${path}: ${describeError(e)}`);
  }
}

/** Opens a lab directory made by initLab; says plainly when the folder is not one. */
export async function openLab(dir: string): Promise<Lab> {
  const notALab = (why: string) =>
    new OnboardError(
      'not-a-lab',
      `${dir} is not an Onboard lab directory (${why}).`,
      'Give the folder made by `onboard lab init`, or create one with it.',
    );
  const configText = await readText(paths(dir).config);
  if (configText === null) throw notALab('no lab.json');
  let config: LabConfig;
  try {
    config = JSON.parse(configText) as LabConfig;
  } catch {
    throw notALab('lab.json is not valid JSON');
  }
  if (config.format !== 'onboard-lab/1') throw notALab('lab.json has an unknown format');
  const readCert = async (ca: CaName) => {
    const text = await readText(paths(dir).cert(ca));
    if (text === null) throw notALab(`${ca}.pem is missing`);
    try {
      return new X509Certificate(text);
    } catch {
      throw notALab(`${ca}.pem is not a certificate`);
    }
  };
  const root = await readCert('root');
  const intermediate = config.intermediate ? await readCert('intermediate') : undefined;
  const indexText = await readText(paths(dir).index);
  let index: LabIndex = { crlNumbers: {}, issued: [] };
  if (indexText !== null) {
    try {
      index = JSON.parse(indexText) as LabIndex;
    } catch {
      throw notALab('index.json is not valid JSON');
    }
  }
  const lab: Lab = { dir, config, root, index, issuerName: intermediate ? 'intermediate' : 'root' };
  if (intermediate) lab.intermediate = intermediate;
  const retiredNames = await fs.readdir(paths(dir).retiredDir).catch(() => [] as string[]);
  const retired: X509Certificate[] = [];
  for (const name of retiredNames.filter((n) => n.endsWith('.pem')).sort()) {
    const text = await readText(join(paths(dir).retiredDir, name));
    try {
      if (text !== null) retired.push(new X509Certificate(text));
    } catch {
      throw notALab(`retired/${name} is not a certificate`);
    }
  }
  if (retired.length) lab.retired = retired;
  return lab;
}

/** Decrypts a CA key; a wrong password is told as such. */
export async function unlockCa(lab: Lab, ca: CaName, password: string): Promise<KeyObject> {
  const text = await readText(paths(lab.dir).key(ca));
  if (text === null)
    throw new OnboardError(
      'not-a-lab',
      `${lab.dir} has no private/${ca}.key.`,
      'The lab directory is incomplete; create a new one with `onboard lab init`.',
    );
  try {
    return createPrivateKey({ key: text, format: 'pem', passphrase: password });
  } catch {
    throw new OnboardError(
      'lab-wrong-ca-password',
      'The CA password is wrong: the lab CA key cannot be opened with it.',
      'Use the password given to `onboard lab init` for this lab.',
    );
  }
}

export function caCertificate(lab: Lab, ca: CaName): X509Certificate {
  const c = ca === 'root' ? lab.root : lab.intermediate;
  if (!c) throw new OnboardError('not-a-lab', `This lab has no ${ca} CA.`);
  return c;
}

/** Issuer first, then up to the root: what goes after a leaf in a PFX or server chain. */
export function issuerChain(lab: Lab): X509Certificate[] {
  return lab.intermediate ? [lab.intermediate, lab.root] : [lab.root];
}

async function saveIndex(lab: Lab): Promise<void> {
  await writeFileAtomic(paths(lab.dir).index, JSON.stringify(lab.index, null, 2) + '\n', { overwrite: true });
}

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
      'Give --hostname NAME or --hosts-csv FILE.',
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
      'Give --dns NAME (and --ip ADDR if clients connect by address).',
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
      'Give --dns NAME (and --ip ADDR if clients connect by address).',
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

// ---------------------------------------------------------------------------------------------
// Revocation and CRLs

/** Marks a certificate revoked in the index (by serial or by the certificate itself). Run writeCrls to publish. */
export async function revoke(
  lab: Lab,
  what: { serial?: string; certificate?: X509Certificate },
  now = new Date(),
): Promise<{ record: IssuedRecord; alreadyRevoked: boolean }> {
  let serial: string;
  if (what.certificate) serial = what.certificate.serialNumber;
  else if (what.serial !== undefined) serial = what.serial;
  else
    throw new OnboardError(
      'usage',
      'Say what to revoke: a serial number or a certificate file.',
      'Pass --serial HEX or --cert FILE.',
    );
  const clean = serialOf(serial);
  if (!/^[0-9a-f]+$/.test(clean))
    throw new OnboardError(
      'bad-serial',
      `"${serial}" is not a hexadecimal serial number.`,
      'Copy it from `onboard lab issue` output or `openssl x509 -noout -serial`.',
    );
  const record = lab.index.issued.find((r) => r.serial === clean);
  if (!record)
    throw new OnboardError(
      'lab-unknown-serial',
      `No certificate with serial ${clean} was issued by this lab.`,
      'Check the serial (see index.json in the lab folder), or that this is the right lab.',
    );
  const issuers = [caCertificate(lab, record.issuer), ...(record.issuer === 'intermediate' ? (lab.retired ?? []) : [])];
  if (what.certificate && record.issuer && !issuers.some((ca) => what.certificate!.checkIssued(ca))) {
    throw new OnboardError(
      'lab-unknown-serial',
      'That certificate was not issued by this lab.',
      'Check that this is the right lab folder.',
    );
  }
  if (record.kind === 'ca' && record.serial === serialOf(lab.root.serialNumber)) {
    throw new OnboardError('lab-revoke-root', 'The root CA cannot be revoked.', 'Create a new lab instead.');
  }
  if (record.revokedAt) return { record, alreadyRevoked: true };
  record.revokedAt = now.toISOString();
  await saveIndex(lab);
  return { record, alreadyRevoked: false };
}

async function writeCrlsWithKeys(
  lab: Lab,
  keys: Partial<Record<CaName, KeyObject>>,
  o: { days?: number; now?: Date },
): Promise<string[]> {
  const now = o.now ?? new Date();
  const days = o.days ?? 7;
  const written: string[] = [];
  for (const ca of ['root', 'intermediate'] as const) {
    const key = keys[ca];
    if (!key) continue;
    const crlNumber = (lab.index.crlNumbers[ca] ?? 0) + 1;
    const revoked: RevokedEntry[] = lab.index.issued
      .filter((r) => r.issuer === ca && r.revokedAt)
      .map((r) => ({ serial: r.serial, date: new Date(r.revokedAt!) }));
    const crl = buildCrl({
      issuer: caCertificate(lab, ca),
      key,
      crlNumber,
      revoked,
      thisUpdate: new Date(now.getTime() - 60_000),
      nextUpdate: new Date(now.getTime() + days * DAY),
    });
    await fs.mkdir(paths(lab.dir).crlDir, { recursive: true });
    await writeFileAtomic(paths(lab.dir).crl(ca), crl, { overwrite: true });
    lab.index.crlNumbers[ca] = crlNumber;
    written.push(paths(lab.dir).crl(ca));
  }
  await saveIndex(lab);
  return written;
}

/** Signs fresh CRLs for every CA of the lab (DER, `crl/root.crl` and `crl/intermediate.crl`). */
export async function writeCrls(
  lab: Lab,
  caPassword: string,
  o: { days?: number; now?: Date } = {},
): Promise<string[]> {
  const days = o.days ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 365)
    throw new OnboardError(
      'bad-days',
      `${days} is not a usable CRL lifetime in days.`,
      'Give a whole number of days from 1 to 365.',
    );
  const keys: Partial<Record<CaName, KeyObject>> = { root: await unlockCa(lab, 'root', caPassword) };
  if (lab.intermediate) keys.intermediate = await unlockCa(lab, 'intermediate', caPassword);
  return writeCrlsWithKeys(lab, keys, { ...o, days });
}

// ---------------------------------------------------------------------------------------------
// A new intermediate

export interface NewIntermediateResult {
  /** The new issuing CA. */
  certPath: string;
  serial: string;
  subject: string;
  /** The revoked one it replaces, kept in retired/ (its key in private/). */
  replaced: { serial: string; subject: string; certPath: string };
  crls: string[];
}

/**
 * Replaces a revoked intermediate with a new one signed by the same root, so the lab can issue
 * again without a new root on every Mac. The old certificate goes to retired/ (its key stays in
 * private/ under its serial) so its devices can still be recognised and revoked; fresh CRLs are
 * signed by the root and the new intermediate. Only a revoked intermediate is replaced: the
 * devices of one still in use check its CRL at the same address, which the new CA would sign.
 */
export async function renewIntermediate(
  lab: Lab,
  caPassword: string,
  now = new Date(),
): Promise<NewIntermediateResult> {
  if (!lab.intermediate) {
    throw new OnboardError(
      'lab-no-intermediate',
      'This lab has no intermediate CA: its root issues the certificates, and the root cannot be replaced.',
      'Create a new lab with an intermediate: `onboard lab init --intermediate ...`.',
    );
  }
  const old = lab.intermediate;
  const oldRecord = revokedCaRecord(lab, old);
  const oldSerial = serialOf(old.serialNumber);
  if (!oldRecord) {
    throw new OnboardError(
      'lab-intermediate-not-revoked',
      `The intermediate ${subjectLine({ subject: old.subject })} (serial ${oldSerial}) is not revoked: the devices it issued still rely on it and on the CRL it signs at ${crlUrlFor(lab.config, 'intermediate')}.`,
      `Revoke it first if it must go (\`onboard lab revoke --dir ${lab.dir} --serial ${oldSerial}\`), then run this again.`,
    );
  }
  const rootKey = await unlockCa(lab, 'root', caPassword);
  const oldKey = await unlockCa(lab, 'intermediate', caPassword);
  const p = paths(lab.dir);
  const generation =
    lab.index.issued.filter((r) => r.kind === 'ca' && r.serial !== serialOf(lab.root.serialNumber)).length + 1;
  const key = await newKey(lab.config.keyType, 'ca');
  const cert = buildCertificate({
    subject: { organization: lab.config.name, commonName: `${lab.config.name} Issuing CA ${generation}` },
    publicKey: key,
    signer: { key: rootKey, certificate: lab.root },
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 1825 * DAY),
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
    crlUrls: [crlUrlFor(lab.config, 'root')],
  });
  const oldPem = old.toString();
  const oldKeyText = await readText(p.key('intermediate'));
  const index = structuredClone(lab.index);
  try {
    await fs.mkdir(p.retiredDir, { recursive: true });
    await writeFileAtomic(p.retiredCert(oldSerial), oldPem, { overwrite: true });
    await writeFileAtomic(p.retiredKey(oldSerial), oldKeyText ?? '', { mode: 0o600, overwrite: true });
    await writeFileAtomic(p.key('intermediate'), encryptKey(key, caPassword), { mode: 0o600, overwrite: true });
    await writeFileAtomic(p.cert('intermediate'), cert.toString(), { overwrite: true });
    lab.index.issued.push(recordOf(cert, 'ca', 'root', cert.subject));
    lab.intermediate = cert;
    lab.retired = [...(lab.retired ?? []), old];
    const crls = await writeCrlsWithKeys(lab, { root: rootKey, intermediate: key }, { now });
    return {
      certPath: p.cert('intermediate'),
      serial: serialOf(cert.serialNumber),
      subject: subjectLine({ subject: cert.subject }),
      replaced: { serial: oldSerial, subject: subjectLine(oldRecord), certPath: p.retiredCert(oldSerial) },
      crls,
    };
  } catch (e) {
    // Put the old intermediate back as it was, so the lab is never left with a key and a certificate that do not match.
    index.crlNumbers = { ...lab.index.crlNumbers };
    lab.index = index;
    lab.intermediate = old;
    lab.retired = (lab.retired ?? []).filter((c) => c !== old);
    if (!lab.retired.length) delete lab.retired;
    await writeFileAtomic(p.cert('intermediate'), oldPem, { overwrite: true }).catch(() => undefined);
    await writeFileAtomic(p.key('intermediate'), encryptKey(oldKey, caPassword), {
      mode: 0o600,
      overwrite: true,
    }).catch(() => undefined);
    await fs.rm(p.retiredCert(oldSerial), { force: true }).catch(() => undefined);
    await fs.rm(p.retiredKey(oldSerial), { force: true }).catch(() => undefined);
    await writeCrlsWithKeys(lab, { root: rootKey, intermediate: oldKey }, { now }).catch(() =>
      saveIndex(lab).catch(() => undefined),
    );
    if (e instanceof OnboardError) throw e;
    throw new OnboardError(
      'write-failed',
      `Could not replace the intermediate in ${lab.dir}: ${describeError(e)}`,
      'Check that the lab folder is writable; the old intermediate was left in place.',
    );
  }
}

export const labPaths = paths;
