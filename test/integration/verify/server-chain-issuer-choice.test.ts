// The TLS server chain judge takes the issuer OpenSSL takes when several CAs fit (renewals, same-named CAs): checked against openssl verify -purpose sslserver.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate, createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { der, children, readTlv, whole } from '../../../src/core/pki/der';
import { CA_EXTENSIONS as CA, CertForge, type MadeCert } from '../../support/chain-fixtures';
import { openssl } from '../../support/openssl';
import { OPENSSL_ERRORS } from '../../support/openssl-verify-errors';
import { verifyServerChain } from '../../../src/core/pki/server-chain';

const SERVER = [
  'basicConstraints = CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:switch.test',
];
const ISSUING = '/O=Onboard Issuer Choice/CN=Issuing CA';

interface Case {
  name: string;
  expected: string;
  depth?: number;
  make(): Promise<{ leaf: MadeCert; sent: MadeCert[]; cas: MadeCert[]; at?: Date }>;
}

/** openssl verify's first error (or OK) for the case, as "NAME@depth". */
async function opensslSays(f: CertForge, c: { leaf: MadeCert; sent: MadeCert[]; cas: MadeCert[]; at?: Date }) {
  const args = ['verify', '-purpose', 'sslserver', '-CAfile', await f.bundle(`${c.leaf.name}-cas`, c.cas)];
  if (c.sent.length) args.push('-untrusted', await f.bundle(`${c.leaf.name}-sent`, c.sent));
  if (c.at) args.push('-attime', String(Math.floor(c.at.getTime() / 1000)));
  const r = await openssl([...args, c.leaf.path]);
  const output = (r.stdout + r.stderr).trim();
  const m = output.match(/error (\d+) at (\d+) depth lookup/);
  return {
    said: m ? `${OPENSSL_ERRORS[Number(m[1])] ?? m[1]}@${m[2]}` : r.code === 0 ? 'OK' : `exit ${r.code}`,
    output,
  };
}

/** `cert` signed again by `issuer` with the extension `extDer` added at the end: OpenSSL's config cannot repeat one. */
async function withExtension(dir: string, name: string, cert: MadeCert, issuer: MadeCert, extDer: Buffer) {
  const [tbsT, algT] = children(readTlv(cert.x509.raw));
  const fields = children(tbsT!);
  const last = fields[fields.length - 1]!;
  const exts = children(children(last)[0]!).map((e) => whole(e));
  const tbs = der.seq(...fields.slice(0, -1).map((f) => whole(f)), der.ctx(3, true, der.seq(...exts, extDer)));
  const signature = sign('sha256', tbs, createPrivateKey(await readFile(issuer.keyPath)));
  const pem = toPem(der.seq(tbs, whole(algT!), der.bits(signature)));
  const path = join(dir, `${name}.pem`);
  await writeFile(path, pem);
  return { name, path, keyPath: cert.keyPath, pem, x509: new X509Certificate(pem) };
}

/** `cert` with one bit of its signature flipped. */
async function withDamagedSignature(dir: string, name: string, cert: MadeCert): Promise<MadeCert> {
  const raw = Buffer.from(cert.x509.raw);
  raw[raw.length - 3]! ^= 0x01;
  const pem = toPem(raw);
  const path = join(dir, `${name}.pem`);
  await writeFile(path, pem);
  return { name, path, keyPath: cert.keyPath, pem, x509: new X509Certificate(pem) };
}

