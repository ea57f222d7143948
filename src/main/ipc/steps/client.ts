// The client-certificate step in main: this Mac's identity from a .pfx, from a key made here, or from a lab CA
// (client-lab.ts), kept with what it came from and judged live against every 1E requirement.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { OnboardError } from '../../../core/errors';
import { loadMaterial } from '../../../core/pki/load';
import { isPkcs12, keyMatches, readAndAnalysePfx, rewrapPfx, type PfxAnalysis } from '../../../core/pki/pkcs12';
import { checkClientCertificate, summarise, type Finding } from '../../../core/pki/requirements';
import { matchHostname } from '../../../core/pki/hostname';
import { describeKey, inspectCertificate, keyLabel } from '../../../core/pki/inspect';
import { createKeyAndCsr } from '../../../core/pki/csr';
import type { Handlers } from '../router';
import type {
  CsrView,
  DownloadFile,
  HostnameComparison,
  IdentityView,
  LabCaView,
  PfxStatus,
} from '../../../shared/contract';
import type { clientMethods } from '../../../shared/contract/client';
import { currentFacts, keychainCertificates, requirementProfile } from './welcome';
import type { CaSession } from './ca';
import { createLabCa, issueFromLab, labCaCertificates, labView, openLabCa, type ChosenLabCa } from './client-lab';

/** The client identity chosen on this step (from a PFX, a CSR answer, or a lab CA). */
export interface ChosenIdentity {
  key: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
  source: 'pfx' | 'csr' | 'lab';
  /** Shown to the technician, e.g. the file name or "Lab CA: Acme Lab". */
  label: string;
}

/** A .pfx the technician opened: kept (with its password) so it can be re-wrapped and saved without asking again. */
export interface OpenedPfx {
  fileName: string;
  der: Buffer;
  password: string;
  analysis: PfxAnalysis;
  rewrapped: boolean;
  /** A re-wrap put the file under a new password (the one in `password` now), e.g. because the old one was empty. */
  passwordChanged: boolean;
}

/** A key born on this Mac and its request, waiting for the issued certificate. */
export interface PendingCsr {
  key: KeyObject;
  hostname: string;
  pem: string;
  createdAt: Date;
}

/** What this step keeps in main-process memory for one window: never sent whole to the renderer. */
export interface ClientState {
  identity?: ChosenIdentity;
  pfx?: OpenedPfx;
  csr?: PendingCsr;
  lab?: ChosenLabCa;
}

export function createClientState(): ClientState {
  return {};
}

/** The part of a session this step's work reads: the CAs (the chain is judged against them) and the Mac's facts. */
export interface ClientSession extends CaSession {
  client: ClientState;
}

/**
 * The source .pfx's own protection is only a warning here: Trust & identity imports a copy Onboard makes in the
 * profile every macOS takes, so it matters only for other Macs, and the fix is the screen's own re-wrap.
 */
function forThisMac(f: Finding, pfx?: Pick<PfxAnalysis, 'emptyPassword'>): Finding {
  if (f.id === 'pfx-macos-compatible' && f.status !== 'pass') {
    const { fixCode: _cli, ...rest } = f;
    return {
      ...rest,
      status: 'warn',
      detail: `This Mac is not affected: Onboard imports its own macOS-compatible copy of this key and certificate on the Trust & identity step. Other Macs would refuse the file as it is. ${f.detail}`,
      fix: pfx?.emptyPassword
        ? 'Nothing to do for this Mac. Only to use the file on other Macs: choose a new password under "Re-wrap for macOS" below (macOS refuses an empty one), re-wrap, and save the new file.'
        : 'Nothing to do for this Mac. Only to use the file on other Macs: use "Re-wrap for macOS" below (3DES, SHA-1 integrity check, same password) and save the new file.',
    };
  }
  return f;
}

