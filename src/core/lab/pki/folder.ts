// The lab folder: its layout, configuration and index of issued certificates, opening it and unlocking its CA keys.
import { promises as fs } from 'node:fs';
import { X509Certificate, KeyObject, createPrivateKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { OnboardError, describeError } from '../../errors';
import { writeFileAtomic } from '../../fsutil';
import { certificateDetails } from '../../pki/inspect';
import { nameOnOneLineCnFirst } from '../../pki/names';

const generateKeyPairAsync = promisify(generateKeyPair);
export const DAY = 86_400_000;
export const OTHER_OUTPUT_FOLDER = 'Choose another output folder.';

export type LabKeyType = 'rsa' | 'ec';
export type CaName = 'root' | 'intermediate';

export interface LabConfig {
  format: 'onboard-lab/1';
  name: string;
  crlBaseUrl: string;
  keyType: LabKeyType;
  intermediate: boolean;
  createdAt: string;
  /** The OCSP responder put into the Authority Information Access of everything the lab issues (lab init --ocsp-url). */
  ocspUrl?: string;
}

export interface IssuedRecord {
  /** Lowercase hex, no separators: what `openssl x509 -serial` prints, lowercased. */
  serial: string;
  subject: string;
  kind: 'ca' | 'device' | 'server';
  issuer: CaName;
  /**
   * The issuing CA's key identifier (the certificate's Authority Key Identifier, hex): tells an intermediate's
   * generations apart, which `issuer` does not. Absent in records written before it was kept.
   */
  issuerKeyId?: string;
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

/** The OCSP responder URL printed into the certificates the lab issues: none unless the lab was made with one. */
export function ocspUrlsFor(config: LabConfig): string[] {
  return config.ocspUrl ? [config.ocspUrl] : [];
}

/** An OCSP responder address: plain http (RFC 6960 A.1; the answers are signed), no query or fragment. */
export function normaliseOcspUrl(url: string): string {
  const example = 'e.g. http://pki.lab.local:8080/ocsp';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OnboardError(
      'bad-ocsp-url',
      `"${url}" is not a URL.`,
      `Give the address OCSP is answered at, ${example}`,
    );
  }
  if (u.protocol !== 'http:')
    throw new OnboardError(
      'bad-ocsp-url',
      `The OCSP URL must start with http://, not ${u.protocol}//: OCSP is asked over plain HTTP (its answers are signed), and the lab answers it over HTTP.`,
      example,
    );
  if (u.search || u.hash || u.username || u.password)
    throw new OnboardError('bad-ocsp-url', 'The OCSP URL must not have a query, a fragment or a user name.', example);
  return u.toString().replace(/(?<=[^/])\/+$/, '');
}

export function normaliseCrlBaseUrl(url: string): string {
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

export async function newKey(type: LabKeyType, purpose: 'ca' | 'leaf'): Promise<KeyObject> {
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

export function recordOf(
  cert: X509Certificate,
  kind: IssuedRecord['kind'],
  issuer: CaName,
  subject: string,
): IssuedRecord {
  const issuerKeyId = certificateDetails(cert).authorityKeyId;
  return {
    serial: serialOf(cert.serialNumber),
    subject,
    kind,
    issuer,
    ...(issuerKeyId ? { issuerKeyId } : {}),
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

export function requirePassword(password: string): void {
  if (password === '')
    throw new OnboardError(
      'empty-ca-password',
      'The CA password is empty.',
      'Choose a password: it protects the lab CA keys on disk.',
    );
}

export function encryptKey(key: KeyObject, password: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }).toString();
}

export async function readText(path: string): Promise<string | null> {
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
      'Pick the folder of a lab CA made before (the one shown when it was created), or create a new lab CA.',
      { dir, reason: 'not-a-lab' },
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
      "The lab CA's folder is incomplete: create a new lab CA.",
      { dir: lab.dir, reason: 'incomplete' },
    );
  try {
    return createPrivateKey({ key: text, format: 'pem', passphrase: password });
  } catch {
    throw new OnboardError(
      'lab-wrong-ca-password',
      'The CA password is wrong: the lab CA key cannot be opened with it.',
      'Type the CA password chosen when this lab CA was created.',
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

export async function saveIndex(lab: Lab): Promise<void> {
  await writeFileAtomic(paths(lab.dir).index, JSON.stringify(lab.index, null, 2) + '\n', { overwrite: true });
}

export const labPaths = paths;
