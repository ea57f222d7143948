// Name constraints (RFC 5280 §4.2.1.10) case by case against `openssl verify -purpose sslclient`: DNS, directory, e-mail, IP and URI subtrees, permitted and excluded, on the issuing CA and on the root.
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
  /** Which constrained CA issues the device certificate. */
  ca: string;
  subject: string;
  /** subjectAltName value, if any. */
  san?: string;
  opensslOk: boolean;
  why: string;
}

// One constrained issuing CA per kind of name, each under the same root.
const CONSTRAINED: Record<string, string> = {
  dns: 'permitted;DNS:acme.example, excluded;DNS:lab.acme.example',
  dn: 'permitted;dirName:dn_ok, excluded;dirName:dn_bad',
  email: 'permitted;email:.acme.example, excluded;email:boss@mail.acme.example',
  ip: 'permitted;IP:10.0.0.0/255.0.0.0, excluded;IP:10.66.0.0/255.255.0.0',
  uri: 'permitted;URI:.acme.example',
};
const DIRNAMES = ['[dn_ok]', 'C = GB', 'O = Acme', '[dn_bad]', 'C = GB', 'O = Acme', 'OU = Lab'];

const CASES: Case[] = [
  {
    ca: 'dns',
    subject: '/CN=mac01',
    san: 'DNS:mac01.acme.example',
    opensslOk: true,
    why: 'a SAN DNS name inside the permitted domain',
  },
  {
    ca: 'dns',
    subject: '/CN=mac01',
    san: 'DNS:MAC01.ACME.EXAMPLE',
    opensslOk: true,
    why: 'the same name in capitals (DNS names ignore case)',
  },
  {
    ca: 'dns',
    subject: '/CN=mac01',
    san: 'DNS:mac01.other.example',
    opensslOk: false,
    why: 'a SAN DNS name outside the permitted domain',
  },
  {
    ca: 'dns',
    subject: '/CN=mac01',
    san: 'DNS:notacme.example',
    opensslOk: false,
    why: 'a name that only ends in the same letters',
  },
  {
    ca: 'dns',
    subject: '/CN=mac01',
    san: 'DNS:mac01.lab.acme.example',
    opensslOk: false,
    why: 'a SAN DNS name in the excluded subdomain',
  },
  {
    ca: 'dns',
    subject: '/CN=MAC01.local',
    opensslOk: false,
    why: 'no SAN, and a CN that looks like a host name outside the domain',
  },
  { ca: 'dns', subject: '/CN=MAC01', opensslOk: true, why: 'no SAN, and a one-label CN (not read as a host name)' },
  {
    ca: 'dns',
    subject: '/CN=MAC01.local',
    san: 'DNS:mac01.acme.example',
    opensslOk: true,
    why: 'a CN outside the domain, but a SAN DNS name inside (the CN is then not checked)',
  },
  {
    ca: 'dn',
    subject: '/C=GB/O=Acme/CN=MAC01.local',
    opensslOk: true,
    why: 'a subject within the permitted directory subtree',
  },
  {
    ca: 'dn',
    subject: '/C=GB/O=  ACME /CN=MAC01.local',
    opensslOk: true,
    why: 'the same subtree written with other capitals and spaces',
  },
  {
    ca: 'dn',
    subject: '/C=GB/O=Other/CN=MAC01.local',
    opensslOk: false,
    why: 'a subject outside the permitted directory subtree',
  },
  {
    ca: 'dn',
    subject: '/C=GB/O=Acme/OU=Lab/CN=MAC01.local',
    opensslOk: false,
    why: 'a subject in the excluded directory subtree',
  },
  {
    ca: 'email',
    subject: '/CN=mac01',
    san: 'email:it@mail.acme.example',
    opensslOk: true,
    why: 'an e-mail address on a host within the permitted domain',
  },
  {
    ca: 'email',
    subject: '/CN=mac01',
    san: 'email:it@acme.example',
    opensslOk: false,
    why: 'an e-mail address on the domain itself (".acme.example" means hosts below it)',
  },
  {
    ca: 'email',
    subject: '/CN=mac01/emailAddress=it@other.example',
    opensslOk: false,
    why: 'an emailAddress in the subject outside the permitted domain',
  },
  {
    ca: 'email',
    subject: '/CN=mac01',
    san: 'email:boss@mail.acme.example',
    opensslOk: false,
    why: 'the excluded mailbox',
  },
  {
    ca: 'email',
    subject: '/CN=mac01',
    san: 'email:Boss@mail.acme.example',
    opensslOk: true,
    why: 'the excluded mailbox with another capital (the local part is case-sensitive)',
  },
  {
    ca: 'ip',
    subject: '/CN=mac01',
    san: 'IP:10.1.2.3',
    opensslOk: true,
    why: 'an IP address inside the permitted network',
  },
  {
    ca: 'ip',
    subject: '/CN=mac01',
    san: 'IP:192.168.1.20',
    opensslOk: false,
    why: 'an IP address outside the permitted network',
  },
  {
    ca: 'ip',
    subject: '/CN=mac01',
    san: 'IP:10.66.1.1',
    opensslOk: false,
    why: 'an IP address inside the excluded network',
  },
  {
    ca: 'ip',
    subject: '/CN=mac01',
    san: 'IP:fd00::1',
    opensslOk: false,
    why: 'an IPv6 address under IPv4-only subtrees',
  },
  {
    ca: 'uri',
    subject: '/CN=mac01',
    san: 'URI:https://mac01.acme.example:8443/x',
    opensslOk: true,
    why: 'a URI whose host is within the permitted domain',
  },
  {
    ca: 'uri',
    subject: '/CN=mac01',
    san: 'URI:https://acme.example/',
    opensslOk: false,
    why: 'a URI on the domain itself',
  },
  {
    ca: 'uri',
    subject: '/CN=mac01',
    san: 'URI:urn:acme:mac01',
    opensslOk: false,
    why: 'a URI without a host, which OpenSSL cannot check',
  },
];

