// Specification: `onboard check --batch` judges every file as `onboard check` would, pairs files with host names, and reports each bad file.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { makePfx, makeTestPki, type TestPki } from '../../support/openssl';

const env = { PW: 'batch pw', OTHER: 'other pw' };
let pki: TestPki;
let dir: string;
const cli = (argv: string[]) => runInMemory(main, ['check', ...argv], env, { cwd: pki.dir });

interface BatchResult {
  file: string;
  hostname: string;
  verdict: string;
  problems?: { id: string; status: string; title: string; detail: string; fix: string }[];
  error?: { code: string; message: string };
}

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Batch' });
  dir = join(pki.dir, 'devices');
  await mkdir(dir);
  const [m1, m2, m3, m4] = [
    await pki.issuer.issue('MAC01.local', { sans: ['MAC01.local'] }),
    await pki.issuer.issue('MAC02.local', { sans: ['MAC02.local'] }),
    await pki.issuer.issue('m3', { cn: 'SOMEONE-ELSE.local' }),
    await pki.issuer.issue('MAC04.local', { eku: 'serverAuth' }),
  ];
  await makePfx(join(dir, 'MAC01.local.pfx'), m1.certPath, m1.keyPath, env.PW, {
    chainPaths: [pki.intermediate!.certPath],
    legacy: true,
  });
  await copyFile(m2.certPath, join(dir, 'MAC02.local.pem'));
  await makePfx(join(dir, 'MAC03.local.pfx'), m3.certPath, m3.keyPath, env.PW, { legacy: true });
  await makePfx(join(dir, 'MAC04.local.pfx'), m4.certPath, m4.keyPath, env.PW, { legacy: true });
  await makePfx(join(dir, 'MAC05.local.pfx'), m1.certPath, m1.keyPath, env.OTHER);
  await writeFile(join(dir, 'junk.pem'), 'this is not a certificate\n');
  await writeFile(join(dir, 'notes.txt'), 'not a device file: left out of the folder');
}, 120_000);
afterAll(() => pki?.cleanup());

