// Handlers of the changes half: trust & identity, install, verify, summary (the work is in ./changes/*).
import type { Handlers } from './router';
import type { Session } from './session';
import type { changeMethods } from '../../shared/contract-changes';
import { planTrustIdentity } from './changes/trust';
import { findInstallers, planDebugLogging, planInstall, planUninstall } from './changes/install';
import { applyChanges, planUndo } from './changes/apply';
import { changeSummary } from './changes/summary';
import { exportReport, runVerification } from './changes/verify';

export function createChangeHandlers(): Pick<Handlers<Session>, keyof typeof changeMethods> {
  return {
    planTrustIdentity: (req, { session }) => planTrustIdentity(session, req.allowAnyApp, req.removeOldIdentities),
    findInstallers: async () => ({ candidates: await findInstallers() }),
    planInstall: (req, { session }) => planInstall(session, req),
    planDebugLogging: (_req, { session }) => planDebugLogging(session),
    planUninstall: (_req, { session }) => planUninstall(session),
    planUndo: (req, { session }) => planUndo(session, req.changeIds),
    applyChanges: (req, ctx) => applyChanges(req, ctx),
    runVerification: (req, ctx) => runVerification(req, ctx),
    getChangeSummary: (_req, { session }) => changeSummary(session),
    exportReport: (req, { session }) => exportReport(session, req.format),
  };
}
