// The verdict vocabulary of verification: one finding per check, with a fix a technician can act on.

import type { Finding, FindingStatus } from '../pki/requirements';

export type { FindingStatus };

/**
 * One checked fact: the certificate requirements checker's Finding shape, so the wizard and
 * the report show both with one component. `id` is stable and documented in
 * docs/cli-verify.md; `fix` is empty when there is nothing to do.
 */
export type VerifyFinding = Finding;

export function finding(id: string, status: FindingStatus, title: string, detail: string, fix = ''): VerifyFinding {
  return { id, status, title, detail, fix };
}

/** True when nothing failed: warnings and information do not stop a technician. */
export function allPassed(findings: readonly VerifyFinding[]): boolean {
  return findings.every((f) => f.status !== 'fail');
}

export function countByStatus(findings: readonly VerifyFinding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { pass: 0, warn: 0, fail: 0, info: 0 };
  for (const f of findings) counts[f.status] += 1;
  return counts;
}

/** Upper-case label printed beside every check, so status never depends on colour alone. */
export const STATUS_LABEL: Record<FindingStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', info: 'INFO' };
