// The shared set-up of the `onboard apply` tests: the simulated Mac's inputs (CA bundle, a modern .pfx, the
// installer) in a temporary folder, the full argument list, and a CLI io that runs in that folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { makeMacFixtures, PFX_PASSWORD, type MacFixtures } from '../core/macos/fixtures';
import { memoryIo, type MemoryIo } from '../../support/cli-io';

/** Every option a full onboarding takes, naming the files the bench writes. */
export const FULL = [
  '--switch',
  'tachyon.acme.local:4000',
  '--background-url',
  'https://tachyon.acme.local/Background/',
  '--ca',
  'bundle.pem',
  '--pfx',
  'modern.pfx',
  '--password-env',
  'PFXPW',
  '--installer',
  '1e.client-macOS_v5.2.0.7.dmg',
];

export interface ApplyBench {
  /** The fixtures, made before the file's first test. */
  readonly fx: MacFixtures;
  /** A fresh CLI io in the fixtures' folder, with the PFX password in PFXPW. */
  io(): { io: MemoryIo; out: () => string; err: () => string };
}

/** Registers the file's set-up and clean-up, and gives the bench its tests read. */
export function applyBench(): ApplyBench {
  let fx: MacFixtures | undefined;
  beforeAll(async () => {
    fx = await makeMacFixtures();
    await writeFile(join(fx.dir, 'bundle.pem'), fx.root.toString() + fx.intermediate.toString());
    await writeFile(join(fx.dir, 'modern.pfx'), fx.modernPfx);
  });
  afterAll(async () => {
    await fx?.cleanup();
  });
  return {
    get fx() {
      if (!fx) throw new Error('the apply bench is read before its set-up ran');
      return fx;
    },
    io() {
      const m = memoryIo({ PFXPW: PFX_PASSWORD }, { cwd: this.fx.dir });
      return { io: m, out: m.out, err: m.err };
    },
  };
}
