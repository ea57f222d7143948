// Contract methods of the client-certificate step: this Mac's identity from a .pfx, from a key made here, or from
// a lab CA, judged against every 1E requirement. Keys and passwords stay in main; the renderer gets display data only.
import { z } from 'zod';
import { type } from './type';
import { upload, type DownloadFile } from './files';
import type { Finding } from '../../core/pki/requirements';

export type { Finding, FindingStatus, FixCode } from '../../core/pki/requirements';
export type { DownloadFile } from './files';

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

const hostname = z.string().min(1).max(253);

export const clientMethods = {
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