function pfxProtection(a: PfxAnalysis): string {
  const keys = [...new Set(a.keyBagAlgorithms)].join(', ') || 'none (no private key)';
  const mac = a.macAlgorithm
    ? `${a.macAlgorithm.toUpperCase()}${a.macSaltLength ? ` (${a.macSaltLength}-byte salt)` : ''}`
    : 'none';
  return `private key encrypted with ${keys}; integrity check ${mac}`;
}

function hostnameComparison(expected: string | null, cert: X509Certificate): HostnameComparison {
  const info = inspectCertificate(cert);
  if (!expected) {
    const m = matchHostname('', info.commonName, info.subjectAltNames.dns);
    return { expected: null, status: 'unknown', certificateName: null, names: m.names };
  }
  const m = matchHostname(expected, info.commonName, info.subjectAltNames.dns);
  return { expected, status: m.status, certificateName: m.certificateName ?? null, names: m.names };
}

/** Checks the chosen identity now, against the CAs added and those already in the System keychain. */
export async function identityView(session: ClientSession, at = new Date()): Promise<IdentityView | null> {
  const id = session.client.identity;
  if (!id) return null;
  const facts = await currentFacts(session);
  const hostname = facts.expectedHostName;
  const added = session.ca.certificates;
  const fromKeychain = keychainCertificates(facts).filter(
    (k) => !added.some((c) => c.fingerprint256 === k.fingerprint256),
  );
  const pfx = id.source === 'pfx' ? session.client.pfx : undefined;
  let findings = checkClientCertificate({
    certificate: id.certificate,
    privateKey: id.key,
    caCertificates: [...added, ...fromKeychain],
    hostname: hostname ?? '',
    at,
    ...(pfx ? { pfx: pfx.analysis } : {}),
    extraCertificates: id.chain,
    requirements: requirementProfile(session),
  });
  if (!hostname) {
    findings = findings.map((f) =>
      f.id !== 'subject-hostname'
        ? f
        : {
            ...f,
            status: 'warn',
            detail: "Onboard could not read this Mac's host name, so it cannot tell whether the certificate names it.",
            fix: "Check the name under System Settings > General > Sharing (e.g. MAC01.local): the certificate's CN or DNS name must be exactly that, capitals included.",
          },
    );
  }
  findings = findings.map((f) => forThisMac(f, pfx?.analysis));
  const counts = summarise(findings);
  const info = inspectCertificate(id.certificate);
  const pfxStatus: PfxStatus | null = pfx
    ? {
        fileName: pfx.fileName,
        macOsCompatible: pfx.analysis.macOsCompatible,
        problems: pfx.analysis.problems,
        protection: pfxProtection(pfx.analysis),
        rewrapped: pfx.rewrapped,
        needsNewPassword: pfx.analysis.emptyPassword,
        passwordChanged: pfx.passwordChanged,
      }
    : null;
  return {
    source: id.source,
    label: id.label,
    certificate: {
      subject: info.subject,
      issuer: info.issuer,
      commonName: info.commonName,
      dnsNames: info.subjectAltNames.dns,
      notAfter: info.notAfter,
      sha256: info.sha256,
      key: keyLabel(describeKey(id.certificate.publicKey), id.certificate.publicKey),
    },
    hostname: hostnameComparison(hostname, id.certificate),
    findings,
    counts: { pass: counts.pass, warn: counts.warn, fail: counts.fail, info: counts.info },
    ok: counts.ok,
    pfx: pfxStatus,
  };
}

async function mustView(session: ClientSession): Promise<IdentityView> {
  const v = await identityView(session);
  if (!v)
    throw new OnboardError(
      'no-identity',
      'No client certificate has been chosen yet.',
      'Open a .pfx, or load the certificate issued for the request made on this Mac.',
    );
  return v;
}

