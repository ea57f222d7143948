// Every shape of the wizard's one store, in one place. Each step's slice (steps/<step>/slice.ts) implements its part
// and reads the others only through these types, so the slices, the store and the selectors import one way.
// Only display data lives in the store: passwords are arguments of the actions that send them, never state, and
// certificates, keys, the opened .pfx and the plans themselves stay in main.
import type { StateCreator } from 'zustand';
import type { MdmFile } from '../../src/shared/contract/ca';
import type {
  AppInfo,
  ApplyOutcome,
  CaFileOutcome,
  CaView,
  ChangeSummary,
  CsrView,
  EndpointsCheck,
  IdentityView,
  InstallPlan,
  InstallerCandidate,
  IpcError,
  IpcResult,
  LabCaView,
  MacFactsView,
  PlatformName,
  PreparedChanges,
  ProgressEvent,
  ReportFile,
  SetupModeName,
  TrustPlan,
  VerificationResult,
} from '../../src/shared/contract';

export type { IpcError, IpcResult } from '../../src/shared/contract';

export type StepId = 'welcome' | 'ca' | 'client' | 'install' | 'uninstall' | 'identity' | 'verify' | 'summary';

// The one state idiom: every request the store makes is a Loadable, and an apply or a verification (which reports
// progress as it goes) is a Run.

/** A request: not made yet, in flight (saying what it does, for the busy line), answered, or refused. */
export type Loadable<T> =
  | { state: 'idle' }
  | { state: 'loading'; label?: string }
  | { state: 'ready'; value: T }
  | { state: 'error'; error: IpcError };

/** A request whose answer is kept elsewhere in the slice: only what it is doing now, or why it failed. */
export type Pending = Loadable<never>;

/** Live progress of one action or check, as the last event said. */
export interface ProgressItem {
  status: ProgressEvent['status'];
  label?: string;
  detail?: string;
}

/** One apply (or verification) in flight or finished, with each action's or check's progress. */
export type Run<T> =
  | { state: 'idle' }
  | { state: 'running'; requestId: string; progress: Record<string, ProgressItem> }
  | { state: 'done'; value: T; progress: Record<string, ProgressItem> }
  | { state: 'error'; error: IpcError; progress: Record<string, ProgressItem> };

/** "Can I go on?": a pure function of the store, never state of its own. */
export type Proceed = { ok: true } | { ok: false; reason: string };

/**
 * Where focus goes after a background action: the id of the result to focus (a FocusResult on screen), what the live
 * region says about it, and a counter so the same result taking focus twice counts twice.
 */
export interface FocusRequest {
  target: string;
  announcement: string;
  seq: number;
}

/** How far a step's own work is, for the sidebar: done means its work is done, not merely passed. */
export type StepProgress = 'done' | 'problem' | 'not-done';

export interface NavSlice {
  step: StepId;
  app: Loadable<AppInfo>;
  /** Steps the technician has been on in this job: one passed without its work then says so. */
  visited: StepId[];
  /** The result that takes focus once it shows; null when nothing is waiting for focus. */
  focus: FocusRequest | null;
  /** What the page's live region says last (also after the result took focus). */
  announcement: { text: string; seq: number };
  /** The technician pressed Done on the Summary: the job is over. */
  finished: boolean;
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  setApp(app: Loadable<AppInfo>): void;
  /** A background action finished: focus its result (by id) and say what happened. */
  resultReady(target: string, announcement: string): void;
  /** The result took focus: nothing more is waiting for it. */
  focusTaken(seq: number): void;
  finish(): void;
  /** Onboard another Mac: main forgets this job, the store starts afresh and the Mac is read again. */
  startOver(): Promise<void>;
}

// Welcome

export type EndpointField = 'switchAddress' | 'backgroundUrl';

export interface WelcomeState {
  facts: Loadable<MacFactsView>;
  switchAddress: string;
  backgroundUrl: string;
  /** A field is judged aloud once the technician has left it (or it was filled in for them). */
  touched: Record<EndpointField, boolean>;
  /** Main's verdict and the text it was given (stale when the text has changed since), or why main could not judge. */
  check: Loadable<{ for: { switchAddress: string; backgroundUrl: string }; result: EndpointsCheck }>;
  /** Where the endpoints were filled in from, when they came from the installed configuration. */
  prefilledFrom: string | null;
  /** The Mac is being read again while the last reading stays on screen. */
  rereading: boolean;
}

export interface WelcomeSlice {
  /** What the technician came to do; every step reads it. */
  mode: SetupModeName;
  /** Which 1E platform the Mac connects to; the client certificate is judged by its requirements. */
  platform: PlatformName;
  welcome: WelcomeState;
  /** Reads the Mac (again when `refresh`): after every change Onboard makes, and whenever Welcome shows. */
  loadFacts(refresh?: boolean): Promise<void>;
  /**
   * Puts boot.js's reading of the Mac on screen when its answer is already in (called once, before the first render),
   * so Welcome's first paint shows the facts; that reading then counts as the first showing's.
   */
  adoptEarlyFacts(): void;
  /** Welcome's reading for one showing: the session's first (unless adopted from boot.js), or a fresh one. */
  readFactsForShowing(): Promise<void>;
  setMode(mode: SetupModeName): Promise<void>;
  setPlatform(platform: PlatformName): Promise<void>;
  editEndpoint(field: EndpointField, value: string): Promise<void>;
  touchEndpoint(field: EndpointField): void;
}

