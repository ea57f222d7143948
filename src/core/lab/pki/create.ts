// Creating a lab: the root (and intermediate) CA, their encrypted keys, the index and the first CRLs, all or nothing.
import { promises as fs } from 'node:fs';
import { X509Certificate, KeyObject, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { OnboardError, describeError } from '../../errors';
import { writeFileAtomic } from '../../fsutil';
import { buildCertificate } from '../../pki/build';
import {
  DAY,
  crlUrlFor,
  encryptKey,
  labPaths,
  newKey,
  normaliseCrlBaseUrl,
  normaliseOcspUrl,
  ocspUrlsFor,
  recordOf,
  requirePassword,
  type CaName,
  type Lab,
  type LabConfig,
  type LabIndex,
  type LabKeyType,
} from './folder';
import { writeCrlsWithKeys } from './revocation';

export interface InitOptions {
  dir: string;
  name: string;
  intermediate: boolean;
  crlBaseUrl: string;
  /** Put into the Authority Information Access of every certificate the lab issues; `lab serve` answers there. */
  ocspUrl?: string;
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
    throw new OnboardError('bad-lab-name', 'The lab name is empty.', 'Give a short name, e.g. "Acme Lab".');
  const crlBaseUrl = normaliseCrlBaseUrl(o.crlBaseUrl);
  const ocspUrl = o.ocspUrl !== undefined ? normaliseOcspUrl(o.ocspUrl) : undefined;
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
    ...(ocspUrl ? { ocspUrl } : {}),
  };
  const p = labPaths(staging);
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
        ocspUrls: ocspUrlsFor(config),
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