/** The identity in a .pfx and how the file is protected, from one decryption. */
function identityFromPfx(
  der: Buffer,
  password: string,
  fileName: string,
): { identity: ChosenIdentity; analysis: PfxAnalysis } {
  const { contents, analysis } = readAndAnalysePfx(der, password);
  const [certificate, ...chain] = contents.certificates;
  if (!certificate) {
    throw new OnboardError(
      'pfx-no-certificate',
      `${fileName} holds no certificate.`,
      "Export the Mac's certificate again, with its private key, as a .pfx.",
    );
  }
  if (!contents.key || !keyMatches(certificate, contents.key)) {
    throw new OnboardError(
      'pfx-no-key',
      `${fileName} holds the certificate but not its private key, so it cannot identify this Mac.`,
      'Export it again choosing "Yes, export the private key" (the certificate template must allow exporting the key).',
    );
  }
  return { identity: { key: contents.key, certificate, chain, source: 'pfx', label: fileName }, analysis };
}

export async function openPfx(
  session: ClientSession,
  req: { fileName: string; base64: string; password: string },
): Promise<IdentityView> {
  const der = Buffer.from(req.base64, 'base64');
  if (!isPkcs12(der)) {
    throw new OnboardError(
      'not-a-pfx',
      `${req.fileName} is not a .pfx (PKCS#12) file.`,
      'Pick the .pfx or .p12 file exported with the private key. CA certificates (.cer, .pem, .p7b) belong on the CA certificates step.',
    );
  }
  const { identity, analysis } = identityFromPfx(der, req.password, req.fileName);
  session.client.pfx = {
    fileName: req.fileName,
    der,
    password: req.password,
    analysis,
    rewrapped: false,
    passwordChanged: false,
  };
  session.client.identity = identity;
  return mustView(session);
}

/**
 * Re-wraps the opened .pfx to the profile every macOS imports. The old password reads it; the new one, when
 * given, protects the result (and is the one kept for saving). An empty password cannot be kept: macOS refuses it.
 */
export async function rewrapOpenedPfx(
  session: ClientSession,
  req: { newPassword?: string } = {},
): Promise<IdentityView> {
  const pfx = session.client.pfx;
  if (!pfx || session.client.identity?.source !== 'pfx')
    throw new OnboardError('no-pfx', 'No .pfx file is open.', 'Open the .pfx file first.');
  const newPassword = req.newPassword;
  if (newPassword === undefined && pfx.password === '') {
    throw new OnboardError(
      'pfx-new-password-needed',
      `${pfx.fileName} has an empty password, which macOS refuses, so the re-wrapped file needs a new one.`,
      'Type a new password twice under "Re-wrap for macOS", then re-wrap: the saved file opens with that password.',
    );
  }
  if (newPassword === '') {
    throw new OnboardError(
      'pfx-empty-password',
      'The new password is empty.',
      'Choose a password that is not empty: macOS refuses to import a .pfx without one.',
    );
  }
  const password = newPassword ?? pfx.password;
  const der = rewrapPfx(pfx.der, pfx.password, {
    profile: 'compatible',
    ...(newPassword !== undefined ? { newPassword } : {}),
  });
  const { identity, analysis } = identityFromPfx(der, password, pfx.fileName);
  session.client.pfx = {
    ...pfx,
    der,
    password,
    analysis,
    rewrapped: true,
    passwordChanged: pfx.passwordChanged || (newPassword !== undefined && newPassword !== pfx.password),
  };
  session.client.identity = identity;
  return mustView(session);
}

export function exportOpenedPfx(session: ClientSession): DownloadFile {
  const pfx = session.client.pfx;
  if (!pfx) throw new OnboardError('no-pfx', 'No .pfx file is open.', 'Open the .pfx file first.');
  const base = pfx.fileName.replace(/\.(pfx|p12)$/i, '');
  return {
    fileName: pfx.rewrapped ? `${base}-macos.pfx` : pfx.fileName,
    mimeType: 'application/x-pkcs12',
    base64: pfx.der.toString('base64'),
  };
}

function csrView(session: ClientSession): CsrView | null {
  const csr = session.client.csr;
  if (!csr) return null;
  return {
    hostname: csr.hostname,
    subject: `CN=${csr.hostname}`,
    key: keyLabel(describeKey(csr.key), csr.key),
    fileName: `${csr.hostname}.csr`,
    pem: csr.pem,
    createdAt: csr.createdAt.toISOString(),
  };
}

