// Revocation from CRL files, case by case against `openssl verify -purpose sslclient -crl_check_all -CRLfile`: revoked at several depths, stale and future lists, wrong signer, no cRLSign, critical extensions, missing lists.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { CA_EXTENSIONS as CA, LEAF_EXTENSIONS as LEAF, CertForge, type MadeCert } from '../../support/chain-fixtures';
import {
  damageSignature,
  makeCrl,
  onboardRevocationVerdict,
  opensslAcceptsWithCrls,
  type MadeCrl,
} from '../../support/crl-fixtures';

interface Built {
  leaf: MadeCert;
  untrusted: MadeCert[];
  crls: MadeCrl[];
}

interface Case {
  name: string;
  make(): Promise<Built>;
  opensslOk: boolean;
  /** Words the not-revoked finding must use when it fails. */
  words?: RegExp;
}

describe('revocation verdicts agree with openssl verify -crl_check_all', { timeout: 60_000 }, () => {
  let f: CertForge;
  let root: MadeCert;
  let ca: MadeCert;
  let rootCrl: MadeCrl;
  beforeAll(async () => {
    f = await CertForge.create();
    root = await f.root('crl-root', '/O=Onboard CRL Test/CN=CRL Root', CA.slice(0, 3));
    ca = await f.issue('crl-ca', '/O=Onboard CRL Test/CN=CRL Issuing CA', root, CA);
    rootCrl = await makeCrl(f, 'root', root);
  }, 120_000);
  afterAll(() => f?.cleanup());

  const leafOf = (name: string, issuer: MadeCert) => f.issue(name, '/CN=MAC01.local', issuer, LEAF);

  const cases: Case[] = [
    {
      name: 'nothing revoked, a current CRL for every CA',
      opensslOk: true,
      async make() {
        const leaf = await leafOf('good-leaf', ca);
        return { leaf, untrusted: [ca], crls: [rootCrl, await makeCrl(f, 'good-ca', ca)] };
      },
    },
    {
      name: 'the device certificate revoked for key compromise',
      opensslOk: false,
      words: /MAC01\.local.* is revoked: .*keyCompromise/,
      async make() {
        const leaf = await leafOf('rev-leaf', ca);
        const crl = await makeCrl(f, 'rev-ca', ca, { revoked: [{ cert: leaf, reason: 'keyCompromise' }] });
        return { leaf, untrusted: [ca], crls: [rootCrl, crl] };
      },
    },
    {
      name: 'the issuing CA revoked by the root (everything below goes with it)',
      opensslOk: false,
      words: /The CA certificate .*CRL Revoked CA.* is revoked: .*cACompromise.* Everything it issued/,
      async make() {
        const sub = await f.issue('rev-sub', '/O=Onboard CRL Test/CN=CRL Revoked CA', root, CA);
        const leaf = await leafOf('rev-sub-leaf', sub);
        const byRoot = await makeCrl(f, 'root-revokes', root, { revoked: [{ cert: sub, reason: 'CACompromise' }] });
        return { leaf, untrusted: [sub], crls: [byRoot, await makeCrl(f, 'rev-sub', sub)] };
      },
    },
    {
      name: 'a CA two levels up revoked, the lists below it clean',
      opensslOk: false,
      words: /CRL Upper CA.* is revoked: .*superseded/,
      async make() {
        const upper = await f.issue('up-ca', '/O=Onboard CRL Test/CN=CRL Upper CA', root, CA);
        const lower = await f.issue('low-ca', '/O=Onboard CRL Test/CN=CRL Lower CA', upper, CA);
        const leaf = await leafOf('deep-leaf', lower);
        const byRoot = await makeCrl(f, 'root-revokes-up', root, { revoked: [{ cert: upper, reason: 'superseded' }] });
        return {
          leaf,
          untrusted: [upper, lower],
          crls: [byRoot, await makeCrl(f, 'up', upper), await makeCrl(f, 'low', lower)],
        };
      },
    },
    {
      name: 'three levels, nothing revoked',
      opensslOk: true,
      async make() {
        const upper = await f.issue('up2-ca', '/O=Onboard CRL Test/CN=CRL Upper CA 2', root, CA);
        const lower = await f.issue('low2-ca', '/O=Onboard CRL Test/CN=CRL Lower CA 2', upper, CA);
        const leaf = await leafOf('deep2-leaf', lower);
        return {
          leaf,
          untrusted: [upper, lower],
          crls: [rootCrl, await makeCrl(f, 'up2', upper), await makeCrl(f, 'low2', lower)],
        };
      },
    },
    {
      name: "a stale CRL (nextUpdate passed) for the device certificate's issuer",
      opensslOk: false,
      words: /is out of date at .*next update/,
      async make() {
        const leaf = await leafOf('stale-leaf', ca);
        return {
          leaf,
          untrusted: [ca],
          crls: [rootCrl, await makeCrl(f, 'stale', ca, { lastDays: -30, nextDays: -1 })],
        };
      },
    },
    {
      name: 'a CRL that is not valid yet',
      opensslOk: false,
      words: /is not valid yet at/,
      async make() {
        const leaf = await leafOf('future-leaf', ca);
        return { leaf, untrusted: [ca], crls: [rootCrl, await makeCrl(f, 'future', ca, { lastDays: 2, nextDays: 9 })] };
      },
    },
    {
      name: "a CRL in the issuing CA's name signed by another key, without an authority key identifier",
      opensslOk: false,
      words: /signature does not verify with that CA's key/,
      async make() {
        const impostor = await f.root('impostor', '/O=Onboard CRL Test/CN=CRL Issuing CA', CA.slice(0, 3));
        const leaf = await leafOf('wrongkey-leaf', ca);
        const crl = await makeCrl(f, 'wrongkey', impostor, { noAkid: true });
        return { leaf, untrusted: [ca], crls: [rootCrl, crl] };
      },
    },
    {
      name: "a CRL in the issuing CA's name whose authority key identifier names another key",
      opensslOk: false,
      words: /wrongakid\.crl carries that CA's name but not its key/,
      async make() {
        const impostor = await f.root('impostor2', '/O=Onboard CRL Test/CN=CRL Issuing CA', CA.slice(0, 3));
        const leaf = await leafOf('wrongakid-leaf', ca);
        return { leaf, untrusted: [ca], crls: [rootCrl, await makeCrl(f, 'wrongakid', impostor)] };
      },
    },
    {
      name: 'a CRL whose signature has been damaged (unused bits set in its BIT STRING)',
      opensslOk: false,
      words: /signature does not verify with that CA's key/,
      async make() {
        const leaf = await leafOf('damaged-leaf', ca);
        return { leaf, untrusted: [ca], crls: [rootCrl, await damageSignature(f, await makeCrl(f, 'damaged', ca))] };
      },
    },
    {
      name: 'an issuing CA without cRLSign in its key usage',
      opensslOk: false,
      words: /cRLSign missing/,
      async make() {
        const noSign = await f.issue('nosign-ca', '/O=Onboard CRL Test/CN=CRL No Sign CA', root, [
          'basicConstraints = critical,CA:TRUE',
          'keyUsage = critical,keyCertSign',
          'subjectKeyIdentifier = hash',
          'authorityKeyIdentifier = keyid',
        ]);
        const leaf = await leafOf('nosign-leaf', noSign);
        return { leaf, untrusted: [noSign], crls: [rootCrl, await makeCrl(f, 'nosign', noSign)] };
      },
    },
    {
      name: 'a CRL with an unknown critical extension',
      opensslOk: false,
      words: /critical extension OpenSSL does not process/,
      async make() {
        const leaf = await leafOf('crit-leaf', ca);
        const crl = await makeCrl(f, 'crit', ca, { extensions: ['1.3.6.1.4.1.55555.9 = critical,ASN1:NULL'] });
        return { leaf, untrusted: [ca], crls: [rootCrl, crl] };
      },
    },
    {
      name: 'the same extension, not critical',
      opensslOk: true,
      async make() {
        const leaf = await leafOf('noncrit-leaf', ca);
        const crl = await makeCrl(f, 'noncrit', ca, { extensions: ['1.3.6.1.4.1.55555.9 = ASN1:NULL'] });
        return { leaf, untrusted: [ca], crls: [rootCrl, crl] };
      },
    },
    {
      name: "no CRL of the root (-crl_check_all checks the issuing CA's certificate too)",
      opensslOk: false,
      words: /No CRL from .*CRL Root/,
      async make() {
        const leaf = await leafOf('noroot-leaf', ca);
        return { leaf, untrusted: [ca], crls: [await makeCrl(f, 'noroot', ca)] };
      },
    },
    {
      name: 'another certificate revoked, this one not',
      opensslOk: true,
      async make() {
        const other = await leafOf('other-leaf', ca);
        const leaf = await leafOf('kept-leaf', ca);
        const crl = await makeCrl(f, 'other', ca, { revoked: [{ cert: other, reason: 'affiliationChanged' }] });
        return { leaf, untrusted: [ca], crls: [rootCrl, crl] };
      },
    },
  ];

  for (const c of cases) {
    it(`agree on ${c.name} (OpenSSL says ${c.opensslOk ? 'OK' : 'no'})`, async () => {
      const { leaf, untrusted, crls } = await c.make();
      const reference = await opensslAcceptsWithCrls(f, leaf, root, untrusted, crls);
      expect(reference.ok, reference.output).toBe(c.opensslOk);
      const ours = onboardRevocationVerdict(leaf, root, untrusted, crls);
      expect(ours.ok, ours.detail).toBe(c.opensslOk);
      expect(ours.status).toBe(c.opensslOk ? 'pass' : 'fail');
      if (c.words) expect(ours.detail).toMatch(c.words);
    });
  }
});
