// Handlers of the changes half: trust & identity, install, verify, summary (the work is in ./changes/*).
import type { Handlers } from './router';
import type { Session } from './session';
import type { installMethods } from '../../shared/contract/install';
import type { trustMethods } from '../../shared/contract/trust';
import type { verifyMethods } from '../../shared/contract/verify';
import type { summaryMethods } from '../../shared/contract/summary';
import type { planMethods } from '../../shared/contract/plans';
import { planTrustIdentity } from './changes/trust';
import { findInstallers, planDebugLogging, planInstall, planUninstall } from './changes/install';
import { applyChanges, planUndo } from './changes/apply';
import { changeSummary } from './changes/summary';
import { exportReport, runVerification } from './changes/verify';

export function createChangeHandlers(): Pick<
  Handlers<Session>,
  keyof (typeof installMethods &
    typeof trustMethods &
    typeof verifyMethods &
    typeof summaryMethods &
    typeof planMethods)
> {
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
