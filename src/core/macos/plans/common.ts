// Small pieces shared by the plan builders: fingerprints and the empty plan.
import type { X509Certificate } from 'node:crypto';
import { commonName as subjectCommonName, nameOnOneLine } from '../../pki/names';
import type { Plan, StepName } from '../action';

/** Upper-case hex without colons, as `security` prints hashes. */
export function sha256Hex(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toUpperCase();
}

export function sha1Hex(cert: X509Certificate): string {
  return cert.fingerprint.replace(/:/g, '').toUpperCase();
}

export function emptyPlan(step: StepName, title: string): Plan {
  return { step, title, actions: [], warnings: [], cleanup: [], files: [] };
}

/** The common name of a certificate's subject (or the whole subject on one line), for titles. */
export function commonName(cert: X509Certificate): string {
  return subjectCommonName(cert) ?? nameOnOneLine(cert.subject);
}
