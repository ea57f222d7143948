// Path validation beyond signatures, case by case against `openssl verify -purpose sslclient`: names that differ only in case and spacing, self-issued key rollover under a path length, critical extensions, CA purposes, keys OpenSSL cannot use.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  CA_EXTENSIONS as CA,
  LEAF_EXTENSIONS as LEAF,
  CODE_WORDS,
  CertForge,
  onboardVerdict,
  opensslAccepts,
  type MadeCert,
} from '../../support/chain-fixtures';

interface Case {
  name: string;
  make(): Promise<{ leaf: MadeCert; root: MadeCert; untrusted: MadeCert[] }>;
  /** What OpenSSL is expected to say, so that a broken fixture cannot make both sides agree by accident. */
  opensslOk: boolean;
  /** The chain problem Onboard must name when it refuses. */
  code?: string;
}

describe('chain verdicts agree with openssl verify -purpose sslclient', { timeout: 60_000 }, () => {
  let f: CertForge;
  let root: MadeCert;
  beforeAll(async () => {
    f = await CertForge.create();
    root = await f.root('root', '/O=Onboard Chain Test/CN=Chain Root', CA.slice(0, 3));
  }, 120_000);
  afterAll(() => f?.cleanup());

  const cases: Case[] = [
    {
      name: 'an issuer name that differs from the CA subject only in capitals and spacing (RFC 5280 §7.1)',
      opensslOk: true,
      async make() {
        // Two certificates of one CA key: the device certificate is signed under a sloppily written name,
        // the trusted copy has the tidy one. OpenSSL's canonical names make them the same CA.
        const key = await f.key('spacing');
        const sloppy = await f.issue('spacing-sloppy', '/O=  onboard   CHAIN test /CN=issuing    ca', root, CA, {
          keyPath: key,
        });
        const tidy = await f.issue('spacing-tidy', '/O=Onboard Chain Test/CN=Issuing CA', root, CA, {
          keyPath: key,
          stringMask: 'nombstr',
        });
        const leaf = await f.issue('spacing-leaf', '/CN=MAC01.local', sloppy, LEAF);
        return { leaf, root, untrusted: [tidy] };
      },
    },
    {
      name: 'an issuer name with a different word, not just different spacing',
      opensslOk: false,
      code: 'issuer-missing',
      async make() {
        const key = await f.key('word');
        const other = await f.issue('word-other', '/O=Onboard Chain Test/CN=Issuing CA 2', root, CA, { keyPath: key });
        const real = await f.issue('word-real', '/O=Onboard Chain Test/CN=Issuing CA', root, CA, { keyPath: key });
        const leaf = await f.issue('word-leaf', '/CN=MAC01.local', other, LEAF);
        return { leaf, root, untrusted: [real] };
      },
    },
    {
      name: 'a self-issued key rollover certificate under pathlen:0 (not counted, RFC 5280 §6.1.4 (l))',
      opensslOk: true,
      async make() {
        const ca = await f.issue('roll-ca', '/CN=Rollover CA', root, [
          ...CA.slice(0, 2),
          'basicConstraints = critical,CA:TRUE,pathlen:0',
          ...CA.slice(2),
        ]);
        const newKey = await f.key('roll-new');
        const rollover = await f.issue('roll-new-ca', '/CN=Rollover CA', ca, CA, { keyPath: newKey });
        const leaf = await f.issue('roll-leaf', '/CN=MAC01.local', rollover, LEAF);
        return { leaf, root, untrusted: [ca, rollover] };
      },
    },
    {
      name: 'a second, differently named CA under pathlen:0',
      opensslOk: false,
      code: 'path-length',
      async make() {
        const ca = await f.issue('len-ca', '/CN=Length CA', root, [
          ...CA.slice(0, 2),
          'basicConstraints = critical,CA:TRUE,pathlen:0',
          ...CA.slice(2),
        ]);
        const sub = await f.issue('len-sub', '/CN=Length Sub CA', ca, CA);
        const leaf = await f.issue('len-leaf', '/CN=MAC01.local', sub, LEAF);
        return { leaf, root, untrusted: [ca, sub] };
      },
    },
    {
      name: 'a device certificate with an unknown critical extension',
      opensslOk: false,
      code: 'critical-extension',
      async make() {
        const ca = await f.issue('crit-ca', '/CN=Critical CA', root, CA);
        const leaf = await f.issue('crit-leaf', '/CN=MAC01.local', ca, [
          ...LEAF,
          '1.3.6.1.4.1.55555.1 = critical,ASN1:NULL',
        ]);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'an intermediate with an unknown critical extension',
      opensslOk: false,
      code: 'critical-extension',
      async make() {
        const ca = await f.issue('crit-int', '/CN=Critical Int CA', root, [
          ...CA,
          '1.3.6.1.4.1.55555.2 = critical,ASN1:NULL',
        ]);
        const leaf = await f.issue('crit-int-leaf', '/CN=MAC01.local', ca, LEAF);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'the same unknown extension, not critical',
      opensslOk: true,
      async make() {
        const ca = await f.issue('noncrit-ca', '/CN=Non-critical CA', root, [...CA, '1.3.6.1.4.1.55555.3 = ASN1:NULL']);
        const leaf = await f.issue('noncrit-leaf', '/CN=MAC01.local', ca, [...LEAF, '1.3.6.1.4.1.55555.4 = ASN1:NULL']);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'a critical authority information access extension (known, but not processed by OpenSSL)',
      opensslOk: false,
      code: 'critical-extension',
      async make() {
        const ca = await f.issue('aia-ca', '/CN=AIA CA', root, CA);
        const leaf = await f.issue('aia-leaf', '/CN=MAC01.local', ca, [
          ...LEAF,
          'authorityInfoAccess = critical,OCSP;URI:http://ocsp.example',
        ]);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'an issuing CA whose extended key usage is server authentication only',
      opensslOk: false,
      code: 'ca-purpose',
      async make() {
        const ca = await f.issue('eku-ca', '/CN=Server-only CA', root, [...CA, 'extendedKeyUsage = serverAuth']);
        const leaf = await f.issue('eku-leaf', '/CN=MAC01.local', ca, LEAF);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'an issuing CA whose extended key usage includes client authentication',
      opensslOk: true,
      async make() {
        const ca = await f.issue('eku2-ca', '/CN=Client CA', root, [...CA, 'extendedKeyUsage = serverAuth,clientAuth']);
        const leaf = await f.issue('eku2-leaf', '/CN=MAC01.local', ca, LEAF);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'a root without basic constraints but with a key usage (OpenSSL accepts such a trust anchor)',
      opensslOk: true,
      async make() {
        const bare = await f.root('bare-root', '/CN=Bare Root', [
          'keyUsage = keyCertSign,cRLSign',
          'subjectKeyIdentifier = hash',
        ]);
        const leaf = await f.issue('bare-leaf', '/CN=MAC01.local', bare, LEAF);
        return { leaf, root: bare, untrusted: [] };
      },
    },
    {
      name: 'an intermediate without basic constraints',
      opensslOk: false,
      code: 'not-a-ca',
      async make() {
        const ca = await f.issue('nobc-ca', '/CN=No BC CA', root, [
          'keyUsage = critical,keyCertSign,cRLSign',
          'subjectKeyIdentifier = hash',
        ]);
        const leaf = await f.issue('nobc-leaf', '/CN=MAC01.local', ca, LEAF);
        return { leaf, root, untrusted: [ca] };
      },
    },
    {
      name: 'a DSA issuing CA whose key inherits its parameters from the CA above',
      opensslOk: false,
      code: 'key-unusable',
      async make() {
        const dsaKey = await f.key('dsa-root', 'dsa');
        const dsaRoot = await f.root('dsa-root', '/CN=DSA Root', CA.slice(0, 3), { keyPath: dsaKey });
        const subKey = await f.key('dsa-sub', 'dsa');
        const withParams = await f.issue('dsa-sub', '/CN=DSA Inherited CA', dsaRoot, CA, { keyPath: subKey });
        const inherited = await f.withoutDsaParameters('dsa-sub-bare', withParams, dsaRoot);
        const leaf = await f.issue('dsa-leaf', '/CN=MAC01.local', withParams, LEAF);
        return { leaf, root: dsaRoot, untrusted: [inherited] };
      },
    },
  ];

  for (const c of cases) {
    it(`agree on ${c.name} (OpenSSL says ${c.opensslOk ? 'OK' : 'no'})`, async () => {
      const { leaf, root: anchor, untrusted } = await c.make();
      const reference = await opensslAccepts(f, leaf, anchor, untrusted);
      expect(reference.ok, reference.output).toBe(c.opensslOk);
      const ours = onboardVerdict(leaf, [anchor, ...untrusted]);
      expect(ours.ok, ours.detail).toBe(c.opensslOk);
      if (c.code) expect(ours.detail).toMatch(CODE_WORDS[c.code]!);
    });
  }
});
