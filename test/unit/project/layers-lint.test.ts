import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.map((m) => m.ruleId ?? 'parse');
}

describe('the layer rules of the lint', () => {
  it('fail when electron/core imports electron', async () => {
    const ids = await ruleIdsFor(
      'electron/core/pki/example.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
    );
    expect(ids).toContain('no-restricted-imports');
  });

  it('fail when electron/core reaches up into the IPC layer', async () => {
    const ids = await ruleIdsFor(
      'electron/core/pki/example.ts',
      "import { createRouter } from '../../ipc/router';\nexport const x = createRouter;\n",
    );
    expect(ids).toContain('no-restricted-imports');
  });

  it('allow core to use Node and its own modules', async () => {
    const ids = await ruleIdsFor(
      'electron/core/pki/example.ts',
      "import { X509Certificate } from 'node:crypto';\nimport { fail } from '../errors';\nexport const x = [X509Certificate, fail];\n",
    );
    expect(ids).toEqual([]);
  });

  it('fail when the renderer imports a value from the contract or any main-process module', async () => {
    expect(
      await ruleIdsFor(
        'renderer/example.ts',
        "import { contract } from '../electron/ipc/contract';\nexport const x = contract;\n",
      ),
    ).toContain('@typescript-eslint/no-restricted-imports');
    expect(
      await ruleIdsFor(
        'renderer/example.ts',
        "import { loadFile } from '../electron/core/pki/load';\nexport const x = loadFile;\n",
      ),
    ).toContain('@typescript-eslint/no-restricted-imports');
    expect(
      await ruleIdsFor(
        'renderer/example.ts',
        "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      ),
    ).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allow the renderer to import types from the contract', async () => {
    expect(
      await ruleIdsFor(
        'renderer/example.ts',
        "import type { AppInfo } from '../electron/ipc/contract';\nexport type X = AppInfo;\n",
      ),
    ).toEqual([]);
  });

  it('fail when a file other than main, preload, window or the IPC transport imports electron', async () => {
    expect(
      await ruleIdsFor('electron/cli/example.ts', "import { app } from 'electron';\nexport const x = app;\n"),
    ).toContain('no-restricted-imports');
    expect(await ruleIdsFor('electron/main.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual(
      [],
    );
  });
});
