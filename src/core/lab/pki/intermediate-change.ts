// Swapping the lab's intermediate as one crash-safe change: staged in full, committed by one marker file, finished by
// whichever locked command comes next if the one that started it is killed.
//
// The swap touches four files (intermediate.pem, private/intermediate.key, the retired copies of the old pair) and the
// index; no single rename covers them. So everything is first written into private/intermediate-next/, then
// change.json is written there (durably): before it exists the change never happened and the staging is thrown
// away; once it exists the change is finished, every step being idempotent, by this command or by the next one that
// takes the lab's lock. The key is moved before the certificate, and unlockCa refuses a key that does not match its
// certificate, so even the instant between the two renames cannot sign anything with a mismatched pair.
import { promises as fs } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic, syncDir } from '../../fsutil';
import { labPaths, readText, recordOf, serialOf, type CaName, type LabIndex } from './folder';
import { indexProblem } from './validate';

interface ChangeMarker {
  oldSerial: string;
  newSerial: string;
}

const staging = (dir: string) => {
  const d = join(dir, 'private', 'intermediate-next');
  return {
    dir: d,
    marker: join(d, 'change.json'),
    cert: join(d, 'intermediate.pem'),
    key: join(d, 'intermediate.key'),
    oldCert: join(d, 'old.pem'),
    oldKey: join(d, 'old.key'),
    crl: (ca: CaName) => join(d, `${ca}.crl`),
  };
};

/** Stages the new pair and the old one, then commits: from here the change will be finished whatever happens. */
export async function stageAndCommit(
  dir: string,
  next: { certPem: string; encryptedKey: string },
  old: { certPem: string; encryptedKey: string },
  crls: { ca: CaName; der: Uint8Array }[] = [],
): Promise<void> {
  const s = staging(dir);
  await fs.rm(s.dir, { recursive: true, force: true });
  await fs.mkdir(s.dir, { recursive: true, mode: 0o700 });
  try {
    await writeFileAtomic(s.cert, next.certPem);
    await writeFileAtomic(s.key, next.encryptedKey, { mode: 0o600 });
    await writeFileAtomic(s.oldCert, old.certPem);
    await writeFileAtomic(s.oldKey, old.encryptedKey, { mode: 0o600 });
    for (const { ca, der } of crls) await writeFileAtomic(s.crl(ca), der);
    await syncDir(s.dir);
  } catch (e) {
    await fs.rm(s.dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  const marker: ChangeMarker = {
    oldSerial: serialOf(new X509Certificate(old.certPem).serialNumber),
    newSerial: serialOf(new X509Certificate(next.certPem).serialNumber),
  };
  await writeFileAtomic(s.marker, JSON.stringify(marker) + '\n', { durable: true });
}

const exists = (p: string) =>
  fs.lstat(p).then(
    () => true,
    () => false,
  );

/**
 * Finishes a committed swap, or throws away one that was never committed. Run under the lab's lock before the lab is
 * read. The staged CRLs go first: if they cannot be placed and `abandonIfCrlsFail` (the command that staged the swap
 * is still running), the swap is dropped and the lab stays as it was; a recovering command retries instead.
 */
export async function finishIntermediateChange(dir: string, abandonIfCrlsFail = false): Promise<boolean> {
  const s = staging(dir);
  if (!(await exists(s.dir))) return false;
  const markerText = await readText(s.marker);
  let marker: ChangeMarker | null = null;
  try {
    marker = markerText === null ? null : (JSON.parse(markerText) as ChangeMarker);
  } catch {
    marker = null;
  }
  if (!marker || typeof marker.oldSerial !== 'string' || typeof marker.newSerial !== 'string') {
    await fs.rm(s.dir, { recursive: true, force: true });
    return false;
  }
  const p = labPaths(dir);
  try {
    for (const ca of ['root', 'intermediate'] as const) {
      if (!(await exists(s.crl(ca)))) continue;
      await fs.mkdir(p.crlDir, { recursive: true });
      await fs.rename(s.crl(ca), p.crl(ca));
    }
    await syncDir(p.crlDir);
  } catch (e) {
    if (abandonIfCrlsFail) await fs.rm(s.dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  // The old pair is kept under its serial first, so its devices stay recognisable and revocable.
  await fs.mkdir(p.retiredDir, { recursive: true });
  const oldCert = await readText(s.oldCert);
  const oldKey = await readText(s.oldKey);
  if (oldCert !== null && !(await exists(p.retiredCert(marker.oldSerial))))
    await writeFileAtomic(p.retiredCert(marker.oldSerial), oldCert, { overwrite: true });
  if (oldKey !== null && !(await exists(p.retiredKey(marker.oldSerial))))
    await writeFileAtomic(p.retiredKey(marker.oldSerial), oldKey, { mode: 0o600, overwrite: true });
  if (await exists(s.key)) await fs.rename(s.key, p.key('intermediate'));
  await syncDir(join(dir, 'private'));
  if (await exists(s.cert)) await fs.rename(s.cert, p.cert('intermediate'));
  await syncDir(dir);
  // The new intermediate in the index (once): the root issued it.
  const certText = await readText(p.cert('intermediate'));
  const indexText = await readText(p.index);
  if (certText !== null && indexText !== null) {
    const cert = new X509Certificate(certText);
    const index = JSON.parse(indexText) as LabIndex;
    if (!indexProblem(index) && !index.issued.some((r) => r.serial === serialOf(cert.serialNumber))) {
      index.issued.push(recordOf(cert, 'ca', 'root', cert.subject));
      await writeFileAtomic(p.index, JSON.stringify(index, null, 2) + '\n', { overwrite: true, durable: true });
    }
  }
  await fs.rm(s.dir, { recursive: true, force: true });
  return true;
}
