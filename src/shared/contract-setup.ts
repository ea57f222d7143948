// Contract methods of the setup half: Welcome, CA certificates, client certificate.
// Certificates, keys and passwords stay in main (state-setup.ts); the renderer gets display data only.
import { z } from 'zod';
import { type } from './contract-type';
import type { Finding } from '../core/pki/requirements';

export type { Finding, FindingStatus } from '../core/pki/requirements';

export const SETUP_MODES = ['new', 'upgrade', 'replace-certificate', 'uninstall'] as const;
export type SetupModeName = (typeof SETUP_MODES)[number];

/** The Mac as Welcome shows it: every field null when macOS did not say. */
export interface MacFactsView {
  /** e.g. "macOS 14.4.1 (23E224)". */
  macos: string | null;
  arch: 'arm64' | 'x86_64' | null;
  /** Apple Silicon needs Rosetta 2 for the Intel 1E Client; Intel Macs never do. */
  rosetta: 'not-needed' | 'installed' | 'missing' | null;
  localHostName: string | null;
  computerName: string | null;
  hostName: string | null;
  /** What the `hostname` command prints. */
  hostname: string | null;
  /** The name 1E expects in the client certificate (LocalHostName.local, or the FQDN when domain-joined). */
  expectedHostName: string | null;
  domain: { domain: string; forest: string | null; computerAccount: string | null } | null;
  admin: boolean | null;
  client: { version: string; installedAt: string | null } | null;
  service: { running: boolean; state: string; pid: number | null } | null;
  /** The installed 1E.Client.conf, if any: the two endpoints and every setting as written. */
  conf: {
    path: string;
    switchAddress: string | null;
    backgroundUrl: string | null;
    settings: { key: string; value: string }[];
  } | null;
  /** Certificates and client identities in the System keychain. */
  keychain: { certificates: number; identities: number };
}

/** One field typed on Welcome, as main's validator judged it. */
export type FieldCheck = { ok: true; value: string } | { ok: false; message: string; hint: string };

export interface EndpointsCheck {
  /** null while the field is empty. */
  switchAddress: FieldCheck | null;
  backgroundUrl: FieldCheck | null;
  /** Both are valid and now kept for the plans and the verification. */
  saved: boolean;
}

export interface SetupProblem {
  severity: 'fail' | 'warn' | 'info';
  message: string;
  fix: string;
}

/** One CA certificate the technician added, as a card. */
export interface CaCard {
  sha256: string;
  fileName: string;
  role: 'root' | 'intermediate' | 'leaf';
  subject: string;
  commonName: string | null;
  issuer: string;
  notBefore: string;
  notAfter: string;
  key: string;
  signatureAlgorithm: string;
  /** Already in this Mac's System keychain (same SHA-256); null when the keychain could not be read. */
  installed: boolean | null;
  problems: SetupProblem[];
}

/** The CA certificates arranged by who issued whom: roots at the top. */
export interface CaTreeNode {
  sha256: string;
  label: string;
  /** The node is not one of the added files but a certificate already in the System keychain. */
  fromKeychain: boolean;
  children: CaTreeNode[];
}

export interface CaView {
  certificates: CaCard[];
  tree: CaTreeNode[];
  /** Problems of the whole set (e.g. no root at all). */
  problems: SetupProblem[];
}

export interface CaFileOutcome {
  fileName: string;
  added: number;
  duplicates: number;
  /** Certificates in the file that were not taken, with why (e.g. a device certificate). */
  skipped: string[];
  error?: { code: string; message: string; hint: string };
}

export interface CaAddResult extends CaView {
  files: CaFileOutcome[];
}

export interface HostnameComparison {
  /** The host name of this Mac that 1E expects (null when unknown). */
  expected: string | null;
  status: 'exact' | 'case-only' | 'none' | 'unknown';
  /** The certificate's spelling of the name that matched, exactly or but for capitals. */
  certificateName: string | null;
  names: { name: string; source: 'CN' | 'SAN DNS' }[];
}

export interface PfxStatus {
  fileName: string;
  macOsCompatible: boolean;
  /** Plain sentences: why macOS would refuse the file. */
  problems: string[];
  /** How the file is protected, e.g. "key AES-256-CBC, MAC SHA256". */
  protection: string;
  /** The file was re-wrapped in this session to the profile every macOS imports. */
  rewrapped: boolean;
  /** The file's password is empty, which macOS refuses: a re-wrap must be given a new password. */
  needsNewPassword: boolean;
  /** A re-wrap put the file under the new password the technician chose. */
  passwordChanged: boolean;
}

