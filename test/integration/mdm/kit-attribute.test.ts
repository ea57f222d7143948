// The kit's extension-attribute.sh with macOS's own sh and awk on a stand-in Mac: exactly one <result> line, read-only, saying what is and is not in place.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortCaCertificates } from '../../../src/core/mdm/ca-set';
import { buildExtensionAttribute } from '../../../src/core/mdm/kit-attribute';
import { makeSmallPki, type SmallPki } from '../../unit/core/mdm/pki';
import type { FakeSpec } from '../macos/fake-programs';
import { PASSTHROUGH } from '../macos/script-bench';
import { HAVE_MAC_USERLAND, makeStandInMac, runOnMac, type StandInKeychain } from './kit-bench';

let pki: SmallPki;
let dir: string;
const sha1 = (c: SmallPki['root']) => c.cert.fingerprint.replace(/:/g, '');

beforeAll(async () => {
  pki = makeSmallPki('Fleet');
  dir = await mkdtemp(join(tmpdir(), 'onboard-ea-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RUNNING = {
  stdout: {
    '/usr/sbin/pkgutil': 'package-id: com.1e.pkg.1E.Client\nversion: 24.5.0.7\nvolume: /\n',
    '/bin/launchctl': 'system/com.1e.pkg.1E.Client = {\n\tstate = running\n}\n',
  },
};

async function attribute(keychain: StandInKeychain, spec: FakeSpec, report?: string) {
  const fake = await makeStandInMac(keychain, { passthrough: PASSTHROUGH, ...spec });
  try {
    const reportPath = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
    if (report !== undefined) await writeFile(reportPath, report);
    const path = join(dir, `ea-${Math.random().toString(36).slice(2)}.sh`);
    const cas = sortCaCertificates([pki.root.cert, pki.issuing.cert]);
    await writeFile(path, buildExtensionAttribute(cas, { programPrefix: fake.prefix, reportPath }), { mode: 0o700 });
    const r = await runOnMac(path, {}, dir);
    return { ...r, calls: await fake.calls() };
  } finally {
    await fake.cleanup();
  }
}

const identityOf = (pk: SmallPki, problem = '') => ({
  identities: `  1) ${sha1(pk.device)} "mac01.local"${problem}\n     1 identities found\n`,
  certificates: `SHA-256 hash: ${'00'.repeat(32)}\nSHA-1 hash: ${sha1(pk.device)}\n${pk.device.cert.toString()}`,
});

if (!HAVE_MAC_USERLAND)
  console.warn('SKIPPED extension-attribute.sh runs: macOS sh and awk not found at ../shared/macos-userland/bin');
describe.skipIf(!HAVE_MAC_USERLAND)('extension-attribute.sh with macOS sh and awk', () => {
  it('prints one ok line for an onboarded Mac, with the version, identity expiry, trust and last verification', async () => {
    const report = JSON.stringify(
      {
        format: 'onboard-report/1',
        generatedAt: '2026-12-01T10:00:00.000Z',
        verification: { ok: true, counts: { pass: 9, warn: 0, fail: 0, info: 1 } },
      },
      null,
      2,
    );
    const r = await attribute({ adminTrust: [{ sha1: sha1(pki.root) }], ...identityOf(pki) }, RUNNING, report);
    expect(r.code).toBe(0);
    const expiry = new Date(pki.device.cert.validTo).getUTCFullYear();
    expect(r.stdout).toMatch(
      new RegExp(
        `^<result>ok; client 24\\.5\\.0\\.7 running; identity mac01\\.local expires [A-Z][a-z]{2} +\\d+ [\\d:]+ ${expiry} GMT; root CA trusted \\(1\\); verify pass 2026-12-01T10:00:00\\.000Z</result>\\n$`,
      ),
    );
    // Read-only: security only reads, nothing runs but lookups.
    const verbs = r.calls.map((c) => `${c.program} ${c.args[0] ?? ''}`);
    expect(verbs.filter((v) => /security (?!trust-settings-export|find-identity|find-certificate)/.test(v))).toEqual(
      [],
    );
    expect(verbs.some((v) => /installer|launchctl (bootstrap|kickstart|bootout)|\/install /.test(v))).toBe(false);
  });

  it('says attention, and why, for a Mac that is not onboarded', async () => {
    const r = await attribute({}, { exit: { '/usr/sbin/pkgutil': 1 } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '<result>attention; client not installed; no identity for MAC01; root CA not trusted: Fleet Root CA; no verify report</result>\n',
    );
  });

  it('names a stopped client, an expired identity, a denied root and a failed verification', async () => {
    const report = JSON.stringify({
      generatedAt: '2026-12-02T08:00:00.000Z',
      verification: { ok: false, counts: { pass: 5, warn: 1, fail: 2, info: 0 } },
    });
    const r = await attribute(
      { adminTrust: [{ sha1: sha1(pki.root), result: 3 }], ...identityOf(pki, ' (CSSMERR_TP_CERT_EXPIRED)') },
      { stdout: { '/usr/sbin/pkgutil': RUNNING.stdout['/usr/sbin/pkgutil'] }, exit: { '/bin/launchctl': 113 } },
      report,
    );
    const line = r.stdout.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(
      /^<result>attention; client 24\.5\.0\.7 not running; identity mac01\.local CSSMERR_TP_CERT_EXPIRED \(expires .+\); root CA not trusted: Fleet Root CA; verify fail 2026-12-02T08:00:00\.000Z<\/result>$/,
    );
  });

  it('keeps one line whatever the keychain holds', async () => {
    const r = await attribute(
      { identities: '  1) ABCD "mac01.local<b>\n"\n', certificates: 'garbage\n' },
      { exit: { '/usr/sbin/pkgutil': 1 } },
      'not json',
    );
    expect(r.stdout.split('\n')).toEqual([expect.stringMatching(/^<result>attention; [^<>]*<\/result>$/), '']);
  });
});
