// Contract methods of Verify: every check, debug logging when a check fails for reasons unseen, and the report.
import { z } from 'zod';
import { type } from './type';
import type { PreparedChanges } from './plans';
import type { VerifyFinding } from '../../core/verify/findings';

export type { VerifyFinding } from '../../core/verify/findings';

export interface VerificationResult {
  ok: boolean;
  findings: VerifyFinding[];
  counts: { pass: number; warn: number; fail: number; info: number };
  startedAt: string;
  finishedAt: string;
}

export interface ReportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export const verifyMethods = {
  /** Every check of the Verify step; progress events carry each check's id; cancellable. */
  runVerification: { request: z.object({}).strict(), result: type<VerificationResult>() },
  /** LoggingLevel=debug and a restart of the 1E Client, for the Verify step. */
  planDebugLogging: { request: z.object({}).strict(), result: type<PreparedChanges>() },
  /** The report for the ticket (offered on Verify and on the summary). */
  exportReport: { request: z.object({ format: z.enum(['html', 'json']) }).strict(), result: type<ReportFile>() },
} as const;
