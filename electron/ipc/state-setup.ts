// What the setup half keeps in main-process memory for one window: never sent whole to the renderer.
import type { KeyObject, X509Certificate } from 'node:crypto';

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

export interface SetupState {
  /** From Welcome; decides which steps have work to do. */
  mode: SetupMode;
  /** From Welcome, validated. */
  endpoints?: { switchAddress: string; backgroundUrl: string };
  /** The CA certificates chosen in the CA step (roots and intermediates, deduplicated). */
  caCertificates: X509Certificate[];
  identity?: ChosenIdentity;
}

export function createSetupState(): SetupState {
  return { mode: 'new', caCertificates: [] };
}
