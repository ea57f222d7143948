// What the setup half keeps in main-process memory for one window: never sent whole to the renderer.
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { MacFacts } from '../../core/macos/facts';
import type { PfxAnalysis } from '../../core/pki/pkcs12';
import type { Lab } from '../../core/lab/pki';

/** The client identity chosen in the client-certificate step (from a PFX, a CSR answer, or a lab CA). */
export interface ChosenIdentity {
  key: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
  source: 'pfx' | 'csr' | 'lab';
  /** Shown to the technician, e.g. the file name or "Lab CA: Acme Lab". */
  label: string;
}

/** What the technician came to do, chosen on Welcome. */
export type SetupMode = 'new' | 'upgrade' | 'replace-certificate' | 'uninstall';

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

/** A lab CA chosen for this Mac (a test bench without a real PKI); its password stays here to issue. */
export interface ChosenLabCa {
  lab: Lab;
  caPassword: string;
}

export interface SetupState {
  /** From Welcome; decides which steps have work to do. */
  mode: SetupMode;
  /** From Welcome, validated. */
  endpoints?: { switchAddress: string; backgroundUrl: string };
  /** The CA certificates chosen in the CA step (roots and intermediates, deduplicated). */
  caCertificates: X509Certificate[];
  identity?: ChosenIdentity;
  /** The Mac as last asked (Welcome); later checks use its host name and keychain. */
  facts?: MacFacts;
  /** The file each CA certificate came from, by SHA-256 fingerprint. */
  caFileNames: Map<string, string>;
  pfx?: OpenedPfx;
  csr?: PendingCsr;
  lab?: ChosenLabCa;
}

export function createSetupState(): SetupState {
  return { mode: 'new', caCertificates: [], caFileNames: new Map() };
}
