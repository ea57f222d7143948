// One worker thread of `onboard check --batch`: checks the files it is sent, a chunk at a time, and sends the results back.
import { X509Certificate } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { checkDeviceFile, type FileCheckJob, type FileCheckResult } from '../core/pki/check-file';

export interface WorkerSetup {
  /** The CA certificates as DER: each worker makes its own objects (and keeps their signature checks). */
  caDer: Uint8Array[];
  password?: string;
  at: number;
}

const setup = workerData as WorkerSetup;
const ctx = {
  caCertificates: setup.caDer.map((d) => new X509Certificate(d)),
  at: new Date(setup.at),
  ...(setup.password !== undefined ? { password: setup.password } : {}),
};

parentPort!.on('message', (jobs: FileCheckJob[]) => {
  const results: FileCheckResult[] = jobs.map((job) => checkDeviceFile(job, ctx));
  parentPort!.postMessage(results);
});