describe('name constraints agree with openssl verify -purpose sslclient', { timeout: 60_000 }, () => {
  let f: CertForge;
  let root: MadeCert;
  const cas = new Map<string, MadeCert>();
  beforeAll(async () => {
    f = await CertForge.create();
    root = await f.root('root', '/O=Onboard NC Test/CN=NC Root', CA.slice(0, 3));
    for (const [kind, nc] of Object.entries(CONSTRAINED)) {
      cas.set(
        kind,
        await f.issue(`nc-${kind}`, `/O=Onboard NC Test/CN=${kind} constrained CA`, root, [
          ...CA,
          `nameConstraints = critical,${nc}`,
          ...(kind === 'dn' ? DIRNAMES : []),
        ]),
      );
    }
  }, 120_000);
  afterAll(() => f?.cleanup());

  CASES.forEach((c, n) => {
    it(`agree on ${c.why} (${c.ca}; OpenSSL says ${c.opensslOk ? 'OK' : 'no'})`, async () => {
      const ca = cas.get(c.ca)!;
      const leaf = await f.issue(`leaf-${n}`, c.subject, ca, [
        ...LEAF,
        ...(c.san ? [`subjectAltName = ${c.san}`] : []),
      ]);
      const reference = await opensslAccepts(f, leaf, root, [ca]);
      expect(reference.ok, reference.output).toBe(c.opensslOk);
      const ours = onboardVerdict(leaf, [root, ca]);
      expect(ours.ok, ours.detail).toBe(c.opensslOk);
      if (!c.opensslOk) expect(ours.detail).toMatch(CODE_WORDS['name-constraints']!);
    });
  });

  it('applies the root’s constraints too, and skips a self-issued CA’s own subject (RFC 5280 §6.1.3 (b))', async () => {
    const cRoot = await f.root('c-root', '/C=GB/O=Acme/CN=Constrained Root', [
      ...CA.slice(0, 3),
      'nameConstraints = critical,permitted;dirName:dn_ok',
      ...DIRNAMES,
    ]);
    const ca = await f.issue('c-ca', '/C=GB/O=Acme/CN=Acme CA', cRoot, CA);
    // A key rollover certificate: self-issued, so its own name is not checked, but what it issues is.
    const rollover = await f.issue('c-roll', '/C=GB/O=Acme/CN=Acme CA', ca, CA);
    const inside = await f.issue('c-in', '/C=GB/O=Acme/CN=MAC01.local', rollover, LEAF);
    const outside = await f.issue('c-out', '/C=US/O=Acme/CN=MAC01.local', rollover, LEAF);
    for (const [leaf, ok] of [
      [inside, true],
      [outside, false],
    ] as const) {
      const reference = await opensslAccepts(f, leaf, cRoot, [ca, rollover]);
      expect(reference.ok, reference.output).toBe(ok);
      expect(onboardVerdict(leaf, [cRoot, ca, rollover]).ok).toBe(ok);
    }
  });
});
