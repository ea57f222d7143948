// The lab-CA path of the client-certificate step: a throw-away CA for test benches without a real PKI.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OnboardError } from '../../../core/errors';
import { withPrivateTempDir } from '../../../core/fsutil';
import {
  caCertificate,
  crlUrlFor,
  initLab,
  issueDevices,
  issuerChain,
  openLab,
  unlockCa,
  type Lab,
} from '../../../core/lab/pki';
import { readPfx } from '../../../core/pki/pkcs12';
import { inspectCertificate } from '../../../core/pki/inspect';
import type { Session } from '../session';
import type { IdentityView, LabCaView } from '../../../shared/contract';
import { identityView } from './identity';

function labView(lab: Lab): LabCaView {
  const issuer = caCertificate(lab, lab.issuerName);
  const info = inspectCertificate(issuer);
  return {
    name: lab.config.name,
    directory: lab.dir,
    issuer: info.subject,
    crlUrl: crlUrlFor(lab.config, lab.issuerName),
    notAfter: info.notAfter,
    issuedCount: lab.index.issued.filter((r) => r.kind === 'device').length,
  };
}

/** The lab's CA certificates join the CA list, so the Trust step imports them like any other CA. */
function useLab(session: Session, lab: Lab, caPassword: string): LabCaView {
  session.setup.lab = { lab, caPassword };
  for (const cert of [...issuerChain(lab)].reverse()) {
    if (session.setup.caCertificates.some((c) => c.fingerprint256 === cert.fingerprint256)) continue;
    session.setup.caCertificates.push(cert);
    session.setup.caFileNames.set(cert.fingerprint256, `Lab CA: ${lab.config.name}`);
  }
  return labView(lab);
}

export async function createLabCa(
  session: Session,
  req: { name: string; crlBaseUrl: string; caPassword: string; intermediate: boolean; directory?: string },
): Promise<LabCaView> {
  const dir = req.directory?.trim() || (await mkdtemp(join(tmpdir(), 'onboard-lab-')));
  const lab = await initLab({
    dir,
    name: req.name,
    intermediate: req.intermediate,
    crlBaseUrl: req.crlBaseUrl,
    caPassword: req.caPassword,
  });
  return useLab(session, lab, req.caPassword);
}

export async function openLabCa(session: Session, req: { directory: string; caPassword: string }): Promise<LabCaView> {
  const lab = await openLab(req.directory.trim());
  // A wrong password should be said now, not when the technician tries to issue.
  await unlockCa(lab, lab.issuerName, req.caPassword);
  return useLab(session, lab, req.caPassword);
}

/** Issues through the lab's own device issuance (so the lab keeps its record for revocation), then reads the result back. */
export async function issueLabCertificate(session: Session, hostname: string): Promise<IdentityView> {
  const chosen = session.setup.lab;
  if (!chosen)
    throw new OnboardError('no-lab-ca', 'No lab CA is chosen.', 'Create a lab CA, or open one made before, first.');
  const pfxPassword = randomBytes(18).toString('base64url');
  const contents = await withPrivateTempDir(async (dir) => {
    const [issued] = await issueDevices(chosen.lab, {
      hosts: [hostname],
      outDir: dir,
      caPassword: chosen.caPassword,
      pfxPassword,
      force: true,
    });
    return readPfx(await readFile(issued!.pfxPath), pfxPassword);
  });
  const [certificate, ...chain] = contents.certificates;
  if (!certificate || !contents.key)
    throw new OnboardError(
      'lab-issue-failed',
      'The lab CA did not produce a certificate with its key.',
      'Try again; if it happens again, create a new lab CA.',
    );
  session.setup.identity = {
    key: contents.key,
    certificate,
    chain,
    source: 'lab',
    label: `Lab CA: ${chosen.lab.config.name}`,
  };
  delete session.setup.pfx;
  return (await identityView(session))!;
}
