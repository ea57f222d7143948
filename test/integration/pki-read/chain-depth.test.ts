// Path length as OpenSSL bounds it (default verify depth 100): the same verdict at the edge, and bounded work beyond it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeKey, openssl, opensslOk } from '../../support/openssl';
import { buildChain, MAX_CHAIN_CAS } from '../../../src/core/pki/chain';

let dir: string;
const cas: string[] = []; // PEM paths: cas[0] the root, cas[i] the i-th CA below it
const leaves = new Map<number, string>(); // number of CAs below the root -> the leaf they issue

async function issue(name: string, cn: string, issuer: string, ext: string): Promise<string> {
  const csr = join(dir, `${name}.csr`);
  const out = join(dir, `${name}.pem`);
  await opensslOk(['req', '-new', '-key', join(dir, 'k.pem'), '-subj', `/CN=${cn}`, '-out', csr]);
  await opensslOk(
    ['x509', '-req', '-in', csr, '-CA', issuer, '-CAkey', join(dir, 'k.pem')].concat([
      '-set_serial',
      String(cas.length + 1000),
      '-days',
      '30',
      '-extfile',
      join(dir, ext),
      '-out',
      out,
    ]),
  );
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-chain-depth-'));
  // One key for every certificate: the path is found by name, and only its length is under test.
  await makeKey(join(dir, 'k.pem'), 'ec');
  await writeFile(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await writeFile(
    join(dir, 'leaf.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  const root = join(dir, 'ca0.pem');
  await opensslOk(
    ['req', '-x509', '-new', '-key', join(dir, 'k.pem'), '-subj', '/CN=Root', '-days', '30'].concat([
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      root,
    ]),
  );
  cas.push(root);
  for (let i = 1; i <= MAX_CHAIN_CAS + 1; i++) cas.push(await issue(`ca${i}`, `CA ${i}`, cas[i - 1]!, 'ca.ext'));
  for (const n of [MAX_CHAIN_CAS, MAX_CHAIN_CAS + 1])
    leaves.set(n, await issue(`leaf${n}`, `leaf${n}.local`, cas[n]!, 'leaf.ext'));
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function judge(n: number): Promise<{ onboard: string[]; openssl: string }> {
  const untrusted = join(dir, `untrusted${n}.pem`);
  const pems = await Promise.all(cas.slice(1, n + 1).map((f) => readFile(f, 'utf8')));
  await writeFile(untrusted, pems.join(''));
  const leaf = new X509Certificate(await readFile(leaves.get(n)!));
  const root = new X509Certificate(await readFile(cas[0]!));
  const pool = pems.map((p) => new X509Certificate(p)).concat(root);
  const result = buildChain(leaf, pool, { trustAnchors: [root] });
  const ref = await openssl(['verify', '-CAfile', cas[0]!, '-untrusted', untrusted, leaves.get(n)!]);
  const said = ref.stdout + ref.stderr;
  const verdict = ref.code === 0 ? 'ok' : /chain too long/.test(said) ? 'too long' : said;
  return { onboard: result.problems.map((p) => p.code), openssl: verdict };
}

describe('path length', () => {
  it(`accepts ${MAX_CHAIN_CAS} CAs below the root, as OpenSSL does`, async () => {
    expect(await judge(MAX_CHAIN_CAS)).toEqual({ onboard: [], openssl: 'ok' });
  });

  it(`refuses ${MAX_CHAIN_CAS + 1} CAs below the root as too long, as OpenSSL does`, async () => {
    expect(await judge(MAX_CHAIN_CAS + 1)).toEqual({ onboard: ['chain-too-long'], openssl: 'too long' });
  });
});
