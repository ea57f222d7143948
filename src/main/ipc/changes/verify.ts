// Verify: every check of src/core/verify with live progress per check, and the report for the ticket.
import { OnboardError } from '../../../core/errors';
import { countByStatus, type VerifyFinding } from '../../../core/verify/findings';
import { runVerification as verifyMac, type VerifyProgress } from '../../../core/verify/verify';
import { buildReport, renderReportHtml, renderReportJson, type ReportChange } from '../../../core/verify/report';
import type { HandlerContext } from '../router';
import type { Session } from '../session';
import type { ReportFile, VerificationResult } from '../../../shared/contract';
import type { ProgressUpdate } from '../../../shared/contract';

/** What each stage of the verification is, in a technician's words. */
export const CHECK_LABELS: Record<string, string> = {
  'ca-certificates': 'The CA certificates the servers are trusted with',
  'client-identity': "This Mac's identity (certificate and private key)",
  switch: "The Switch: TLS with this Mac's certificate, and its verdict",
  'background-channel': 'The Background Channel over HTTPS',
  crl: 'Revocation lists (CRLs) of the certificate chain',
  mac: 'This Mac: 1E Client service, configuration, keychain and logs',
};

/**
 * Turns the verifier's progress (a stage starts; findings arrive) into one progress line per
 * stage: running while it runs, then done or failed with its counts.
 */
export function stageProgress(emit: (e: ProgressUpdate) => void): {
  onProgress(e: VerifyProgress): void;
  finish(): void;
} {
  let stage: { id: string; findings: VerifyFinding[] } | null = null;
  const close = () => {
    if (!stage) return;
    const c = countByStatus(stage.findings);
    const parts = [
      c.pass && `${c.pass} passed`,
      c.fail && `${c.fail} failed`,
      c.warn && `${c.warn} to look at`,
      c.info && `${c.info} noted`,
    ].filter(Boolean);
    emit({
      id: stage.id,
      status: c.fail ? 'failed' : 'done',
      label: CHECK_LABELS[stage.id] ?? stage.id,
      detail: parts.join(', '),
    });
    stage = null;
  };
  return {
    onProgress(e) {
      if (e.status === 'running') {
        close();
        stage = { id: e.id, findings: [] };
        emit({ id: e.id, status: 'running', label: CHECK_LABELS[e.id] ?? e.id });
      } else if (e.finding && stage) {
        stage.findings.push(e.finding);
      }
    },
    finish: close,
  };
}

function identityOf(session: Session) {
  const identity = session.setup.identity;
  if (!identity) {
    throw new OnboardError(
      'no-identity',
      'No client certificate has been chosen for this Mac, so the Switch cannot be asked to accept it.',
      'Go back to "Client certificate" and choose the identity this Mac uses.',
    );
  }
  return { key: identity.key, certificate: identity.certificate, chain: identity.chain };
}

export async function runVerification(
  _req: Record<string, never>,
  ctx: HandlerContext<Session>,
): Promise<VerificationResult> {
  const { session } = ctx;
  const endpoints = session.setup.endpoints;
  if (!endpoints) {
    throw new OnboardError(
      'no-endpoints',
      'The Switch address and Background Channel URL are not set.',
      'Go back to Welcome and type both.',
    );
  }
  const identity = identityOf(session);
  const progress = stageProgress((e) => ctx.emit(e));
  const result = await verifyMac({
    switchAddress: endpoints.switchAddress,
    backgroundUrl: endpoints.backgroundUrl,
    identity,
    caCertificates: session.setup.caCertificates,
    executor: session.executor,
    expectedConf: { Switch: endpoints.switchAddress, BackgroundChannelUrl: endpoints.backgroundUrl },
    signal: ctx.signal,
    onProgress: (e) => progress.onProgress(e),
  });
  progress.finish();
  session.changes.verification = result;
  return {
    ok: result.ok,
    findings: result.findings,
    counts: countByStatus(result.findings),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
}

const PURPOSE_STEP: Record<string, string> = {
  trust: 'Trust & identity',
  install: 'Install',
  'debug-logging': 'Debug logging',
  uninstall: 'Uninstall',
  undo: 'Undo',
};

/** The report's file name: the Mac's name and the time, in characters every file system takes. */
function reportFileName(session: Session, ext: 'html' | 'json', at: Date): string {
  const host = (session.setup.facts?.localHostName ?? 'mac').replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 40) || 'mac';
  const stamp = at
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `onboard-report-${host}-${stamp}.${ext}`;
}

export function exportReport(session: Session, format: 'html' | 'json'): ReportFile {
  const result = session.changes.verification;
  if (!result) {
    throw new OnboardError(
      'no-verification',
      'The report is made from a verification, and none has run yet.',
      'Run the checks on the Verify step, then save the report.',
    );
  }
  const changes: ReportChange[] = session.changes.changes.map((c) => ({
    step: PURPOSE_STEP[c.purpose] ?? c.purpose,
    title: c.title,
    status: c.status,
  }));
  const at = new Date();
  const report = buildReport({
    result,
    ...(session.setup.identity ? { clientCertificate: session.setup.identity.certificate } : {}),
    changes,
    generatedAt: at,
    secrets: session.setup.pfx ? [session.setup.pfx.password] : [],
  });
  return format === 'html'
    ? { fileName: reportFileName(session, 'html', at), mimeType: 'text/html', content: renderReportHtml(report) }
    : {
        fileName: reportFileName(session, 'json', at),
        mimeType: 'application/json',
        content: renderReportJson(report),
      };
}