const toPem = (d: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${d.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

describe('the server chain judge chooses issuers as openssl verify does', { timeout: 120_000 }, () => {
  let f: CertForge;
  let root: MadeCert;
  let issuing: MadeCert;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onboard-issuer-choice-'));
    f = await CertForge.create();
    root = await f.root('root', '/O=Onboard Issuer Choice/CN=Root', CA);
    issuing = await f.issue('issuing', ISSUING, root, CA);
  }, 120_000);
  afterAll(async () => {
    await f?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // OpenSSL's x509 adds an authority key identifier unless told "none"; without it, any CA of the name fits.
  const noAkid = [...SERVER, 'authorityKeyIdentifier = none'];
  const inDays = (days: number) => new Date(Date.now() + days * 86400_000);

  const cases: Case[] = [
    {
      name: 'an expired copy of the issuing CA (same name and key) among the chosen CAs, the renewed one sent',
      expected: 'CERT_HAS_EXPIRED',
      depth: 1,
      async make() {
        const old = await f.issue('issuing-old', ISSUING, root, CA, { keyPath: issuing.keyPath, days: 5 });
        const leaf = await f.issue('renewed', '/CN=switch.test', issuing, SERVER);
        return { leaf, sent: [issuing], cas: [old, root], at: inDays(10) };
      },
    },
    {
      name: 'a CA of the issuing CA name with another key sent before the real one (no key identifiers)',
      expected: 'CERT_SIGNATURE_FAILURE',
      depth: 0,
      async make() {
        const other = await f.issue('same-name-sent', ISSUING, root, [...CA, 'subjectKeyIdentifier = none']);
        const leaf = await f.issue('behind-other', '/CN=switch.test', issuing, noAkid);
        return { leaf, sent: [other, issuing], cas: [root] };
      },
    },
    {
      name: 'a CA of the issuing CA name with another key among the chosen CAs, the real one sent',
      expected: 'CERT_SIGNATURE_FAILURE',
      depth: 0,
      async make() {
        const other = await f.issue('same-name-chosen', ISSUING, root, CA);
        const leaf = await f.issue('trusted-other', '/CN=switch.test', issuing, noAkid);
        return { leaf, sent: [issuing], cas: [root, other] };
      },
    },
    {
      name: 'the real issuing CA sent before a same-named one with another key',
      expected: 'OK',
      async make() {
        const other = await f.issue('same-name-after', ISSUING, root, CA);
        const leaf = await f.issue('real-first', '/CN=switch.test', issuing, noAkid);
        return { leaf, sent: [issuing, other], cas: [root] };
      },
    },
    {
      name: 'a server certificate carrying its subject alternative name twice (OpenSSL marks it invalid: no issuer fits)',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      async make() {
        const made = await f.issue('dup-san', '/CN=switch.test', issuing, SERVER);
        const san = der.seq(der.oid('2.5.29.17'), der.octets(der.seq(der.tlv(0x82, Buffer.from('switch.test')))));
        return { leaf: await withExtension(dir, 'dup-san-2', made, issuing, san), sent: [issuing], cas: [root] };
      },
    },
    {
      name: 'an issuing CA carrying its key usage twice (OpenSSL marks it invalid: it issues nothing)',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      async make() {
        const made = await f.issue('dup-ku-ca', ISSUING, root, CA);
        const ku = der.seq(der.oid('2.5.29.15'), der.bool(true), der.octets(der.bits(Buffer.from([0x06]), 1)));
        const ca = await withExtension(dir, 'dup-ku-ca-2', made, root, ku);
        const leaf = await f.issue('under-dup-ku', '/CN=switch.test', ca, SERVER);
        return { leaf, sent: [ca], cas: [root] };
      },
    },
    {
      name: 'a chosen root whose own signature is damaged (OpenSSL never checks a root self-signature)',
      expected: 'OK',
      async make() {
        const damaged = await withDamagedSignature(dir, 'root-damaged', root);
        return {
          leaf: await f.issue('under-damaged', '/CN=switch.test', issuing, SERVER),
          sent: [issuing],
          cas: [damaged],
        };
      },
    },
    {
      name: 'a self-signed server certificate whose signature is damaged (still self-signed to OpenSSL)',
      expected: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      depth: 0,
      async make() {
        const self = await f.root('self-damaged', '/CN=switch.test', SERVER);
        return { leaf: await withDamagedSignature(dir, 'self-damaged-2', self), sent: [], cas: [root] };
      },
    },
    {
      name: 'an issuing CA sent whose extended key usage does not decode (a verdict, not a crash)',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      async make() {
        const made = await f.issue('bad-eku-ca', ISSUING, root, CA);
        const eku = der.seq(der.oid('2.5.29.37'), der.octets(der.octets(Buffer.from('x'))));
        const ca = await withExtension(dir, 'bad-eku-ca-2', made, root, eku);
        return { leaf: await f.issue('under-bad-eku', '/CN=switch.test', ca, SERVER), sent: [ca], cas: [root] };
      },
    },
    {
      name: 'an issuing CA sent whose subject alternative name does not decode',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      async make() {
        const made = await f.issue('bad-san-ca', ISSUING, root, CA);
        const san = der.seq(der.oid('2.5.29.17'), der.octets(der.tlv(0x02, Buffer.from([1]))));
        const ca = await withExtension(dir, 'bad-san-ca-2', made, root, san);
        return { leaf: await f.issue('under-bad-san', '/CN=switch.test', ca, SERVER), sent: [ca], cas: [root] };
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const made = await c.make();
      const want = c.expected + (c.depth === undefined ? '' : `@${c.depth}`);
      const ossl = await opensslSays(f, made);
      expect(ossl.said, ossl.output).toBe(want);
      const v = verifyServerChain(
        [made.leaf.x509, ...made.sent.map((s) => s.x509)],
        made.cas.map((s) => s.x509),
        made.at ?? new Date(),
      );
      expect(v.ok ? 'OK' : `${v.error}@${v.depth}`).toBe(want);
    });
  }
});