export async function createCsr(session: ClientSession, hostname: string): Promise<CsrView> {
  const made = await createKeyAndCsr({ hostname });
  session.client.csr = { key: made.key, hostname, pem: made.csrPem, createdAt: new Date() };
  return csrView(session)!;
}

export function getCsr(session: ClientSession): CsrView | null {
  return csrView(session);
}

/** Pairs the CA's answer with the key kept since the request was made. */
export async function loadIssuedCertificate(
  session: ClientSession,
  req: { fileName: string; base64: string },
): Promise<IdentityView> {
  const csr = session.client.csr;
  if (!csr) {
    throw new OnboardError(
      'no-csr',
      'No key and request were made on this Mac in this session.',
      'Make the key and request first, send the request to your CA, then load the certificate it issues.',
    );
  }
  const material = loadMaterial(Buffer.from(req.base64, 'base64'), { name: req.fileName });
  const certificate = material.certificates.find((c) => keyMatches(c, csr.key));
  if (!certificate) {
    throw new OnboardError(
      'certificate-not-for-key',
      `No certificate in ${req.fileName} belongs to the key made on this Mac for ${csr.hostname}.`,
      `Check that the CA answered the request Onboard made (${csr.hostname}.csr); a certificate issued for another request cannot be used with this key.`,
    );
  }
  const chain = material.certificates.filter((c) => c !== certificate);
  session.client.identity = {
    key: csr.key,
    certificate,
    chain,
    source: 'csr',
    label: `${req.fileName} with the key made on this Mac`,
  };
  delete session.client.pfx;
  return mustView(session);
}

export async function getIdentity(session: ClientSession): Promise<IdentityView | null> {
  return identityView(session);
}

export function clearIdentity(session: ClientSession): { cleared: boolean } {
  const had = Boolean(session.client.identity);
  delete session.client.identity;
  delete session.client.pfx;
  return { cleared: had };
}

/** The lab's CA certificates join the CA list, so the Trust step imports them like any other CA. */
function useLab(session: ClientSession, chosen: ChosenLabCa): LabCaView {
  session.client.lab = chosen;
  for (const cert of labCaCertificates(chosen)) {
    if (session.ca.certificates.some((c) => c.fingerprint256 === cert.fingerprint256)) continue;
    session.ca.certificates.push(cert);
    session.ca.fileNames.set(cert.fingerprint256, `Lab CA: ${chosen.lab.config.name}`);
  }
  return labView(chosen.lab);
}

/** A certificate for this Mac from the chosen lab CA becomes the identity. */
async function issueLabCertificate(session: ClientSession, hostname: string): Promise<IdentityView> {
  const chosen = session.client.lab;
  const issued = await issueFromLab(chosen, hostname);
  session.client.identity = { ...issued, source: 'lab', label: `Lab CA: ${chosen!.lab.config.name}` };
  delete session.client.pfx;
  return (await identityView(session))!;
}

export function clientHandlers(): Pick<Handlers<ClientSession>, keyof typeof clientMethods> {
  const handlers: Pick<Handlers<ClientSession>, keyof typeof clientMethods> = {
    openPfx: (req, { session }) => openPfx(session, req),
    rewrapPfx: (req, { session }) => rewrapOpenedPfx(session, req),
    exportPfx: (_req, { session }) => exportOpenedPfx(session),

    createCsr: (req, { session }) => createCsr(session, req.hostname),
    getCsr: (_req, { session }) => getCsr(session),
    loadIssuedCertificate: (req, { session }) => loadIssuedCertificate(session, req),

    createLabCa: async (req, { session }) => useLab(session, await createLabCa(req)),
    openLabCa: async (req, { session }) => useLab(session, await openLabCa(req)),
    issueLabCertificate: (req, { session }) => issueLabCertificate(session, req.hostname),

    getIdentity: (_req, { session }) => getIdentity(session),
    clearIdentity: (_req, { session }) => clearIdentity(session),
  };
  return handlers;
}
