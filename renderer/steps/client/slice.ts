// The client-certificate step's slice: this Mac's identity as main judges it, and the three ways to get one
// (a .pfx, a key and request made here, a lab CA). Passwords are arguments of the actions that send them, never
// state; the key, the certificate and the opened .pfx stay in main.
import type { IdentityView } from '../../../src/shared/contract';
import type { ClientSlice, ClientState, IpcResult, Proceed, SliceCreator, WizardState } from '../../state/types';
import { call } from '../../api';
import { busyText, failed, idle, loading, withoutError } from '../../state/requests';
import { download, MAX_UPLOAD_BYTES, readUpload } from '../../ui/files';

export const createClientSlice: SliceCreator<ClientSlice> = (set, get) => {
  const patchClient = (p: Partial<ClientState>) => set((s) => ({ client: { ...s.client, ...p } }));
  /** Runs one request with its busy text shown; its answer goes where `keep` puts it, its error stays on screen. */
  const request = async <T>(
    label: string,
    run: () => Promise<IpcResult<T>>,
    keep: (value: T) => Partial<ClientState>,
  ) => {
    patchClient({ request: loading(label) });
    const r = await run();
    patchClient(r.ok ? { request: idle, ...keep(r.value) } : { request: failed(r.error) });
    return r.ok;
  };
  /** Asks for the identity; its verdict (or why it failed) then takes focus and is announced. */
  const identityCall = async (
    label: string,
    run: () => Promise<IpcResult<IdentityView>>,
    done?: { target: string; text: string },
  ) => {
    const ok = await request(label, run, (identity) => ({ identity }));
    const { identity, request: failedRequest } = get().client;
    if (ok && identity) get().resultReady(done?.target ?? 'identity-verdict', done?.text ?? identityVerdict(identity));
    else if (failedRequest.state === 'error') get().resultReady('client-error', failedRequest.error.message);
    return ok;
  };
  /** A request's result takes focus: its own on success, the error otherwise. */
  const announceRequest = (ok: boolean, target: string, text: string) => {
    const r = get().client.request;
    if (ok) get().resultReady(target, text);
    else if (r.state === 'error') get().resultReady('client-error', r.error.message);
  };
  /** Reads a file for main, or says why it cannot be sent. */
  const sendFile = async <T>(
    file: File,
    send: (upload: { fileName: string; base64: string }) => Promise<IpcResult<T>>,
  ) => {
    const upload = await readUpload(file, MAX_UPLOAD_BYTES);
    return upload.ok ? send(upload.value) : ({ ok: false, error: upload.error } as const);
  };

  return {
    client: {
      path: 'pfx',
      identity: null,
      request: idle,
      csr: null,
      csrHostname: '',
      lab: null,
      labName: 'Onboard Lab',
      labCrlBaseUrl: 'http://pki.lab.local/crl',
    },

    setClientPath(path) {
      set((s) => ({ client: { ...s.client, path, request: withoutError(s.client.request) } }));
    },

    openPfx(file, password) {
      return identityCall(`Opening ${file.name}…`, () =>
        sendFile(file, (upload) => call('openPfx', { ...upload, password })),
      );
    },

    rewrapPfx(newPassword) {
      return identityCall(
        'Re-wrapping the .pfx for macOS…',
        () => call('rewrapPfx', newPassword === undefined ? {} : { newPassword }),
        { target: 'pfx-rewrapped', text: 'Re-wrapped: every macOS imports this .pfx now. Save it for other Macs.' },
      );
    },

    async savePfx() {
      const r = await call('exportPfx', {});
      if (r.ok) download(r.value.fileName, r.value.mimeType, base64Bytes(r.value.base64));
      else patchClient({ request: failed(r.error) });
    },

    setCsrHostname(hostname) {
      patchClient({ csrHostname: hostname });
    },

    async createCsr() {
      const ok = await request(
        'Making a 2048-bit RSA key and the request…',
        () => call('createCsr', { hostname: get().client.csrHostname.trim() }),
        (csr) => ({ csr }),
      );
      announceRequest(ok, 'csr-made', 'The key and the request are made: send the request to your CA.');
    },

    saveCsr() {
      const csr = get().client.csr;
      if (csr) download(csr.fileName, 'application/pkcs10', csr.pem);
    },

    async loadIssuedCertificate(file) {
      await identityCall(`Reading ${file.name}…`, () =>
        sendFile(file, (upload) => call('loadIssuedCertificate', upload)),
      );
    },

    setLabField(field, value) {
      patchClient({ [field]: value } as Partial<ClientState>);
    },

    async createLabCa(caPassword, opts = {}) {
      const { labName, labCrlBaseUrl } = get().client;
      const ok = await request(
        'Creating the lab CA…',
        () =>
          call('createLabCa', {
            name: labName.trim(),
            crlBaseUrl: labCrlBaseUrl.trim(),
            caPassword,
            intermediate: opts.intermediate ?? false,
            ...(opts.directory?.trim() ? { directory: opts.directory.trim() } : {}),
          }),
        (lab) => ({ lab }),
      );
      // The lab's CA certificates joined the CA list in main.
      if (ok) await get().refreshCa();
      announceRequest(ok, 'lab-ready', 'The lab CA is made and its CA certificates are in the CA list.');
      return ok;
    },

    async openLabCa(directory, caPassword) {
      const ok = await request(
        'Opening the lab CA…',
        () => call('openLabCa', { directory, caPassword }),
        (lab) => ({
          lab,
        }),
      );
      if (ok) await get().refreshCa();
      announceRequest(ok, 'lab-ready', 'The lab CA is open and its CA certificates are in the CA list.');
      return ok;
    },

    async issueLabCertificate() {
      const hostname = get().client.csrHostname.trim();
      await identityCall(`Issuing a certificate for ${hostname}…`, () => call('issueLabCertificate', { hostname }));
    },

    async refreshIdentity() {
      const r = await call('getIdentity', {});
      if (r.ok) patchClient({ identity: r.value });
      else patchClient({ request: failed(r.error) });
    },

    async clearIdentity() {
      const r = await call('clearIdentity', {});
      if (r.ok) set((s) => ({ client: { ...s.client, identity: null, request: withoutError(s.client.request) } }));
      else patchClient({ request: failed(r.error) });
    },
  };
};

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The requirements' verdict in one sentence: what fails named first. */
export function identityVerdict(identity: IdentityView): string {
  const failing = identity.findings.filter((f) => f.status === 'fail');
  const warnings = identity.findings.filter((f) => f.status === 'warn');
  if (failing.length > 0)
    return `${failing.length} of ${identity.findings.length} 1E requirements ${failing.length === 1 ? 'is' : 'are'} not met: ${failing.map((f) => f.title).join('; ')}.`;
  return `Every 1E requirement is met${warnings.length ? `; ${warnings.length} warning${warnings.length === 1 ? '' : 's'} to read: ${warnings.map((f) => f.title).join('; ')}` : ''}.`;
}

export function canProceedClient(state: WizardState): Proceed {
  const c = state.client;
  const busy = busyText(c.request);
  if (busy) return { ok: false, reason: busy };
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
