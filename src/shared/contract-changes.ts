// Contract methods of the changes half: trust & identity, install, verify, summary (and uninstall).
// Every system change is prepared first (a plan the technician reads, secrets masked) and
// applied second by its planId, so what runs is exactly what was shown.
import { z } from 'zod';
import { type } from './contract-type';
import type { PlanView } from '../core/macos/action';
import type { VerifyFinding } from '../core/verify/findings';

export type { PlanView, ActionView, CommandView } from '../core/macos/action';
export type { VerifyFinding } from '../core/verify/findings';

/** What a prepared set of plans is for; the summary groups changes by it. */
export type ChangePurpose = 'trust' | 'install' | 'debug-logging' | 'uninstall' | 'undo';

/** Plans made in main and kept there until applied (or replaced by a newer preparation). */
export interface PreparedChanges {
  planId: string;
  purpose: ChangePurpose;
  /** One plan per step of the change (e.g. CA import, then identity import), masked for display. */
  plans: PlanView[];
  /** Actions that will run; the rest are skipped with their reason. */
  pendingCount: number;
  /** True when at least one pending action needs an administrator (one prompt per plan). */
  needsAdmin: boolean;
  /** How many administrator prompts applying will show (one per plan with pending root actions). */
  adminPrompts: number;
}

export interface TrustPlan extends PreparedChanges {
  purpose: 'trust';
  /** sha256 as the setup half shows it (colon hex), so the screen can tell when the identity changed since planning. */
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

/** One line of the 1E.Client.conf comparison: what is there now against what will be written. */
export interface ConfDiffLine {
  key: string;
  before?: string;
  after?: string;
  change: 'same' | 'changed' | 'added';
}

export interface InstallPlan extends PreparedChanges {
  purpose: 'install';
  mac: {
    arch: 'arm64' | 'x86_64' | null;
    /** Apple Silicon without working Rosetta 2: the Intel 1E Client cannot run until it is installed. */
    rosettaNeeded: boolean;
    /** Version of the 1E Client installed now, if any. */
    installedVersion: string | null;
  };
  installer: { path: string; kind: InstallerKind };
  /** A client is already installed: existing settings are kept unless changed here. */
  upgrade: boolean;
  confPath: string;
  /**
   * What the settings are merged into, on the Mac, when the step runs: the file as it is now
   * (`now`); the file as it is now, kept aside just before the package resets it on an upgrade
   * (`kept-through-upgrade`); or the file the package writes with its defaults on a new
   * installation (`package-defaults`: its settings are not known before it is installed, so
   * only the settings set here are listed, and everything else in it is kept).
   */
  confBase: 'now' | 'kept-through-upgrade' | 'package-defaults';
  /** Every setting of the resulting file, compared with the current one. */
  configuration: ConfDiffLine[];
}

export type InstallerKind = 'dmg' | 'zip' | 'pkg';

export interface InstallerCandidate {
  path: string;
  name: string;
  kind: InstallerKind;
}

/** What happened to one action when a plan ran. */
export interface ActionOutcome {
  id: string;
  title: string;
  status: 'done' | 'skipped' | 'failed' | 'undone' | 'not-run';
  detail?: string;
}

export interface ApplyOutcome {
  planId: string;
  purpose: ChangePurpose;
  ok: boolean;
  actions: ActionOutcome[];
  /** When something failed: the actions put back as they were, in the order they were undone. */
  rolledBack: ActionOutcome[];
  /** Why it stopped, in plain words, with what to do. */
  failure?: { message: string; hint: string };
  /**
   * When it failed after an action that cannot be undone had run: the changes kept (that action
   * and those before it), since the Mac could no longer be put back as it was.
   */
  kept?: ActionOutcome[];
}

export interface VerificationResult {
  ok: boolean;
  findings: VerifyFinding[];
  counts: { pass: number; warn: number; fail: number; info: number };
  startedAt: string;
  finishedAt: string;
}

/** One change this run made (or tried), as the summary lists it. */
export interface ChangeRecordView {
  id: string;
  purpose: ChangePurpose;
  title: string;
  status: 'done' | 'failed' | 'undone';
  at: string;
  /** An undo command exists and has not run yet. */
  undoable: boolean;
}

export interface ChangeSummary {
  records: ChangeRecordView[];
  verification: { ok: boolean; at: string } | null;
}

export interface ReportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

const planId = z.string().regex(/^[a-z-]+-[0-9a-f]{16}$/, 'not a plan id');
/**
 * The id progress events of this request carry: the renderer passes the requestId it sent,
 * because handlers do not see the transport's requestId.
 */
const settingName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,63}$/, 'not a 1E.Client.conf setting name');
const settingValue = z
  .string()
  .max(1000)
  .refine((v) => !/[\r\n\0]/.test(v), 'a setting is one line');

export const changeMethods = {
  /** Builds the CA import and identity import plans from the setup half's choices. */
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
  /** Installer files the Mac already has (Downloads, mounted volumes), for the Install step to offer. */
  findInstallers: { request: z.object({}).strict(), result: type<{ candidates: InstallerCandidate[] }>() },
  planInstall: {
    request: z
      .object({
        installerPath: z.string().min(1).max(1024),
        loggingLevel: z.string().max(20).optional(),
        extraSettings: z
          .array(z.object({ key: settingName, value: settingValue }).strict())
          .max(50)
          .default([]),
      })
      .strict(),
    result: type<InstallPlan>(),
  },
  /** LoggingLevel=debug and a restart of the 1E Client, for the Verify step. */
  planDebugLogging: { request: z.object({}).strict(), result: type<PreparedChanges>() },
  planUninstall: { request: z.object({}).strict(), result: type<PreparedChanges>() },
  /** Reverses the given changes of this run (newest first). */
  planUndo: {
    request: z.object({ changeIds: z.array(z.string().min(1).max(200)).min(1).max(200) }).strict(),
    result: type<PreparedChanges>(),
  },
  /** Runs a prepared set of plans; progress events carry each action's id. */
  applyChanges: { request: z.object({ planId }).strict(), result: type<ApplyOutcome>() },
  /** Every check of the Verify step; progress events carry each check's id; cancellable. */
  runVerification: { request: z.object({}).strict(), result: type<VerificationResult>() },
  getChangeSummary: { request: z.object({}).strict(), result: type<ChangeSummary>() },
  exportReport: { request: z.object({ format: z.enum(['html', 'json']) }).strict(), result: type<ReportFile>() },
} as const;