// CA certificates

export interface CaState {
  view: CaView;
  /** Adding files (saying which file is read), what the files added gave, or the last request's error. */
  request: Loadable<CaFileOutcome[]>;
}

export interface CaSlice {
  ca: CaState;
  addCaFiles(files: File[]): Promise<void>;
  removeCaCertificate(sha256: string): Promise<void>;
  removeCaCrl(id: string): Promise<void>;
  refreshCa(): Promise<void>;
  /** One "Export for MDM" file (the CA profile or a fleet-kit file), to save. */
  fetchMdmFile(file: MdmFile): Promise<IpcResult<ReportFile>>;
}

// Client certificate

export type ClientPath = 'pfx' | 'csr' | 'lab';

export interface ClientState {
  path: ClientPath;
  identity: IdentityView | null;
  /** The request in flight (its answer goes to identity, csr or lab), or the last one's error. */
  request: Pending;
  csr: CsrView | null;
  /** Prefilled with the host name 1E expects; editable before the request is made. */
  csrHostname: string;
  lab: LabCaView | null;
  labName: string;
  labCrlBaseUrl: string;
}

export interface ClientSlice {
  client: ClientState;
  setClientPath(path: ClientPath): void;
  /** Sends the password once; returns whether the file opened. */
  openPfx(file: File, password: string): Promise<boolean>;
  /** Re-wraps the opened .pfx for macOS; a new password (for a file whose own is empty) is sent once, never kept. */
  rewrapPfx(newPassword?: string): Promise<boolean>;
  savePfx(): Promise<void>;
  setCsrHostname(hostname: string): void;
  createCsr(): Promise<void>;
  saveCsr(): void;
  loadIssuedCertificate(file: File): Promise<void>;
  setLabField(field: 'labName' | 'labCrlBaseUrl', value: string): void;
  createLabCa(caPassword: string, opts?: { intermediate?: boolean; directory?: string }): Promise<boolean>;
  openLabCa(directory: string, caPassword: string): Promise<boolean>;
  issueLabCertificate(): Promise<void>;
  refreshIdentity(): Promise<void>;
  clearIdentity(): Promise<void>;
}

// Install (and the uninstall, which the Install step shows when the technician came to remove the client)

export interface InstallChoices {
  installerPath: string;
  /** Empty: keep what the Mac has (or the client's default). */
  loggingLevel: string;
}

export interface InstallSlice {
  install: {
    choices: InstallChoices;
    candidates: Loadable<InstallerCandidate[]>;
    plan: Loadable<InstallPlan>;
    /** The plan shown was made again because an address changed on Welcome after it was made (or applied). */
    replanned: boolean;
    run: Run<ApplyOutcome>;
  };
  uninstall: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> };
  setInstallChoices(patch: Partial<InstallChoices>): void;
  findInstallers(): Promise<void>;
  /**
   * Makes the plan; `addresses-changed` when it is made again because Welcome's addresses moved since (the
   * technician did not ask, so focus stays where it is).
   */
  prepareInstall(because?: 'addresses-changed'): Promise<void>;
  applyInstall(): Promise<void>;
  prepareUninstall(): Promise<void>;
  applyUninstall(): Promise<void>;
}

// Trust & identity

export interface TrustSlice {
  /** removeOld: the technician's choice about older identities for this Mac's name; null until chosen (main decides by mode). */
  trust: { allowAnyApp: boolean; removeOld: boolean | null; plan: Loadable<TrustPlan>; run: Run<ApplyOutcome> };
  setAllowAnyApp(on: boolean): void;
  setRemoveOldIdentities(on: boolean): void;
  /** Makes the plan; `asked` when the technician pressed for it (its result then takes focus). */
  prepareTrust(asked?: boolean): Promise<void>;
  applyTrust(): Promise<void>;
}

// Verify

export interface VerifySlice {
  verify: { run: Run<VerificationResult>; debug: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> } };
  runVerification(): Promise<void>;
  cancelVerification(): Promise<void>;
  prepareDebugLogging(): Promise<void>;
  applyDebugLogging(): Promise<void>;
}

// Summary

export interface SummarySlice {
  summary: {
    changes: Loadable<ChangeSummary>;
    selected: string[];
    undo: { plan: Loadable<PreparedChanges>; run: Run<ApplyOutcome> };
    /** The report for the ticket: being made (which format), the name it was saved under, or why it could not be. */
    report: Loadable<string>;
  };
  /** Asks main for the report and hands it to the technician as a file. */
  saveReport(format: 'html' | 'json'): Promise<void>;
  loadSummary(): Promise<void>;
  toggleUndoSelection(changeId: string): void;
  prepareUndo(): Promise<void>;
  applyUndo(): Promise<void>;
}

export type WizardState = NavSlice &
  WelcomeSlice &
  CaSlice &
  ClientSlice &
  InstallSlice &
  TrustSlice &
  VerifySlice &
  SummarySlice;

/** How each slice file declares its creator: it gets the whole store's set and get. */
export type SliceCreator<T> = StateCreator<WizardState, [], [], T>;
