// The TLS server chain judge (verifyServerChain) case by case against `openssl verify -purpose sslserver`: the same first error at the same depth.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { CA_EXTENSIONS as CA, CertForge, type MadeCert } from '../../support/chain-fixtures';
import { openssl } from '../../support/openssl';
import { OPENSSL_ERRORS } from '../../support/openssl-verify-errors';
import { verifyServerChain } from '../../../src/core/pki/server-chain';

/** A well-formed TLS server certificate's extensions. */
const SERVER = [
  'basicConstraints = CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:switch.test',
  'authorityKeyIdentifier = keyid',
];
const withLine = (ext: string[], key: string, line: string | null) => [
  ...ext.filter((l) => !l.startsWith(`${key} `)),
  ...(line ? [line] : []),
];

export interface ServerChainCase {
  name: string;
  /** What OpenSSL is expected to say, so that a broken fixture cannot make both sides agree by accident. */
  expected: string;
  depth?: number;
  make(): Promise<{ leaf: MadeCert; sent: MadeCert[]; cas: MadeCert[]; at?: Date }>;
}

async function opensslFirstError(
  f: CertForge,
  c: { leaf: MadeCert; sent: MadeCert[]; cas: MadeCert[]; at?: Date },
): Promise<{ error: string; depth?: number; output: string }> {
  const args = ['verify', '-purpose', 'sslserver', '-CAfile', await f.bundle(`${c.leaf.name}-cas`, c.cas)];
  if (c.sent.length) args.push('-untrusted', await f.bundle(`${c.leaf.name}-sent`, c.sent));
  if (c.at) args.push('-attime', String(Math.floor(c.at.getTime() / 1000)));
  const r = await openssl([...args, c.leaf.path]);
  const output = (r.stdout + r.stderr).trim();
  const m = output.match(/error (\d+) at (\d+) depth lookup/);
  if (!m) return { error: r.code === 0 ? 'OK' : `exit ${r.code}`, output };
  return { error: OPENSSL_ERRORS[Number(m[1])] ?? `error ${m[1]}`, depth: Number(m[2]), output };
}

