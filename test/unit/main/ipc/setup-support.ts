// Drives the setup half through the real router and handlers, with a simulated Mac as the only stand-in.
import { readFile } from 'node:fs/promises';
import { createRouter } from '../../../../src/main/ipc/router';
import { createHandlers } from '../../../../src/main/ipc/handlers';
import { createSession, type Session } from '../../../../src/main/ipc/session';
import { SimulatedMac, type SimulatedMacOptions } from '../../../../src/core/macos/executors/simulated';
import type { MethodName, RequestOf, ResultOf } from '../../../../src/shared/contract';
import type { IpcResult } from '../../../../src/shared/result';

export interface SetupDriver {
  session: Session;
  mac: SimulatedMac;
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<IpcResult<ResultOf<M>>>;
  /** Calls and insists on success, so a test reads as the technician's path. */
  ok<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResultOf<M>>;
}

export function setupDriver(opts: SimulatedMacOptions = {}): SetupDriver {
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
