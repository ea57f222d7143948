// Replacing a revoked intermediate with a new one from the same root, keeping the old one revocable.
import { promises as fs } from 'node:fs';
import { OnboardError, describeError } from '../../errors';
import { writeFileAtomic } from '../../fsutil';
import { buildCertificate } from '../../pki/build';
import {
  DAY,
  crlUrlFor,
  encryptKey,
  labPaths,
  newKey,
  ocspUrlsFor,
  readText,
  recordOf,
  saveIndex,
  serialOf,
  subjectLine,
  unlockCa,
  type Lab,
} from './folder';
import { revokedCaRecord, writeCrlsWithKeys } from './revocation';

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
      'Create a new lab with an intermediate CA.',
    );
  }
  const old = lab.intermediate;
  const oldRecord = revokedCaRecord(lab, old);
  const oldSerial = serialOf(old.serialNumber);
  if (!oldRecord) {
    throw new OnboardError(
      'lab-intermediate-not-revoked',
      `The intermediate ${subjectLine({ subject: old.subject })} (serial ${oldSerial}) is not revoked: the devices it issued still rely on it and on the CRL it signs at ${crlUrlFor(lab.config, 'intermediate')}.`,
      'Revoke it first if it must go, then run this again.',
      { dir: lab.dir, serial: oldSerial },
    );
  }
  const rootKey = await unlockCa(lab, 'root', caPassword);
  const oldKey = await unlockCa(lab, 'intermediate', caPassword);
  const p = labPaths(lab.dir);
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
    ocspUrls: ocspUrlsFor(lab.config),
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