/** The identity chosen for this Mac, judged against every 1E requirement. */
export interface IdentityView {
  source: 'pfx' | 'csr' | 'lab';
  label: string;
  certificate: {
    subject: string;
    issuer: string;
    commonName: string | null;
    dnsNames: string[];
    notAfter: string;
    sha256: string;
    key: string;
  };
  hostname: HostnameComparison;
  findings: Finding[];
  counts: { pass: number; warn: number; fail: number; info: number };
  /** No finding fails. */
  ok: boolean;
  pfx: PfxStatus | null;
}

/** A key made on this Mac and its certificate request, waiting for the CA's answer. */
export interface CsrView {
  hostname: string;
  subject: string;
  key: string;
  fileName: string;
  pem: string;
  createdAt: string;
}

export interface LabCaView {
  name: string;
  directory: string;
  /** The CA that signs device certificates (the intermediate when the lab has one). */
  issuer: string;
  crlUrl: string;
  notAfter: string;
  issuedCount: number;
}

/** A file handed to the renderer for saving (a download in the preview). */
export interface DownloadFile {
  fileName: string;
  mimeType: string;
  base64: string;
}

// A certificate file is never above 10 MB (the core's limit); base64 makes it 4/3 larger.
const MAX_BASE64 = 14_000_000;
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[\0/\\]/.test(n), 'a file name, not a path');
const upload = z
  .object({
    fileName,
    base64: z
      .string()
      .max(MAX_BASE64)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  })
  .strict();
const sha256 = z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, 'a SHA-256 fingerprint');
const hostname = z.string().min(1).max(253);

export const setupMethods = {
  /** Asks the Mac (read-only commands) and keeps the answer for the later checks. */
  getMacFacts: { request: z.object({ refresh: z.boolean().default(false) }).strict(), result: type<MacFactsView>() },
  setMode: { request: z.object({ mode: z.enum(SETUP_MODES) }).strict(), result: type<{ mode: SetupModeName }>() },
  /** Validates both endpoints as typed; keeps them only when both are valid. */
  setEndpoints: {
    request: z.object({ switchAddress: z.string().max(300), backgroundUrl: z.string().max(2000) }).strict(),
    result: type<EndpointsCheck>(),
  },

  addCaFiles: { request: z.object({ files: z.array(upload).min(1).max(20) }).strict(), result: type<CaAddResult>() },
  removeCaCertificate: { request: z.object({ sha256 }).strict(), result: type<CaView>() },
  getCaCertificates: { request: z.object({}).strict(), result: type<CaView>() },

  /** Opens a .pfx with its password; the password stays in main for a later re-wrap. */
  openPfx: { request: upload.extend({ password: z.string().max(1024) }).strict(), result: type<IdentityView>() },
  /**
   * Re-wraps the opened .pfx to the profile every macOS imports (3DES, SHA-1 MAC): under the same password, or
   * under `newPassword` (required when the file's password is empty, which macOS refuses). Sent once, kept in main.
   */
  rewrapPfx: {
    request: z
      .object({ newPassword: z.string().min(1, 'a new password must not be empty').max(1024).optional() })
      .strict(),
    result: type<IdentityView>(),
  },
  /** The opened (or re-wrapped) .pfx, for saving. */
  exportPfx: { request: z.object({}).strict(), result: type<DownloadFile>() },

  /** Makes an RSA key on this Mac (kept in main) and a request for the CA. */
  createCsr: { request: z.object({ hostname }).strict(), result: type<CsrView>() },
  getCsr: { request: z.object({}).strict(), result: type<CsrView | null>() },
  /** The CA's answer to the request: builds the identity with the kept key. */
  loadIssuedCertificate: { request: upload, result: type<IdentityView>() },

  /** Creates a lab CA (in a new temporary folder unless one is given); its CA certificates join the CA list. */
  createLabCa: {
    request: z
      .object({
        name: z.string().min(1).max(64),
        crlBaseUrl: z.string().min(1).max(500),
        caPassword: z.string().min(1).max(1024),
        intermediate: z.boolean().default(false),
        directory: z.string().max(1024).optional(),
      })
      .strict(),
    result: type<LabCaView>(),
  },
  /** Uses a lab CA made before (by Onboard or `onboard lab init`); the password is checked at once. */
  openLabCa: {
    request: z.object({ directory: z.string().min(1).max(1024), caPassword: z.string().min(1).max(1024) }).strict(),
    result: type<LabCaView>(),
  },
  /** Issues a client certificate for this Mac from the lab CA and makes it the identity. */
  issueLabCertificate: { request: z.object({ hostname }).strict(), result: type<IdentityView>() },

  /** The identity checked again (CA certificates or facts may have changed since). */
  getIdentity: { request: z.object({}).strict(), result: type<IdentityView | null>() },
  clearIdentity: { request: z.object({}).strict(), result: type<{ cleared: boolean }>() },
} as const;
