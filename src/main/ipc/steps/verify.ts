// Verify in main: every check of src/core/verify with live progress per check, debug logging for a check that fails
// for reasons unseen, and the report for the ticket (made from the last verification and this run's changes).
import { gatherFacts, type MacFacts } from '../../../core/macos/facts';
import { PlanWorkspace } from '../../../core/macos/workspace';
import { OnboardError } from '../../../core/errors';
import { countByStatus, type VerifyFinding } from '../../../core/verify/findings';
import { planDebugLogging as debugLoggingPlans } from '../../../core/verify/mac-checks';
import { runVerification as verifyMac, type VerifyProgress, type VerifyResult } from '../../../core/verify/verify';
import { buildReport, renderReportHtml, renderReportJson, type ReportChange } from '../../../core/verify/report';
import type { HandlerContext, Handlers } from '../router';
import type { PreparedChanges, ProgressUpdate, ReportFile, VerificationResult } from '../../../shared/contract';
import type { verifyMethods } from '../../../shared/contract/verify';
import { keepPrepared, type PlansSession } from '../plans';
import { refuseInUninstallMode } from './welcome';
import type { ClientSession } from './client';

/** What this step keeps for one window. */
export interface VerifyState {
  /** The last verification in full (with the machine facts), for the summary and the report. */
  result: VerifyResult | null;
}

export function createVerifyState(): VerifyState {
  return { result: null };
}

/** The part of a session this step reads: the endpoints, the CAs and the identity to check, and this run's changes. */
export interface VerifySession extends ClientSession, PlansSession {
  verify: VerifyState;
  /** The Mac side is the simulated Mac: every report says SIMULATED. */
  simulated: boolean;
}

/** What each stage of the verification is, in a technician's words. */
export const CHECK_LABELS: Record<string, string> = {
  'ca-certificates': 'The CA certificates the servers are trusted with',
  'client-identity': "This Mac's identity (certificate and private key)",
  switch: "The Switch: TLS with this Mac's certificate, and its verdict",
  'background-channel': 'The Background Channel over HTTPS',
  crl: 'Revocation lists (CRLs) of the certificate chain',
  ocsp: 'OCSP responders named by the certificate chain',
  mac: 'This Mac: 1E Client service, configuration, keychain and logs',
};

/**
 * Turns the verifier's progress (checks start together; findings arrive in order; each check ends) into
 * one progress line per check: running while it runs, then done or failed with its counts.
 */
export function stageProgress(emit: (e: ProgressUpdate) => void): {
  /** Says every stage that will run, as waiting, so the screen counts against the known total. */
  start(): void;
  onProgress(e: VerifyProgress): void;
  finish(): void;
} {
  const open = new Map<string, VerifyFinding[]>();
  const close = (id: string) => {
    const found = open.get(id);
    if (!found) return;
    open.delete(id);
    const c = countByStatus(found);
    const parts = [
      c.pass && `${c.pass} passed`,
      c.fail && `${c.fail} failed`,
      c.warn && `${c.warn} to look at`,
      c.info && `${c.info} noted`,
    ].filter(Boolean);
    emit({
      id,
      status: c.fail ? 'failed' : 'done',
      label: CHECK_LABELS[id] ?? id,
      detail: parts.join(', '),
    });
  };
  return {
    start() {
      for (const [id, label] of Object.entries(CHECK_LABELS)) emit({ id, status: 'waiting', label });
    },
    onProgress(e) {
      if (e.status === 'running') {
        open.set(e.id, []);
        emit({ id: e.id, status: 'running', label: CHECK_LABELS[e.id] ?? e.id });
      } else if (e.status === 'done' && e.finding && e.check) {
        open.get(e.check)?.push(e.finding);
      } else if (e.status === 'checked') {
        close(e.id);
      }
    },
    finish: () => [...open.keys()].forEach(close),
  };
}

function identityOf(session: VerifySession) {
  const identity = session.client.identity;
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
  ctx: HandlerContext<VerifySession>,
): Promise<VerificationResult> {
  const { session } = ctx;
  const endpoints = session.welcome.endpoints;
  if (!endpoints) {
    throw new OnboardError(
      'no-endpoints',
      'The Switch address and Background Channel URL are not set.',
      'Go back to Welcome and type both.',
    );
  }
  const identity = identityOf(session);
  const progress = stageProgress((e) => ctx.emit(e));
  progress.start();
  const result = await verifyMac({
    switchAddress: endpoints.switchAddress,
    backgroundUrl: endpoints.backgroundUrl,
    identity,
    caCertificates: session.ca.certificates,
    executor: session.executor,
    expectedConf: { Switch: endpoints.switchAddress, BackgroundChannelUrl: endpoints.backgroundUrl },
    signal: ctx.signal,
    onProgress: (e) => progress.onProgress(e),
  });
  progress.finish();
  session.verify.result = result;
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
function reportFileName(session: VerifySession, ext: 'html' | 'json', at: Date): string {
  const host = (session.welcome.facts?.localHostName ?? 'mac').replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 40) || 'mac';
  const stamp = at
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  // A simulated report says so in its name too, so a file in a ticket's attachments cannot pass for proof.
  return `onboard-report-${host}-${stamp}${session.simulated ? '-SIMULATED' : ''}.${ext}`;
}

export function exportReport(session: VerifySession, format: 'html' | 'json'): ReportFile {
  const result = session.verify.result;
  if (!result) {
    throw new OnboardError(
      'no-verification',
      'The report is made from a verification, and none has run yet.',
      'Run the checks on the Verify step, then save the report.',
    );
  }
  const changes: ReportChange[] = session.plans.records.map((c) => ({
    step: PURPOSE_STEP[c.purpose] ?? c.purpose,
    title: c.title,
    status: c.status,
  }));
  const at = new Date();
  const report = buildReport({
    result,
    ...(session.client.identity ? { clientCertificate: session.client.identity.certificate } : {}),
    changes,
    generatedAt: at,
    secrets: session.client.pfx ? [session.client.pfx.password] : [],
    simulated: session.simulated,
  });
  return format === 'html'
    ? { fileName: reportFileName(session, 'html', at), mimeType: 'text/html', content: renderReportHtml(report) }
    : {
        fileName: reportFileName(session, 'json', at),
        mimeType: 'application/json',
        content: renderReportJson(report),
      };
}

function requireClient(facts: MacFacts): void {
  if (!facts.client)
    throw new OnboardError(
      'client-not-installed',
      'The 1E Client is not installed on this Mac.',
      'Install it on the Install step first.',
    );
}

/** LoggingLevel=debug and a restart, so the client's log says what it tried. */
export async function planDebugLogging(session: VerifySession): Promise<PreparedChanges> {
  refuseInUninstallMode(session, 'Debug logging');
  const facts = await gatherFacts(session.executor);
  requireClient(facts);
  const workspace = await PlanWorkspace.create();
  try {
    return await keepPrepared(session, 'debug-logging', await debugLoggingPlans(facts, workspace), workspace);
  } catch (e) {
    await workspace.dispose();
    throw e;
  }
}

export function verifyHandlers(): Pick<Handlers<VerifySession>, keyof typeof verifyMethods> {
  return {
    runVerification: (req, ctx) => runVerification(req, ctx),
    planDebugLogging: (_req, { session }) => planDebugLogging(session),
    exportReport: (req, { session }) => exportReport(session, req.format),
  };
}
