// Verify: every check of electron/core/verify with live progress, and the report for the ticket.
import { OnboardError } from '../../core/errors';
import type { HandlerContext } from '../router';
import type { Session } from '../session';
import type { ReportFile, VerificationResult } from '../contract-changes';

export async function runVerification(_req: { progressId?: string | undefined }, _ctx: HandlerContext<Session>): Promise<VerificationResult> {
  throw new OnboardError('not-available', 'Verification is not available in this build yet.', 'Update Onboard.');
}

export async function exportReport(_session: Session, _format: 'html' | 'json'): Promise<ReportFile> {
  throw new OnboardError('not-available', 'The report is not available in this build yet.', 'Update Onboard.');
}
