// Specification: `onboard fleet kit` writes the MDM's folder in one piece (profile, install.sh, extension attribute, README) or nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parsePlist } from '../../../src/core/plist';
import { fakePkg } from '../core/macos/fixtures';
import { runInMemory } from '../../support/cli-io';
import { makeTestPki, type IssuedCert, type TestPki } from '../../support/openssl';

let pki: TestPki;
let device: IssuedCert;
const cli = (argv: string[]) => runInMemory(main, ['fleet', 'kit', ...argv], {}, { cwd: pki.dir });
const base = ['--switch', 'tachyon.acme.local:4000', '--background-url', 'https://tachyon.acme.local/Background/'];

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  device = await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] });
  await writeFile(join(pki.dir, '1e.client-macOS_v5.1.2.3.pkg'), fakePkg());
});
afterAll(() => pki?.cleanup());

describe('onboard fleet kit', { timeout: 60_000 }, () => {
  it('writes the four files, the scripts executable, and says what to deploy first', async () => {
    const r = await cli([
      ...base,
      '--ca',
      pki.caBundlePath,
      '--installer',
      '1e.client-macOS_v5.1.2.3.pkg',
      '--out',
      'kit',
    ]);
    expect(r.code, r.err).toBe(0);
    const dir = join(pki.dir, 'kit');
    expect((await readdir(dir)).sort()).toEqual([
      'README.md',
      'extension-attribute.sh',
      'install.sh',
      'onboard-ca-trust.mobileconfig',
    ]);
    expect((await stat(join(dir, 'install.sh'))).mode & 0o111).toBe(0o111);
    expect(parsePlist(await readFile(join(dir, 'onboard-ca-trust.mobileconfig'), 'utf8'))).toMatchObject({
      PayloadScope: 'System',
    });
    const install = await readFile(join(dir, 'install.sh'), 'utf8');
    expect(install).toContain('Switch=tachyon.acme.local:4000');
    expect(install).toContain('1e.client-macOS_v5.1.2.3.pkg');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('## 1. Deploy the profile to every Mac first');
    expect(r.out).toContain('Deploy "');
  });

  it('prints JSON, and without --installer says install.sh needs the client already there', async () => {
    const r = await cli([...base, '--ca', pki.caBundlePath, '--out', 'kit-json', '--json']);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.files.map((f: { name: string }) => f.name)).toContain('install.sh');
    expect(json.installer).toBeNull();
    expect(json.roots).toEqual([
      { name: expect.stringContaining('Acme Root CA'), sha256: expect.stringMatching(/^[0-9A-F]{64}$/) },
    ]);
    const readme = await readFile(join(pki.dir, 'kit-json', 'README.md'), 'utf8');
    expect(readme).toContain('the 1E Client must already be installed');
  });

  it('refuses an existing folder, a device certificate as CA, and writes nothing', async () => {
    const r = await cli([...base, '--ca', pki.caBundlePath, '--out', 'kit']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('already exists');
    const d = await cli([...base, '--ca', pki.caBundlePath, '--ca', device.certPath, '--out', 'kit-bad']);
    expect(d.code).toBe(2);
    expect(d.err).not.toMatch(/\n\s+at /);
    expect((await readdir(pki.dir)).filter((n) => n.includes('kit-bad'))).toEqual([]);
  });
});