describe('onboard check --batch', { timeout: 120_000 }, () => {
  it('checks every device file of a folder, host names from file names, and gives each its verdict', async () => {
    const r = await cli(['--batch', 'devices', '--ca', pki.caBundlePath, '--password-env', 'PW', '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.out) as { results: BatchResult[]; summary: Record<string, number> };
    const by = Object.fromEntries(out.results.map((x) => [x.file, x]));
    expect(Object.keys(by)).toEqual([
      'devices/MAC01.local.pfx',
      'devices/MAC02.local.pem',
      'devices/MAC03.local.pfx',
      'devices/MAC04.local.pfx',
      'devices/MAC05.local.pfx',
      'devices/junk.pem',
    ]);
    expect(by['devices/MAC01.local.pfx']).toMatchObject({ hostname: 'MAC01.local', verdict: 'pass', problems: [] });
    expect(by['devices/MAC02.local.pem']!.verdict).toBe('warn');
    expect(by['devices/MAC03.local.pfx']!.problems!.map((p) => p.id)).toContain('subject-hostname');
    expect(by['devices/MAC04.local.pfx']!.problems!.map((p) => p.id)).toContain('eku-client-auth');
    expect(by['devices/MAC05.local.pfx']!.error!.code).toBe('pfx-wrong-password');
    expect(by['devices/junk.pem']!.verdict).toBe('error');
    expect(out.summary).toEqual({ files: 6, pass: 1, warn: 1, fail: 2, error: 2 });
  });

  it('finds exactly what onboard check finds for each file alone', async () => {
    const batch = JSON.parse(
      (await cli(['--batch', 'devices', '--ca', pki.caBundlePath, '--password-env', 'PW', '--json'])).out,
    ) as {
      at: string;
      results: BatchResult[];
    };
    for (const b of batch.results.filter((x) => x.verdict !== 'error')) {
      const kind = b.file.endsWith('.pfx') ? '--pfx' : '--cert';
      const one = await cli([
        kind,
        b.file,
        '--hostname',
        b.hostname,
        '--ca',
        pki.caBundlePath,
        '--password-env',
        'PW',
        '--at',
        batch.at,
        '--json',
      ]);
      const alone = (JSON.parse(one.out) as { findings: BatchResult['problems'] }).findings!.filter(
        (f) => f.status === 'fail' || f.status === 'warn',
      );
      expect(b.problems, b.file).toEqual(alone);
    }
  });

  it('text output names only what needs attention, then the totals', async () => {
    const r = await cli([
      '--batch',
      'devices/MAC01.local.pfx',
      'devices/MAC03.local.pfx',
      '--ca',
      pki.caBundlePath,
      '--password-env',
      'PW',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✗ devices\/MAC03\.local\.pfx \(MAC03\.local\): .*subject-hostname/m);
    expect(r.out).not.toMatch(/MAC01/);
    expect(r.out).toMatch(
      /Result: 2 files: 1 meet every requirement, 0 with warnings, 1 failed, 0 could not be checked \(1 thread/,
    );
  });

  it('--hosts-csv pairs Macs with files: the lab hosts file as it is, or HOST,FILE; bad lines are their own errors', async () => {
    await writeFile(
      join(pki.dir, 'hosts.csv'),
      [
        'hostname',
        'MAC01.local',
        'MAC02.local',
        'SOMEONE-ELSE.local,MAC03.local.pfx',
        'MAC09.local',
        'mac01.local',
        'bad host!',
      ].join('\n'),
    );
    const r = await cli([
      '--hosts-csv',
      'hosts.csv',
      '--batch',
      'devices',
      '--ca',
      pki.caBundlePath,
      '--password-env',
      'PW',
      '--json',
    ]);
    const out = JSON.parse(r.out) as { results: BatchResult[] };
    expect(out.results.map((x) => [x.hostname, x.verdict])).toEqual([
      ['MAC01.local', 'pass'],
      ['MAC02.local', 'warn'],
      ['SOMEONE-ELSE.local', 'pass'],
      ['MAC09.local', 'error'],
      ['mac01.local', 'error'],
      ['bad host!', 'error'],
    ]);
    expect(out.results[3]!.error!.message).toMatch(/hosts\.csv:5: no MAC09\.local\.pfx \(or \.p12/);
    expect(out.results[4]!.error!.message).toMatch(/hosts\.csv:6: "mac01\.local" is a duplicate of line 2/);
    expect(r.code).toBe(2);
  });

  it('what one certificate taught the checks never lets another pass: a forged one among good ones of its issuer fails', async () => {
    // Same issuer name, same key identifiers, same everything but the signature: checked after (and before) good
    // certificates of that issuer, whose chain, names and key facts the checks have seen by then.
    const good = new X509Certificate(await readFile(join(dir, 'MAC02.local.pem')));
    const forged = Buffer.from(good.raw);
    forged[forged.length - 1]! ^= 0x01;
    const pem = (der: Buffer) =>
      `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    await mkdir(join(pki.dir, 'forged'));
    await writeFile(join(pki.dir, 'forged', 'MAC02.local.pem'), good.toString());
    await writeFile(join(pki.dir, 'forged', 'MAC02.local.x-forged.pem'), pem(forged));
    await writeFile(join(pki.dir, 'forged', 'MAC02.local.y-good.pem'), good.toString());
    const out = JSON.parse((await cli(['--batch', 'forged', '--ca', pki.caBundlePath, '--json'])).out) as {
      results: BatchResult[];
    };
    // (The two copies of the good one named otherwise fail subject-hostname only: their file names are not the host name.)
    const chainIds = (r: BatchResult) => r.problems!.map((p) => p.id).filter((id) => id.startsWith('chain'));
    expect(out.results.map(chainIds)).toEqual([[], ['chain-trusted', 'chain-complete'], []]);
    const trusted = out.results[1]!.problems!.find((p) => p.id === 'chain-trusted')!;
    expect(trusted.status).toBe('fail');
    expect(trusted.detail).toMatch(/signature does not verify/);
  });

  it('usage errors are one message and exit 2', async () => {
    expect((await cli(['--batch', 'devices', '--workers', '0'])).err).toMatch(/--workers must be a whole number/);
    const none = await cli(['--batch', 'devices/notes.txt.missing-folder/']);
    expect(none.code).toBe(2);
  });
});
