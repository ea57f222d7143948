// Vitest global set-up: a folder, for this run only, where test files share the RSA keys that openssl makes for
// their fixtures. Key generation is most of a fixture's cost; certificates and CRLs are still made per test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    rsaKeyPool: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'onboard-keypool-'));
  project.provide('rsaKeyPool', dir);
  return () => rm(dir, { recursive: true, force: true });
}