describe('the server chain judge agrees with openssl verify -purpose sslserver', { timeout: 120_000 }, () => {
  let f: CertForge;
  let root: MadeCert;
  let issuing: MadeCert;
  let otherRoot: MadeCert;
  beforeAll(async () => {
    f = await CertForge.create();
    root = await f.root('root', '/O=Onboard Server Test/CN=Server Root', CA);
    issuing = await f.issue('issuing', '/O=Onboard Server Test/CN=Server Issuing CA', root, CA);
    otherRoot = await f.root('other-root', '/O=Elsewhere/CN=Other Root', CA);
  }, 120_000);
  afterAll(() => f?.cleanup());

  const leafUnder = (name: string, ext = SERVER, issuer?: MadeCert, days?: number) =>
    f.issue(name, '/CN=switch.test', issuer ?? issuing, ext, { days });
  const later = (days: number) => new Date(Date.now() + days * 86400_000);

  const cases: ServerChainCase[] = [
    {
      name: 'a good chain',
      expected: 'OK',
      make: async () => ({ leaf: await leafUnder('good'), sent: [issuing], cas: [root] }),
    },
    {
      name: 'a chain whose root (sent along) is not among the chosen CAs',
      expected: 'SELF_SIGNED_CERT_IN_CHAIN',
      depth: 2,
      make: async () => ({ leaf: await leafUnder('foreign-root'), sent: [issuing, root], cas: [otherRoot] }),
    },
    {
      name: 'a chain to a root neither sent nor chosen',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 1,
      make: async () => ({ leaf: await leafUnder('unknown-root'), sent: [issuing], cas: [otherRoot] }),
    },
    {
      name: 'a self-signed server certificate',
      expected: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      depth: 0,
      make: async () => ({
        leaf: await f.root('self-signed', '/CN=switch.test', withLine(SERVER, 'authorityKeyIdentifier', null)),
        sent: [],
        cas: [root],
      }),
    },
    {
      name: 'a missing intermediate',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      make: async () => ({ leaf: await leafUnder('no-intermediate'), sent: [], cas: [root] }),
    },
    {
      name: 'only the issuing CA chosen, not its root',
      expected: 'UNABLE_TO_GET_ISSUER_CERT',
      depth: 1,
      make: async () => ({ leaf: await leafUnder('partial'), sent: [issuing, root], cas: [issuing] }),
    },
    {
      name: 'an expired server certificate',
      expected: 'CERT_HAS_EXPIRED',
      depth: 0,
      make: async () => ({
        leaf: await leafUnder('expired', SERVER, issuing, 1),
        sent: [issuing],
        cas: [root],
        at: later(2),
      }),
    },
    {
      name: 'an expired intermediate (the server certificate expired too: OpenSSL checks from the root down)',
      expected: 'CERT_HAS_EXPIRED',
      depth: 1,
      async make() {
        const shortCa = await f.issue('short-ca', '/O=Onboard Server Test/CN=Short CA', root, CA, { days: 1 });
        return { leaf: await leafUnder('under-short', SERVER, shortCa, 1), sent: [shortCa], cas: [root], at: later(2) };
      },
    },
    {
      name: 'a server certificate not valid yet',
      expected: 'CERT_NOT_YET_VALID',
      depth: 0,
      async make() {
        // The CAs above were made at least a second before: at the second before the leaf starts, they are valid.
        await sleep(1100);
        const leaf = await leafUnder('not-yet');
        return { leaf, sent: [issuing], cas: [root], at: new Date(new Date(leaf.x509.validFrom).getTime() - 1000) };
      },
    },
    {
      name: 'a server certificate for Client Authentication only',
      expected: 'INVALID_PURPOSE',
      depth: 0,
      make: async () => ({
        leaf: await leafUnder('client-only', withLine(SERVER, 'extendedKeyUsage', 'extendedKeyUsage = clientAuth')),
        sent: [issuing],
        cas: [root],
      }),
    },
    {
      name: 'a server certificate whose key usage is keyCertSign only',
      expected: 'INVALID_PURPOSE',
      depth: 0,
      make: async () => ({
        leaf: await leafUnder('certsign-only', withLine(SERVER, 'keyUsage', 'keyUsage = critical,keyCertSign')),
        sent: [issuing],
        cas: [root],
      }),
    },
    {
      name: 'an intermediate without CA:TRUE',
      expected: 'INVALID_CA',
      depth: 1,
      async make() {
        const notCa = await f.issue('not-ca', '/O=Onboard Server Test/CN=Not A CA', root, [
          'basicConstraints = critical,CA:FALSE',
          ...CA.slice(1),
        ]);
        return { leaf: await leafUnder('under-not-ca', SERVER, notCa), sent: [notCa], cas: [root] };
      },
    },
    {
      name: 'an intermediate limited to Client Authentication',
      expected: 'INVALID_PURPOSE',
      depth: 1,
      async make() {
        const clientCa = await f.issue('client-ca', '/O=Onboard Server Test/CN=Client CA', root, [
          ...CA,
          'extendedKeyUsage = clientAuth',
        ]);
        return { leaf: await leafUnder('under-client-ca', SERVER, clientCa), sent: [clientCa], cas: [root] };
      },
    },
    {
      name: 'a wrong signature (signed by another key under the issuing CA name, no key identifier)',
      expected: 'CERT_SIGNATURE_FAILURE',
      depth: 0,
      async make() {
        const impostor = await f.root('impostor', '/O=Onboard Server Test/CN=Server Issuing CA', CA);
        // OpenSSL 3's x509 adds a key identifier unless told "none".
        const noAkid = withLine(SERVER, 'authorityKeyIdentifier', 'authorityKeyIdentifier = none');
        const leaf = await leafUnder('forged', noAkid, impostor);
        return { leaf, sent: [issuing], cas: [root] };
      },
    },
    {
      name: 'a wrong signature whose key identifier names the other key',
      expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      depth: 0,
      async make() {
        const impostor = await f.root('impostor-akid', '/O=Onboard Server Test/CN=Server Issuing CA', CA);
        return { leaf: await leafUnder('forged-akid', SERVER, impostor), sent: [issuing], cas: [root] };
      },
    },
    {
      name: 'a path length exceeded',
      expected: 'PATH_LENGTH_EXCEEDED',
      depth: 2,
      async make() {
        const top = await f.issue('pathlen-top', '/O=Onboard Server Test/CN=Pathlen 0 CA', root, [
          'basicConstraints = critical,CA:TRUE,pathlen:0',
          ...CA.slice(1),
        ]);
        const below = await f.issue('pathlen-below', '/O=Onboard Server Test/CN=Below Pathlen CA', top, CA);
        return { leaf: await leafUnder('pathlen-leaf', SERVER, below), sent: [below, top], cas: [root] };
      },
    },
    {
      name: 'an unhandled critical extension on the server certificate',
      expected: 'UNHANDLED_CRITICAL_EXTENSION',
      depth: 0,
      make: async () => ({
        leaf: await leafUnder('critical', [...SERVER, '1.2.3.4.5 = critical,ASN1:NULL']),
        sent: [issuing],
        cas: [root],
      }),
    },
    {
      name: 'a self-signed server certificate that has also expired (the first error is the self-signature)',
      expected: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      depth: 0,
      make: async () => ({
        leaf: await f.root('self-expired', '/CN=switch.test', withLine(SERVER, 'authorityKeyIdentifier', null), {
          days: 1,
        }),
        sent: [],
        cas: [root],
        at: later(2),
      }),
    },
    {
      name: 'a self-signed server certificate that is itself among the chosen CAs',
      expected: 'OK',
      async make() {
        const leaf = await f.root('self-chosen', '/CN=switch.test', withLine(SERVER, 'authorityKeyIdentifier', null));
        return { leaf, sent: [], cas: [root, leaf] };
      },
    },
    {
      name: 'a chain sent out of order, with an unrelated certificate among it',
      expected: 'OK',
      make: async () => ({ leaf: await leafUnder('jumbled'), sent: [otherRoot, root, issuing], cas: [root] }),
    },
    {
      name: 'an expired root (the first error is at the root: dates are checked from the top)',
      expected: 'CERT_HAS_EXPIRED',
      depth: 2,
      async make() {
        const shortRoot = await f.root('short-root', '/O=Short/CN=Short Root', CA, { days: 1 });
        const ca = await f.issue('short-root-ca', '/O=Short/CN=Short Root CA', shortRoot, CA, { days: 1 });
        return { leaf: await leafUnder('under-short-root', SERVER, ca, 1), sent: [ca], cas: [shortRoot], at: later(2) };
      },
    },
    {
      name: 'a server name outside the issuing CA name constraints',
      expected: 'PERMITTED_VIOLATION',
      depth: 0,
      async make() {
        const nc = await f.issue('nc-ca', '/O=Onboard Server Test/CN=Constrained CA', root, [
          ...CA,
          'nameConstraints = critical,permitted;DNS:.example.org',
        ]);
        return { leaf: await leafUnder('nc-leaf', SERVER, nc), sent: [nc], cas: [root] };
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const made = await c.make();
      const ossl = await opensslFirstError(f, made);
      expect(ossl.error, ossl.output).toBe(c.expected);
      if (c.depth !== undefined) expect(ossl.depth, ossl.output).toBe(c.depth);
      const v = verifyServerChain(
        [made.leaf.x509, ...made.sent.map((s) => s.x509)],
        made.cas.map((s) => s.x509),
        made.at ?? new Date(),
      );
      expect(v.ok ? 'OK' : v.error).toBe(c.expected);
      if (!v.ok) expect(v.depth).toBe(c.depth);
    });
  }
});
