// `onboard fleet report` over real reports: each Mac's `onboard verify --report` against openssl s_server, one Mac revoked, one reported twice.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { makePfx, makeTestPki, type TestPki } from '../../support/openssl';
import { inTurn, startFileServer, startOpensslSwitch, type FileServer, type SwitchStandIn } from '../verify/peers';

const PW = 'fleet-pw';
const env = { PW };
let pki: TestPki;
let web: FileServer;
let sw: SwitchStandIn;
let dir: string;
const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: dir });

beforeAll(async () => {
  web = await startFileServer();
  pki = await makeTestPki({ intermediate: true, crlBaseUrl: web.base, name: 'Fleet' });
  dir = join(pki.dir, 'work');
  await mkdir(join(dir, 'reports'), { recursive: true });
  const [server, mac01, mac02, mac03] = await inTurn([
    () => pki.issuer.issue('switch', { cn: 'localhost', sans: ['localhost', 'IP:127.0.0.1'], eku: 'serverAuth' }),
    () => pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] }),
    () => pki.issuer.issue('MAC02.local', { sans: ['MAC02.local'] }),
    () => pki.issuer.issue('MAC03.local', { sans: ['MAC03.local'] }),
  ]);
  await pki.issuer.revoke(mac02.certPath);
  const crl = await pki.issuer.crl();
  web.routes.set('/intermediate.crl', { body: readFileSync(crl.derPath) });
  web.routes.set('/root.crl', { body: readFileSync((await pki.root.crl()).derPath) });
  for (const [name, issued] of [
    ['MAC01', mac01],
    ['MAC02', mac02],
    ['MAC03', mac03],
  ] as const)
    await makePfx(join(dir, `${name}.pfx`), issued.certPath, issued.keyPath, PW, {
      chainPaths: [pki.intermediate!.certPath],
    });
  await writeFile(join(dir, 'ca.pem'), pki.root.certPem + pki.intermediate!.certPem);
  sw = await startOpensslSwitch({
    cert: server.certPath,
    key: server.keyPath,
    caFile: pki.root.certPath,
    crl: crl.pemPath,
    version: 'tls1_3',
  });
  const verify = (mac: string, report: string) =>
    cli([
      'verify',
      '--switch',
      sw.address,
      '--pfx',
      `${mac}.pfx`,
      '--password-env',
      'PW',
      '--ca',
      'ca.pem',
      '--skip-mac-checks',
      '--hostname',
      `${mac}.local`,
      '--report',
      `reports/${report}`,
    ]);
  const runs = [
    await verify('MAC01', 'mac01-first.json'),
    await verify('MAC02', 'mac02.json'),
    await verify('MAC03', 'mac03.json'),
    await verify('MAC01', 'mac01-again.json'),
  ];
  expect(runs.map((r) => r.code)).toEqual([0, 1, 0, 0]);
  await writeFile(join(dir, 'reports', 'broken.json'), '{"format": "onboard-report/1", "verif');
}, 180_000);

afterAll(async () => {
  await Promise.all([sw?.stop(), web?.stop()]);
  await pki?.cleanup();
});

describe('onboard fleet report over real verify reports', { timeout: 60_000 }, () => {
  it('one row per Mac (the newest MAC01), the revoked Mac first with its failing checks, the broken file named', async () => {
    const r = await cli(['fleet', 'report', 'reports', '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/reports\/broken\.json: not JSON/);
    const view = JSON.parse(r.out);
    expect(view.macs.map((m: { host: string }) => m.host)).toEqual(['MAC02.local', 'MAC01.local', 'MAC03.local']);
    expect(view.macs[0].verdict).toBe('fail');
    expect(view.macs[0].failing).toEqual(expect.arrayContaining(['switch-client-auth', 'crl-1']));
    expect(view.macs[1].file).toBe('reports/mac01-again.json');
    expect(view.superseded).toEqual([
      expect.objectContaining({ file: 'reports/mac01-first.json', newer: 'reports/mac01-again.json' }),
    ]);
    expect(view.counts).toEqual({ fail: 1, warn: 0, pass: 2 });
    expect(view.macs[2].certificateExpiry).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('writes the HTML page and the CSV, and refuses to replace them without --force', async () => {
    const r = await cli([
      'fleet',
      'report',
      'reports/mac01-first.json',
      'reports/mac02.json',
      'reports/mac03.json',
      '--html',
      'fleet.html',
      '--csv',
      'fleet.csv',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^3 Macs: 1 failing, 0 with warnings, 2 passing\./);
    expect(r.out).toMatch(/✗ MAC02\.local: .*switch-client-auth/);
    const html = await readFile(join(dir, 'fleet.html'), 'utf8');
    expect(html).toContain('<title>1E fleet report: 3 Macs</title>');
    expect(html).toMatch(/Fix:<\/strong> [^<]+/);
    const csv = (await readFile(join(dir, 'fleet.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(csv).toHaveLength(4);
    expect(csv[1]).toMatch(/^MAC02\.local,fail,[^,]*switch-client-auth/);
    const again = await cli(['fleet', 'report', 'reports/mac03.json', '--csv', 'fleet.csv']);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });

  it('nothing readable is exit 2 with one message', async () => {
    const r = await cli(['fleet', 'report', 'reports/broken.json', 'nope.json', '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\.json: no such file/);
    expect(r.err).toMatch(/None of the files given is a readable Onboard report/);
  });
});
