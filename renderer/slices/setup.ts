// The setup half's slice: Welcome, CA certificates, client certificate.
// Only display data lives here: passwords are arguments of the actions that send them, never state,
// and certificates, keys and the opened .pfx stay in main.
import type {
  CaFileOutcome,
  CaView,
  CsrView,
  EndpointsCheck,
  IdentityView,
  LabCaView,
  MacFactsView,
  SetupModeName,
} from '../../src/shared/contract';
import type { IpcError, IpcResult } from '../components/setup/ipc-types';
import type { Loadable, SliceCreator, StepId, WizardState } from '../store';
import type { Proceed } from '../selectors';
import { getApi } from '../api';
import { downloadBase64, readUpload, type Upload } from '../components/setup/files';

export type ClientPath = 'pfx' | 'csr' | 'lab';
export type EndpointField = 'switchAddress' | 'backgroundUrl';

export interface WelcomeState {
  facts: Loadable<MacFactsView>;
  switchAddress: string;
  backgroundUrl: string;
  /** A field is judged aloud once the technician has left it (or it was filled in for them). */
  touched: Record<EndpointField, boolean>;
  /** Main's verdict and the text it was given; stale when the text has changed since. */
  check: { for: { switchAddress: string; backgroundUrl: string }; result: EndpointsCheck } | null;
  checkError: IpcError | null;
  /** Where the endpoints were filled in from, when they came from the installed configuration. */
  prefilledFrom: string | null;
}

export interface CaState {
  view: CaView;
  /** What is being done right now (e.g. "Reading root.cer…"), null when idle. */
  busy: string | null;
  /** What the last files added gave, per file. */
  outcomes: CaFileOutcome[];
  error: IpcError | null;
}

export interface ClientState {
  path: ClientPath;
  identity: IdentityView | null;
  busy: string | null;
  error: IpcError | null;
  csr: CsrView | null;
  /** Prefilled with the host name 1E expects; editable before the request is made. */
  csrHostname: string;
  lab: LabCaView | null;
  labName: string;
  labCrlBaseUrl: string;
}

export interface SetupSlice {
  mode: SetupModeName;
  welcome: WelcomeState;
  ca: CaState;
  client: ClientState;

  loadFacts(refresh?: boolean): Promise<void>;
  setMode(mode: SetupModeName): Promise<void>;
  editEndpoint(field: EndpointField, value: string): Promise<void>;
  touchEndpoint(field: EndpointField): void;

