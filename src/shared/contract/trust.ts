// Contract methods of Trust & identity: the CA import and the identity import, planned from the earlier steps' choices.
import { z } from 'zod';
import { type } from './type';
import type { PreparedChanges } from './plans';

export interface TrustPlan extends PreparedChanges {
  purpose: 'trust';
  /** sha256 as the client-certificate step shows it (colon hex), so the screen can tell when the identity changed since planning. */
  identity: { label: string; subject: string; source: 'pfx' | 'csr' | 'lab'; sha256: string };
  caCertificates: { subject: string; role: 'root' | 'intermediate' | 'leaf' }[];
  /** Echo of the request: the key is open to every app (-A) instead of the 1E Client only (-T). */
  allowAnyApp: boolean;
  /**
   * Identities already in the System keychain for the same host name (the 1E Client may keep
   * picking one of them), with what a technician needs to recognise each.
   */
  oldIdentities: OldIdentity[];
  /** Whether the plan deletes them (after the import; cannot be undone). */
  removeOldIdentities: boolean;
}

export interface OldIdentity {
  sha1: string;
  name: string;
  subject: string | null;
  /** ISO 8601. */
  expires: string | null;
  /** Why macOS no longer counts it as valid (e.g. CSSMERR_TP_CERT_EXPIRED); null when it is valid. */
  problem: string | null;
}

export const trustMethods = {
  /** Builds the CA import and identity import plans from the choices of the CA and client-certificate steps. */
  planTrustIdentity: {
    request: z
      .object({
        allowAnyApp: z.boolean().default(false),
        /** Delete older identities for this Mac's name after the import; absent: yes in replace-certificate mode, no otherwise. */
        removeOldIdentities: z.boolean().optional(),
      })
      .strict(),
    result: type<TrustPlan>(),
  },
} as const;
