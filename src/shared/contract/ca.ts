// Contract methods of the CA certificates step: the technician's CA files, read and explained by main.
// The certificates stay in main; the renderer gets display data only.
import { z } from 'zod';
import { type } from './type';
import { upload } from './files';
import type { IpcError } from '../result';
import type { ReportFile } from './verify';

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

/** One certificate revocation list the technician added: checked against the CAs, used by the client check. */
export interface CrlCard {
  id: string;
  fileName: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string | null;
  /** How many certificates it lists as revoked. */
  entries: number;
  problems: SetupProblem[];
}

export interface CaView {
  certificates: CaCard[];
  /** The revocation lists added (main always sends it; optional so views made before CRLs still type-check). */
  crls?: CrlCard[];
  tree: CaTreeNode[];
  /** Problems of the whole set (e.g. no root at all). */
  problems: SetupProblem[];
}

export interface CaFileOutcome {
  fileName: string;
  added: number;
  duplicates: number;
  /** Revocation lists taken from the file, when it held any. */
  crlsAdded?: number;
  /** Certificates in the file that were not taken, with why (e.g. a device certificate). */
  skipped: string[];
  error?: IpcError;
}

export interface CaAddResult extends CaView {
  files: CaFileOutcome[];
}

/** The files "Export for MDM" offers: the CA profile, and the kit's install.sh, extension-attribute.sh and README.md. */
export const MDM_FILES = ['profile', 'install', 'attribute', 'readme'] as const;
export type MdmFile = (typeof MDM_FILES)[number];

const sha256 = z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/, 'a SHA-256 fingerprint');

export const caMethods = {
  addCaFiles: { request: z.object({ files: z.array(upload).min(1).max(20) }).strict(), result: type<CaAddResult>() },
  removeCaCertificate: { request: z.object({ sha256 }).strict(), result: type<CaView>() },
  getCaCertificates: { request: z.object({}).strict(), result: type<CaView>() },
  removeCaCrl: {
    request: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'a list id') }).strict(),
    result: type<CaView>(),
  },
  /** One file of the fleet kit (docs/cli-fleet.md) for these CAs: the profile, or a kit script or README (Switch known). */
  exportForMdm: {
    request: z.object({ file: z.enum(MDM_FILES) }).strict(),
    result: type<ReportFile>(),
  },
} as const;
