// Drives the steps through the real router and handlers, with a simulated Mac as the only stand-in: a driver that
// starts from a fresh session, and a bench whose sessions already hold the earlier steps' choices.
import { afterAll, beforeAll } from 'vitest';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../../../../../src/main/ipc/router';
import { createHandlers } from '../../../../../src/main/ipc/handlers';
import { createSession, closeSession, type Session } from '../../../../../src/main/ipc/session';
import { SimulatedMac, type SimulatedMacOptions } from '../../../../../src/core/macos/executors/simulated';
import type { MethodName, OnboardEvent, RequestOf, ResultOf } from '../../../../../src/shared/contract';
import type { IpcResult } from '../../../../../src/shared/result';
import { makeTestPki, type TestPki } from '../../../../support/openssl';

export interface StepDriver {
  session: Session;
  mac: SimulatedMac;
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<IpcResult<ResultOf<M>>>;
  /** Calls and insists on success, so a test reads as the technician's path. */
  ok<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResultOf<M>>;
}

/** A fresh session on a simulated Mac, as the wizard starts. */
export function stepDriver(opts: SimulatedMacOptions = {}): StepDriver {
  const router = createRouter(createHandlers(), {
    logInternal: (m, e) => {
      throw new Error(`internal error in ${m}: ${String(e)}`);
    },
  });
  const mac = new SimulatedMac(opts);
  const session = createSession({ shell: 'preview', executor: mac });
  const call = async <M extends MethodName>(method: M, request: RequestOf<M>) =>
    (await router.dispatch(method, request, { session, emit: () => undefined })) as IpcResult<ResultOf<M>>;
  return {
    session,
    mac,
    call,
    async ok(method, request) {
      const r = await call(method, request);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
  };
}

export async function upload(path: string, fileName: string): Promise<{ fileName: string; base64: string }> {
  return { fileName, base64: (await readFile(path)).toString('base64') };
}

export function pemUpload(pem: string, fileName: string): { fileName: string; base64: string } {
  return { fileName, base64: Buffer.from(pem).toString('base64') };
}

export interface ChangesBench {
  /** A lab PKI with an intermediate, made once per test file. */
  readonly pki: TestPki;
  /** A private folder for the file's own fixtures. */
  readonly work: string;
  /** MAC01.local's certificate and key, issued by the intermediate. */
  readonly leaf: { certificate: X509Certificate; key: KeyObject };
  /** The root and the intermediate. */
  readonly cas: X509Certificate[];
  /** A Mac with the 1E Client installed and running: the identity's key can be granted to its binary. */
  withClient(opts?: SimulatedMacOptions): SimulatedMac;
  /** A session past the first three steps: endpoints, the CAs and (unless told not to) the identity chosen. */
  readySession(mac: SimulatedMac, opts?: { identity?: boolean }): Session;
  call<T>(session: Session, method: string, payload: unknown, events?: OnboardEvent[], requestId?: string): Promise<T>;
  failure(session: Session, method: string, payload: unknown): Promise<{ code: string; message: string; hint: string }>;
}

/**
 * For the steps that change the Mac: registers the file's set-up and clean-up (a PKI, a work folder, the sessions
 * it opened) and gives sessions that start where Install and Trust & identity do.
 */
export function changesBench(): ChangesBench {
  const router = createRouter<Session>(createHandlers());
  const opened: Session[] = [];
  let made: { pki: TestPki; work: string; leaf: ChangesBench['leaf']; cas: X509Certificate[] } | null = null;
  const ready = () => {
    if (!made) throw new Error('the bench is used before its beforeAll ran');
    return made;
  };
  beforeAll(async () => {
    const pki = await makeTestPki({ intermediate: true });
    const issued = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['DNS:MAC01.local'] });
    made = {
      pki,
      work: await mkdtemp(join(tmpdir(), 'onboard-changes-test-')),
      leaf: { certificate: new X509Certificate(issued.certPem), key: createPrivateKey(await readFile(issued.keyPath)) },
      cas: [new X509Certificate(pki.root.certPem), new X509Certificate(pki.intermediate!.certPem)],
    };
  });
  afterAll(async () => {
    await Promise.all(opened.map(closeSession));
    await made?.pki.cleanup();
    if (made) await rm(made.work, { recursive: true, force: true });
  });
  return {
    get pki() {
      return ready().pki;
    },
    get work() {
      return ready().work;
    },
    get leaf() {
      return ready().leaf;
    },
    get cas() {
      return ready().cas;
    },
    withClient(opts = {}) {
      return new SimulatedMac({ arch: 'x86_64', client: { version: '23.7.0.1', running: true }, ...opts });
    },
    readySession(mac, opts = {}) {
      const { leaf, cas } = ready();
      const s = createSession({ shell: 'preview', executor: mac });
      opened.push(s);
      s.ca.certificates = cas;
      s.welcome.endpoints = {
        switchAddress: 'tachyon.acme.local:4000',
        backgroundUrl: 'https://tachyon.acme.local/Background/',
      };
      if (opts.identity !== false)
        s.client.identity = { ...leaf, chain: [cas[1]!], source: 'lab', label: 'Lab CA: Test' };
      return s;
    },
    async call<T>(session: Session, method: string, payload: unknown, events: OnboardEvent[] = [], requestId?: string) {
      const r = await router.dispatch(method, payload, { session, emit: (e) => events.push(e), requestId });
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message} (${r.error.hint})`);
      return r.value as T;
    },
    async failure(session, method, payload) {
      const r = await router.dispatch(method, payload, { session, emit: () => undefined });
      if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
      return r.error;
    },
  };
}
