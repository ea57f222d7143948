import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, readdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { main } from '../../../src/cli/main';
import { runLab } from '../../../src/cli/lab';
import { memoryIo, runInMemory, type MemoryIo } from '../../support/cli-io';

const env = { CA_PW: 'lab cli ca', PFX_PW: 'lab cli pfx', WRONG: 'nope' };
let dir: string;
let labDir: string;

function makeIo(): { io: MemoryIo; out: () => string; err: () => string } {
  const io = memoryIo(env, { cwd: dir });
  return { io, out: io.out, err: io.err };
}

const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-lab-cli-'));
  labDir = join(dir, 'lab');
  const r = await cli([
    'lab',
    'init',
    '--dir',
    'lab',
    '--name',
    'Cli Lab',
    '--crl-base-url',
    'http://127.0.0.1:1/crl',
    '--ca-password-env',
    'CA_PW',
  ]);
  expect(r.code, r.err).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('onboard lab', () => {
  it('reports every bad CSV line with its number and issues nothing', async () => {
    await writeFile(join(dir, 'hosts.csv'), 'hostname\nMAC01.local\nMAC 02\n\nmac01.local\n,\nMAC03.local\n');
    const r = await cli([
      'lab',
      'issue',
      '--dir',
      'lab',
      '--hosts-csv',
      'hosts.csv',
      '--out',
      'out1',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('hosts.csv:3: "MAC 02" has characters other than');
    expect(r.err).toContain('hosts.csv:5: "mac01.local" is a duplicate of line 2');
    expect(r.err).toContain('hosts.csv:6: empty host name');
    expect(r.err).toMatch(/3 lines .* nothing was issued/);
    expect(await readdir(dir)).not.toContain('out1');
  });

  it('issues for the good lines with --skip-invalid and exits 1 to say some were skipped', async () => {
    const r = await cli([
      'lab',
      'issue',
      '--dir',
      'lab',
      '--hosts-csv',
      'hosts.csv',
      '--skip-invalid',
      '--out',
      'out2',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
      '--json',
    ]);
    expect(r.code, r.err).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.issued.map((d: { host: string }) => d.host)).toEqual(['MAC01.local', 'MAC03.local']);
    expect(json.skipped).toBe(3);
    expect((await readdir(join(dir, 'out2'))).sort()).toEqual([
      'MAC01.local.pem',
      'MAC01.local.pfx',
      'MAC03.local.pem',
      'MAC03.local.pfx',
    ]);
  });

  it('says a wrong CA password is wrong', async () => {
    const r = await cli([
      'lab',
      'issue',
      '--dir',
      'lab',
      '--hostname',
      'MAC05.local',
      '--out',
      'out3',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'WRONG',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/CA password is wrong/);
    expect(r.err).not.toContain(env.WRONG);
  });

  it('says a folder is not a lab', async () => {
    const r = await cli(['lab', 'crl', '--dir', '.', '--ca-password-env', 'CA_PW']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not an Onboard lab directory \(no lab\.json\)/);
  });

  it('refuses an option that belongs to another command', async () => {
    const r = await cli(['lab', 'revoke', '--dir', 'lab', '--serial', '01', '--hostname', 'MAC01.local']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--hostname does not apply to `lab revoke`/);
  });

  it('revokes by certificate file and tells the technician to publish a CRL', async () => {
    const r = await cli(['lab', 'revoke', '--dir', 'lab', '--cert', join('out2', 'MAC03.local.pem')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Revoked CN=MAC03\.local \(serial [0-9a-f]+\)\.\n.*onboard lab crl/);
    const index = JSON.parse(await readFile(join(labDir, 'index.json'), 'utf8'));
    expect(index.issued.find((x: { subject: string }) => x.subject === 'MAC03.local').revokedAt).toBeTruthy();
  });

  it("prints a revoked CA's subject on one line, as CN=..., O=..., in text and JSON", async () => {
    const i = await cli([
      'lab',
      'init',
      '--dir',
      'lab-int',
      '--name',
      'Line Lab',
      '--intermediate',
      '--crl-base-url',
      'http://127.0.0.1:1/crl',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(i.code, i.err).toBe(0);
    const r = await cli(['lab', 'revoke', '--dir', 'lab-int', '--cert', join('lab-int', 'intermediate.pem')]);
    expect(r.code, r.err).toBe(0);
    const first = r.out.split('\n')[0]!;
    expect(first).toMatch(/^Revoked CN=Line Lab Issuing CA, O=Line Lab \(serial [0-9a-f]+\)\.$/);
    expect(r.out).toContain('onboard lab intermediate');
    const again = await cli([
      'lab',
      'revoke',
      '--dir',
      'lab-int',
      '--cert',
      join('lab-int', 'intermediate.pem'),
      '--json',
    ]);
    const json = JSON.parse(again.out);
    expect(json).toMatchObject({ subject: 'CN=Line Lab Issuing CA, O=Line Lab', alreadyRevoked: true, kind: 'ca' });
  }, 120_000);

  it('refuses to issue from a revoked intermediate, says to make a new one, and issues again after `lab intermediate`', async () => {
    const refused = await cli([
      'lab',
      'issue',
      '--dir',
      'lab-int',
      '--hostname',
      'MAC07.local',
      '--out',
      'out-int',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /issuing CA CN=Line Lab Issuing CA, O=Line Lab \(serial [0-9a-f]+\) was revoked on .*Nothing was issued/,
    );
    expect(refused.err).toContain('onboard lab intermediate --dir');
    expect(await readdir(dir)).not.toContain('out-int');
    const server = await cli([
      'lab',
      'server-cert',
      '--dir',
      'lab-int',
      '--dns',
      'switch.lab',
      '--out',
      'out-int',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(server.code).toBe(2);
    expect(server.err).toMatch(/was revoked/);

    const renewed = await cli(['lab', 'intermediate', '--dir', 'lab-int', '--ca-password-env', 'CA_PW', '--json']);
    expect(renewed.code, renewed.err).toBe(0);
    const r = JSON.parse(renewed.out);
    expect(r.subject).toBe('CN=Line Lab Issuing CA 2, O=Line Lab');
    expect(r.replaced.subject).toBe('CN=Line Lab Issuing CA, O=Line Lab');
    expect(await readdir(join(dir, 'lab-int', 'retired'))).toEqual([`intermediate-${r.replaced.serial}.pem`]);

    const issued = await cli([
      'lab',
      'issue',
      '--dir',
      'lab-int',
      '--hostname',
      'MAC07.local',
      '--out',
      'out-int',
      '--password-env',
      'PFX_PW',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(issued.code, issued.err).toBe(0);
    const device = new X509Certificate(await readFile(join(dir, 'out-int', 'MAC07.local.pem')));
    expect(device.issuer).toBe('O=Line Lab\nCN=Line Lab Issuing CA 2');
    expect(device.checkIssued(new X509Certificate(await readFile(join(dir, 'lab-int', 'intermediate.pem'))))).toBe(
      true,
    );
  }, 120_000);

  it("replaces only a revoked intermediate: one in use keeps its devices' CRL", async () => {
    const i = await cli([
      'lab',
      'init',
      '--dir',
      'lab-keep',
      '--name',
      'Keep Lab',
      '--intermediate',
      '--crl-base-url',
      'http://127.0.0.1:1/crl',
      '--ca-password-env',
      'CA_PW',
    ]);
    expect(i.code, i.err).toBe(0);
    const r = await cli(['lab', 'intermediate', '--dir', 'lab-keep', '--ca-password-env', 'CA_PW']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not revoked[\s\S]*onboard lab revoke --dir .* --serial [0-9a-f]+/);
    expect(await readdir(join(dir, 'lab-keep'))).not.toContain('retired');
    const noInt = await cli(['lab', 'intermediate', '--dir', 'lab', '--ca-password-env', 'CA_PW']);
    expect(noInt.code).toBe(2);
    expect(noInt.err).toMatch(/has no intermediate CA/);
  }, 120_000);

  it('serves until told to stop, printing where the CRLs and the Switch stand-in are', async () => {
    const { io, out } = makeIo();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const running = runLab(
      ['serve', '--dir', labDir, '--port', '0', '--switch-port', '0', '--ca-password-env', 'CA_PW'],
      io,
      () => stopped,
    );
    for (let i = 0; i < 200 && !out().includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
    const crlUrl = /CRLs:\s+(\S+)/.exec(out())![1]!;
    const res = await fetch(crlUrl);
    expect(res.status).toBe(200);
    expect(out()).toMatch(/Switch: wss:\/\/127\.0\.0\.1:\d+/);
    stop();
    expect(await running).toBe(0);
    expect(out()).toContain('Stopped.');
    await expect(fetch(crlUrl)).rejects.toThrow();
  });
});
