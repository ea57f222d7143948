// Replacing a revoked intermediate with a new one from the same root, keeping the old one revocable.
import { OnboardError, describeError } from '../../errors';
import { buildCertificate } from '../../pki/build';
import {
  DAY,
  crlUrlFor,
  encryptKey,
  labPaths,
  newKey,
  ocspUrlsFor,
  readText,
  serialOf,
  subjectLine,
  unlockCa,
  type Lab,
} from './folder';
import { revokedCaRecord, signCrls } from './revocation';
import { finishIntermediateChange, stageAndCommit } from './intermediate-change';
import { withLockedLab } from './lock';
import { openLab } from './folder';

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
export function renewIntermediate(lab: Lab, caPassword: string, now = new Date()): Promise<NewIntermediateResult> {
  return withLockedLab(lab, () => renewLocked(lab, caPassword, now));
}

async function renewLocked(lab: Lab, caPassword: string, now: Date): Promise<NewIntermediateResult> {
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
  // The old key must open too: it is kept (retired) so the old CA's CRL can still be signed by hand.
  await unlockCa(lab, 'intermediate', caPassword);
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
  const oldKeyText = await readText(p.key('intermediate'));
  try {
    // The new CRLs are signed now and placed with the swap, so the new intermediate never stands without its CRL.
    const crls = await signCrls(lab, { root: rootKey, intermediate: key }, { now, issuers: { intermediate: cert } });
    await stageAndCommit(
      lab.dir,
      { certPem: cert.toString(), encryptedKey: encryptKey(key, caPassword) },
      { certPem: old.toString(), encryptedKey: oldKeyText ?? '' },
      crls,
    );
  } catch (e) {
    throw new OnboardError(
      'write-failed',
      `Could not replace the intermediate in ${lab.dir}: ${describeError(e)}`,
      'Check that the lab folder is writable; the old intermediate was left in place.',
    );
  }
  // Committed: the CRLs are placed first (if they cannot be, the swap is dropped and the lab stays as it was); after
  // them the swap is finished, now or (if this is killed) by the next command that takes the lab's lock.
  try {
    await finishIntermediateChange(lab.dir, true);
  } catch (e) {
    throw new OnboardError(
      'write-failed',
      `Could not replace the intermediate in ${lab.dir}: ${describeError(e)}`,
      'Check that the lab folder and its crl folder are writable; the old intermediate was left in place.',
    );
  }
  Object.assign(lab, await openLab(lab.dir));
  return {
    certPath: p.cert('intermediate'),
    serial: serialOf(cert.serialNumber),
    subject: subjectLine({ subject: cert.subject }),
    replaced: { serial: oldSerial, subject: subjectLine(oldRecord), certPath: p.retiredCert(oldSerial) },
    crls: (['root', 'intermediate'] as const).map((ca) => p.crl(ca)),
  };
}
