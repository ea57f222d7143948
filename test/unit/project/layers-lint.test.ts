import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => m.ruleId ?? 'parse');
}

const LAYERS = 'onboard/layers';

// Each case lints text with the project's real ESLint configuration; the first one also pays ESLint's cold start
// (loading typescript-eslint and the plugins), which takes several seconds on a busy 2-core machine.
describe('the layer table of the lint', { timeout: 30_000 }, () => {
  it('fails when the core imports electron', async () => {
    const ids = await ruleIdsFor('src/core/pki/example.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(ids).toContain(LAYERS);
  });

  it('fails when the core reaches up into the IPC layer, the CLI or shared', async () => {
    for (const spec of ['../../main/ipc/router', '../../cli/common', '../../shared/contract']) {
      const ids = await ruleIdsFor(
        'src/core/pki/example.ts',
        `import { x as y } from '${spec}';\nexport const x = y;\n`,
      );
      expect(ids, spec).toContain(LAYERS);
    }
  });

  it('lets the core use Node and its own modules', async () => {
    const ids = await ruleIdsFor(
      'src/core/pki/example.ts',
      "import { X509Certificate } from 'node:crypto';\nimport { fail } from '../errors';\nexport const x = [X509Certificate, fail];\n",
    );
    expect(ids).toEqual([]);
  });

  it('fails when the renderer imports a value from shared, any main-side module, electron or Node', async () => {
    for (const code of [
      "import { contract } from '../src/shared/contract';\nexport const x = contract;\n",
      "import { loadFile } from '../src/core/pki/load';\nexport const x = loadFile;\n",
      "import type { Session } from '../src/main/ipc/session';\nexport type X = Session;\n",
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      "import { readFile } from 'node:fs';\nexport const x = readFile;\n",
    ]) {
      expect(await ruleIdsFor('renderer/example.ts', code), code).toContain(LAYERS);
    }
  });

  it('lets the renderer import types from shared', async () => {
    expect(
      await ruleIdsFor(
        'renderer/example.ts',
        "import type { AppInfo } from '../src/shared/contract';\nexport type X = AppInfo;\n",
      ),
    ).toEqual([]);
  });

  it('lets only src/main import electron, and not its IPC layer, which the preview shares', async () => {
    const electron = "import { app } from 'electron';\nexport const x = app;\n";
    expect(await ruleIdsFor('src/cli/example.ts', electron)).toContain(LAYERS);
    expect(await ruleIdsFor('src/preview/example.ts', electron)).toContain(LAYERS);
    expect(await ruleIdsFor('src/main/ipc/example.ts', electron)).toContain(LAYERS);
    expect(await ruleIdsFor('src/main/example.ts', electron)).toEqual([]);
  });

  it('keeps the preload to the plain method list and channel names (no zod, no schemas)', async () => {
    expect(
      await ruleIdsFor(
        'src/main/preload.ts',
        "import { contract } from '../shared/contract';\nexport const x = contract;\n",
      ),
    ).toContain(LAYERS);
    expect(
      await ruleIdsFor(
        'src/main/preload.ts',
        "import { METHOD_NAMES } from '../shared/methods';\nexport const x = METHOD_NAMES;\n",
      ),
    ).toEqual([]);
  });

  it('fails on an import cycle, type-only imports included', async () => {
    // fsutil.ts imports errors.ts; an errors.ts that imported fsutil.ts back (even only a type) would close a cycle.
    const ids = await ruleIdsFor(
      'src/core/errors.ts',
      "import type { writeFileAtomic } from './fsutil';\nexport type Y = typeof writeFileAtomic;\n",
    );
    expect(ids).toContain('onboard/no-cycle');
  });

  it('keeps node-forge to the one RC2 file', async () => {
    const code = "import forge from 'node-forge';\nexport const x = forge;\n";
    expect(await ruleIdsFor('src/core/pki/load.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIdsFor('src/core/macos/executors/simulated/security.ts', code)).toContain('no-restricted-imports');
  });
});