  addCaFiles(files: File[]): Promise<void>;
  removeCaCertificate(sha256: string): Promise<void>;
  refreshCa(): Promise<void>;

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

const emptyCa: CaView = { certificates: [], tree: [], problems: [] };

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

function failed(error: IpcError): { ok: false; error: IpcError } {
  return { ok: false, error };
}

export const createSetupSlice: SliceCreator<SetupSlice> = (set, get) => {
  const patchWelcome = (p: Partial<WelcomeState>) => set((s) => ({ welcome: { ...s.welcome, ...p } }));
  const patchCa = (p: Partial<CaState>) => set((s) => ({ ca: { ...s.ca, ...p } }));
  const patchClient = (p: Partial<ClientState>) => set((s) => ({ client: { ...s.client, ...p } }));
  // Answers can overtake each other while the technician types: only the latest counts.
  let endpointSeq = 0;

  /** Fills empty endpoint fields from the installed 1E.Client.conf when the client stays (upgrade, new certificate). */
  const prefill = async () => {
    const { mode, welcome } = get();
    if ((mode !== 'upgrade' && mode !== 'replace-certificate') || welcome.facts.state !== 'ready') return;
    const conf = welcome.facts.value.conf;
    if (!conf) return;
    const sw = welcome.switchAddress.trim() === '' ? conf.switchAddress : null;
    const bg = welcome.backgroundUrl.trim() === '' ? conf.backgroundUrl : null;
    if (sw === null && bg === null) return;
    patchWelcome({
      ...(sw !== null ? { switchAddress: sw } : {}),
      ...(bg !== null ? { backgroundUrl: bg } : {}),
      touched: { switchAddress: true, backgroundUrl: true },
      prefilledFrom: conf.path,
    });
    await validateEndpoints();
  };

  const validateEndpoints = async () => {
    const seq = ++endpointSeq;
    const { switchAddress, backgroundUrl } = get().welcome;
    const r = await getApi().setEndpoints({ switchAddress, backgroundUrl });
    if (seq !== endpointSeq) return;
    if (r.ok) patchWelcome({ check: { for: { switchAddress, backgroundUrl }, result: r.value }, checkError: null });
    else patchWelcome({ check: null, checkError: r.error });
  };

  /** Runs one identity request with the busy text shown, keeping the outcome in the slice. */
  const identityCall = async (busy: string, run: () => Promise<IpcResult<IdentityView>>): Promise<boolean> => {
    patchClient({ busy, error: null });
    const r = await run();
    if (r.ok) patchClient({ busy: null, identity: r.value });
    else patchClient({ busy: null, error: r.error });
    return r.ok;
  };

  return {
    mode: 'new',
    welcome: {
      facts: { state: 'idle' },
      switchAddress: '',
      backgroundUrl: '',
      touched: { switchAddress: false, backgroundUrl: false },
      check: null,
      checkError: null,
      prefilledFrom: null,
    },
    ca: { view: emptyCa, busy: null, outcomes: [], error: null },
    client: {
      path: 'pfx',
      identity: null,
      busy: null,
      error: null,
      csr: null,
      csrHostname: '',
      lab: null,
      labName: 'Onboard Lab',
      labCrlBaseUrl: 'http://pki.lab.local/crl',
    },

    async loadFacts(refresh = false) {
      patchWelcome({ facts: { state: 'loading' } });
      const r = await getApi().getMacFacts({ refresh });
      patchWelcome({ facts: r.ok ? { state: 'ready', value: r.value } : { state: 'error', error: r.error } });
      if (r.ok && get().client.csrHostname === '' && r.value.expectedHostName)
        patchClient({ csrHostname: r.value.expectedHostName });
      await prefill();
    },

    async setMode(mode) {
      set({ mode });
      const r = await getApi().setMode({ mode });
      if (!r.ok) patchWelcome({ checkError: r.error });
      await prefill();
    },

    async editEndpoint(field, value) {
      patchWelcome({ [field]: value, prefilledFrom: null } as Partial<WelcomeState>);
      await validateEndpoints();
    },

    touchEndpoint(field) {
      const { touched } = get().welcome;
      if (!touched[field]) patchWelcome({ touched: { ...touched, [field]: true } });
    },

    async addCaFiles(files) {
      const outcomes: CaFileOutcome[] = [];
      patchCa({ error: null, outcomes: [] });
      // One file per request keeps every message well under the transport's size limit.
      for (const file of files) {
        patchCa({ busy: `Reading ${file.name}…` });
        const upload = await readUpload(file, MAX_UPLOAD_BYTES);
        if (!upload.ok) {
          outcomes.push({ fileName: file.name, added: 0, duplicates: 0, skipped: [], error: upload.error });
          continue;
        }
        const r = await getApi().addCaFiles({ files: [upload.value] });
        if (!r.ok) {
          outcomes.push({ fileName: file.name, added: 0, duplicates: 0, skipped: [], error: r.error });
          continue;
        }
        outcomes.push(...r.value.files);
        patchCa({ view: { certificates: r.value.certificates, tree: r.value.tree, problems: r.value.problems } });
      }
      patchCa({ busy: null, outcomes });
    },

    async removeCaCertificate(sha256) {
      const r = await getApi().removeCaCertificate({ sha256 });
      if (r.ok) patchCa({ view: r.value, outcomes: [], error: null });
      else patchCa({ error: r.error });
    },

    async refreshCa() {
      const r = await getApi().getCaCertificates({});
      if (r.ok) patchCa({ view: r.value });
      else patchCa({ error: r.error });
    },

    setClientPath(path) {
      patchClient({ path, error: null });
    },

    async openPfx(file, password) {
      return identityCall(`Opening ${file.name}…`, async () => {
        const upload = await readUpload(file, MAX_UPLOAD_BYTES);
        if (!upload.ok) return failed(upload.error);
        return getApi().openPfx({ ...upload.value, password });
      });
    },

    async rewrapPfx(newPassword) {
      return identityCall('Re-wrapping the .pfx for macOS…', () =>
        getApi().rewrapPfx(newPassword === undefined ? {} : { newPassword }),
      );
    },

    async savePfx() {
      const r = await getApi().exportPfx({});
      if (r.ok) downloadBase64(r.value);
      else patchClient({ error: r.error });
    },

    setCsrHostname(hostname) {
      patchClient({ csrHostname: hostname });
    },

    async createCsr() {
      patchClient({ busy: 'Making a 2048-bit RSA key and the request…', error: null });
      const r = await getApi().createCsr({ hostname: get().client.csrHostname.trim() });
      if (r.ok) patchClient({ busy: null, csr: r.value });
      else patchClient({ busy: null, error: r.error });
    },

    saveCsr() {
      const csr = get().client.csr;
      if (csr)
        downloadBase64({ fileName: csr.fileName, mimeType: 'application/pkcs10', base64: textToBase64(csr.pem) });
    },

    async loadIssuedCertificate(file) {
      await identityCall(`Reading ${file.name}…`, async () => {
        const upload = await readUpload(file, MAX_UPLOAD_BYTES);
        if (!upload.ok) return failed(upload.error);
        return getApi().loadIssuedCertificate(upload.value);
      });
    },

    setLabField(field, value) {
      patchClient({ [field]: value } as Partial<ClientState>);
    },

    async createLabCa(caPassword, opts = {}) {
      const { labName, labCrlBaseUrl } = get().client;
      patchClient({ busy: 'Creating the lab CA…', error: null });
      const r = await getApi().createLabCa({
        name: labName.trim(),
        crlBaseUrl: labCrlBaseUrl.trim(),
        caPassword,
        intermediate: opts.intermediate ?? false,
        ...(opts.directory?.trim() ? { directory: opts.directory.trim() } : {}),
      });
      if (r.ok) patchClient({ busy: null, lab: r.value });
      else patchClient({ busy: null, error: r.error });
      // The lab's CA certificates joined the CA list in main.
      if (r.ok) await get().refreshCa();
      return r.ok;
    },

    async openLabCa(directory, caPassword) {
      patchClient({ busy: 'Opening the lab CA…', error: null });
      const r = await getApi().openLabCa({ directory, caPassword });
      if (r.ok) patchClient({ busy: null, lab: r.value });
      else patchClient({ busy: null, error: r.error });
      if (r.ok) await get().refreshCa();
      return r.ok;
    },

    async issueLabCertificate() {
      const hostname = get().client.csrHostname.trim();
      await identityCall(`Issuing a certificate for ${hostname}…`, () => getApi().issueLabCertificate({ hostname }));
    },

    async refreshIdentity() {
      const r = await getApi().getIdentity({});
      if (r.ok) patchClient({ identity: r.value });
      else patchClient({ error: r.error });
    },

    async clearIdentity() {
      const r = await getApi().clearIdentity({});
      if (r.ok) patchClient({ identity: null, error: null });
      else patchClient({ error: r.error });
    },
  };
};

function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The endpoints as main last judged them, if that judgement is for what is typed now. */
export function currentEndpointCheck(w: WelcomeState): EndpointsCheck | null {
  if (!w.check) return null;
  return w.check.for.switchAddress === w.switchAddress && w.check.for.backgroundUrl === w.backgroundUrl
    ? w.check.result
    : null;
}

function failingCaCount(ca: CaState): number {
  return ca.view.certificates.filter((c) => c.problems.some((p) => p.severity === 'fail')).length;
}

export function canProceedSetup(state: WizardState, step: StepId): Proceed {
  if (state.mode === 'uninstall') return { ok: true };
  switch (step) {
    case 'welcome': {
      const w = state.welcome;
      if (w.switchAddress.trim() === '' || w.backgroundUrl.trim() === '') {
        return { ok: false, reason: 'Enter the Switch address and the Background Channel URL.' };
      }
      const check = currentEndpointCheck(w);
      if (!check) return { ok: false, reason: w.checkError ? w.checkError.message : 'Checking the addresses…' };
      if (check.switchAddress && !check.switchAddress.ok)
        return { ok: false, reason: `Switch: ${check.switchAddress.message}` };
      if (check.backgroundUrl && !check.backgroundUrl.ok)
        return { ok: false, reason: `Background Channel: ${check.backgroundUrl.message}` };
      return check.saved ? { ok: true } : { ok: false, reason: 'Checking the addresses…' };
    }
    case 'ca': {
      const ca = state.ca;
      if (ca.busy) return { ok: false, reason: ca.busy };
      const failing = failingCaCount(ca);
      if (failing > 0)
        return {
          ok: false,
          reason: `${failing === 1 ? 'One CA certificate has' : `${failing} CA certificates have`} a problem: fix or remove ${failing === 1 ? 'it' : 'them'}.`,
        };
      const whole = ca.view.problems.find((p) => p.severity === 'fail');
      if (whole) return { ok: false, reason: whole.message };
      // None added is allowed: a lab CA adds its own on the next step, and the client check says if trust is missing.
      return { ok: true };
    }
    case 'client': {
      const c = state.client;
      if (c.busy) return { ok: false, reason: c.busy };
      if (!c.identity) return { ok: false, reason: "Choose this Mac's client certificate." };
      if (!c.identity.ok) {
        const n = c.identity.counts.fail;
        return {
          ok: false,
          reason: `${n === 1 ? 'One 1E requirement is' : `${n} 1E requirements are`} not met: fix ${n === 1 ? 'it' : 'them'} or choose another certificate.`,
        };
      }
      return { ok: true };
    }
    default:
      return { ok: true };
  }
}

export type { Upload };
