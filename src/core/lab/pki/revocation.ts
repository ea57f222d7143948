// Revocation in the lab: marking certificates revoked in the index, signing the CRLs, and refusing to issue from a revoked CA.
import { promises as fs } from 'node:fs';
import type { X509Certificate, KeyObject } from 'node:crypto';
import { OnboardError } from '../../errors';
import { writeFileAtomic } from '../../fsutil';
import { buildCrl, type RevokedEntry } from '../../pki/build';
import {
  DAY,
  caCertificate,
  labPaths,
  saveIndex,
  serialOf,
  subjectLine,
  unlockCa,
  type CaName,
  type IssuedRecord,
  type Lab,
} from './folder';

/** The index record of a lab CA certificate, when it is revoked. */
export function revokedCaRecord(lab: Lab, cert: X509Certificate): IssuedRecord | undefined {
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
    `The lab's issuing CA ${subjectLine(r)} (serial ${r.serial}) was revoked on ${r.revokedAt}: every certificate it issues would be rejected by the Switch and by Onboard's verification. Nothing was issued.`,
    'Give this lab a new intermediate CA first (the root stays, so Macs need no new root), then issue again.',
    { issuer: subjectLine(r), serial: r.serial, revokedAt: r.revokedAt ?? '', dir: lab.dir },
  );
}

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
      'Give its serial number or the certificate file.',
    );
  const clean = serialOf(serial);
  if (!/^[0-9a-f]+$/.test(clean))
    throw new OnboardError(
      'bad-serial',
      `"${serial}" is not a hexadecimal serial number.`,
      'Copy it as the lab listed it when it issued the certificate (hexadecimal digits).',
      { serial, source: 'lab' },
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

export async function writeCrlsWithKeys(
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
    await fs.mkdir(labPaths(lab.dir).crlDir, { recursive: true });
    await writeFileAtomic(labPaths(lab.dir).crl(ca), crl, { overwrite: true });
    lab.index.crlNumbers[ca] = crlNumber;
    written.push(labPaths(lab.dir).crl(ca));
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
