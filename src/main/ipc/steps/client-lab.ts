// The lab-CA path of the client-certificate step: a throw-away CA for test benches without a real PKI, made, opened
// and issued from through the core's lab (so the lab keeps its own record for revocation). client.ts keeps the result.
import { chmod, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
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
import type { LabCaView } from '../../../shared/contract';

/** A lab CA chosen for this Mac; its password stays in main to issue. */
export interface ChosenLabCa {
  lab: Lab;
  caPassword: string;
}

export function labView(lab: Lab): LabCaView {
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

/** The lab's CA certificates, root first: they join the CA list, so Trust & identity imports them like any other CA. */
export function labCaCertificates(chosen: ChosenLabCa): X509Certificate[] {
  return [...issuerChain(chosen.lab)].reverse();
}

/**
 * Where a session keeps its lab CAs when page-supplied paths must not be written (the browser preview: it never
 * changes the computer it runs on, and any page that learns its token could name a path). A private folder made on
 * first use and removed with the session (disposeLabScratch).
 */
export interface LabScratch {
  dir?: string;
}

async function scratchDir(scratch: LabScratch): Promise<string> {
  if (!scratch.dir) {
    scratch.dir = await mkdtemp(join(tmpdir(), 'onboard-preview-labs-'));
    await chmod(scratch.dir, 0o700);
  }
  return scratch.dir;
}

export async function disposeLabScratch(scratch: LabScratch): Promise<void> {
  if (scratch.dir) await rm(scratch.dir, { recursive: true, force: true });
  delete scratch.dir;
}

export async function createLabCa(
  req: {
    name: string;
    crlBaseUrl: string;
    caPassword: string;
    intermediate: boolean;
    directory?: string;
  },
  confined?: LabScratch,
): Promise<ChosenLabCa> {
  const dir = confined
    ? join(await scratchDir(confined), `lab-${randomBytes(6).toString('hex')}`)
    : req.directory?.trim() || (await mkdtemp(join(tmpdir(), 'onboard-lab-')));
  const lab = await initLab({
    dir,
    name: req.name,
    intermediate: req.intermediate,
    crlBaseUrl: req.crlBaseUrl,
    caPassword: req.caPassword,
  });
  return { lab, caPassword: req.caPassword };
}

export async function openLabCa(
  req: { directory: string; caPassword: string },
  confined?: LabScratch,
): Promise<ChosenLabCa> {
  const lab = await openLab(req.directory.trim());
  // A wrong password should be said now, not when the technician tries to issue.
  await unlockCa(lab, lab.issuerName, req.caPassword);
  if (!confined) return { lab, caPassword: req.caPassword };
  // Confined: the named lab is only read; issuing (which writes its index) works on a copy in the session's folder.
  const copy = join(await scratchDir(confined), `lab-${randomBytes(6).toString('hex')}`);
  await cp(lab.dir, copy, {
    recursive: true,
    filter: (src) => !src.endsWith('.lock') && !src.endsWith('.tmp'),
  });
  return { lab: await openLab(copy), caPassword: req.caPassword };
}

/** Issues through the lab's own device issuance, then reads the result back: the key, its certificate and chain. */
export async function issueFromLab(
  chosen: ChosenLabCa | undefined,
  hostname: string,
): Promise<{ key: KeyObject; certificate: X509Certificate; chain: X509Certificate[] }> {
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
  return { key: contents.key, certificate, chain };
}
