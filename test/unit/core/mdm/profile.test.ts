// Specification: the CA profile's stable identity, what it refuses, and the identity payload only with eyes open.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnboardError } from '../../../../src/core/errors';
import {
  buildProfile,
  signProfile,
  stableUuid,
  validateIdentifier,
  validateOrganization,
} from '../../../../src/core/mdm/profile';
import { buildCertificate } from '../../../../src/core/pki/build';
import { makeSmallPki, type SmallPki } from './pki';

const DAY = 86_400_000;
let pki: SmallPki;
let other: SmallPki;
beforeAll(() => {
  pki = makeSmallPki('Acme');
  other = makeSmallPki('Other');
});

function refusal(f: () => unknown): OnboardError {
  try {
    f();
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('stable identity', () => {
  it('the same certificates give the same profile, whatever their order or repetition', () => {
    const a = buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert], organization: 'Acme' });
    const b = buildProfile({ caCertificates: [pki.issuing.cert, pki.root.cert, pki.root.cert], organization: 'Acme' });
    expect(b.xml).toBe(a.xml);
    expect(b.payloads).toEqual(a.payloads);
    expect(a.identifier).toBe('com.1e.onboard.ca-trust');
  });

  it('a changed set keeps the profile identifier (so it replaces the installed one) and every unchanged payload', () => {
    const before = buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert] });
    const after = buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert, other.root.cert] });
    expect(after.identifier).toBe(before.identifier);
    expect(after.uuid).not.toBe(before.uuid);
    for (const p of before.payloads) expect(after.payloads).toContainEqual(p);
  });

  it('another identifier gives other identifiers and UUIDs throughout', () => {
    const a = buildProfile({ caCertificates: [pki.root.cert] });
    const b = buildProfile({ caCertificates: [pki.root.cert], identifier: 'com.acme.onboard' });
    expect(b.payloads[0]!.identifier).toMatch(/^com\.acme\.onboard\.root\.[0-9a-f]{16}$/);
    expect(b.payloads[0]!.uuid).not.toBe(a.payloads[0]!.uuid);
    expect(b.uuid).not.toBe(a.uuid);
  });

  it('UUIDs are version 5 (name-based), upper case', () => {
    expect(stableUuid('x')).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(stableUuid('x')).toBe(stableUuid('x'));
    expect(stableUuid('x')).not.toBe(stableUuid('y'));
  });
});

describe('what a profile refuses', () => {
  it('a device certificate given as a CA, named', () => {
    const e = refusal(() => buildProfile({ caCertificates: [pki.root.cert, pki.device.cert] }));
    expect(e.code).toBe('ca-is-device-certificate');
    expect(e.message).toContain('CN=MAC01.local');
  });

  it('an intermediate whose issuer is missing, naming the issuer', () => {
    const e = refusal(() => buildProfile({ caCertificates: [pki.issuing.cert] }));
    expect(e.code).toBe('ca-chain-incomplete');
    expect(e.message).toContain('"CN=Acme Root CA, O=Acme"');
    expect(e.hint).toContain('CN=Acme Root CA, O=Acme');
  });

  it('an intermediate under a root of the same name but another key', () => {
    const impostor = makeSmallPki('Acme');
    const e = refusal(() => buildProfile({ caCertificates: [impostor.root.cert, pki.issuing.cert] }));
    expect(e.code).toBe('ca-chain-incomplete');
    expect(e.message).toMatch(/signature does not verify/);
  });

  it('an expired CA, with its dates', () => {
    const old = pki.caWithDates('Acme Old CA', new Date('2015-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const e = refusal(() => buildProfile({ caCertificates: [pki.root.cert, old] }));
    expect(e.code).toBe('ca-expired');
    expect(e.message).toContain('2020-01-01T00:00:00.000Z');
    expect(e.message).toContain('valid from 2015-01-01 to 2020-01-01');
  });

  it('a CA that is not valid yet, with its dates', () => {
    const soon = pki.caWithDates('Acme Next CA', new Date(Date.now() + 30 * DAY), new Date(Date.now() + 900 * DAY));
    const e = refusal(() => buildProfile({ caCertificates: [pki.root.cert, soon] }));
    expect(e.code).toBe('ca-not-yet-valid');
    expect(e.message).toMatch(/valid from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
  });

  it('no CA certificate at all', () => {
    expect(refusal(() => buildProfile({ caCertificates: [] })).code).toBe('no-ca-certificates');
  });

  it('identifiers that are not reverse-DNS and organisation names that are not one line', () => {
    expect(() => validateIdentifier('acme')).toThrow(OnboardError);
    expect(() => validateIdentifier('com.acme.with space')).toThrow(OnboardError);
    expect(validateIdentifier('com.acme.1e-trust')).toBe('com.acme.1e-trust');
    expect(() => validateOrganization('Acme\nEvil')).toThrow(OnboardError);
    expect(validateOrganization('  Acme Ltd ')).toBe('Acme Ltd');
  });

  it('a CA that expires soon is kept, with a warning naming the date', () => {
    const short = pki.caWithDates('Acme Short CA', new Date(Date.now() - DAY), new Date(Date.now() + 20 * DAY));
    const p = buildProfile({ caCertificates: [pki.root.cert, short] });
    expect(p.warnings.join('\n')).toMatch(/Acme Short CA.*expires on \d{4}-\d{2}-\d{2}, in 19 days/);
  });
});

describe('the identity payload', () => {
  it('is refused unless all-apps access is accepted, and when accepted the output says both facts', () => {
    const identity = { key: pki.device.key, certificate: pki.device.cert, chain: [] };
    const e = refusal(() =>
      buildProfile({
        caCertificates: [pki.root.cert, pki.issuing.cert],
        identity: { identity, allowAllApps: false as unknown as true },
      }),
    );
    expect(e.code).toBe('identity-needs-all-apps');
    const p = buildProfile({
      caCertificates: [pki.root.cert, pki.issuing.cert],
      identity: { identity, allowAllApps: true },
    });
    const said = p.warnings.join('\n');
    expect(said).toMatch(/every app on the Mac/);
    expect(said).toMatch(/only obfuscates/);
    expect(p.payloads.at(-1)!.identifier).toBe('com.1e.onboard.ca-trust.identity.mac01-local');
  });

  it("keeps its identifiers when re-exported, though the wrapped key's bytes differ", () => {
    const identity = { key: pki.device.key, certificate: pki.device.cert, chain: [] };
    const make = () =>
      buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert], identity: { identity, allowAllApps: true } });
    const [a, b] = [make(), make()];
    expect(b.payloads).toEqual(a.payloads);
    expect(b.uuid).toBe(a.uuid);
    expect(b.xml).not.toBe(a.xml);
  });
});

describe('signing', () => {
  it('refuses a signer that has expired or may not sign', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const expired = buildCertificate({
      subject: { commonName: 'Old Signer' },
      publicKey: key,
      signer: { key },
      notBefore: new Date('2019-01-01T00:00:00Z'),
      notAfter: new Date('2020-01-01T00:00:00Z'),
      keyUsage: ['digitalSignature'],
    });
    const xml = buildProfile({ caCertificates: [pki.root.cert] }).xml;
    const e = refusal(() => signProfile(xml, { key, certificate: expired, chain: [] }));
    expect(e.code).toBe('signer-unusable');
    expect(e.message).toContain('expired on 2020-01-01');
    const caOnly = buildCertificate({
      subject: { commonName: 'Not A Signer' },
      publicKey: key,
      signer: { key },
      notAfter: new Date(Date.now() + DAY),
      keyUsage: ['keyCertSign'],
    });
    expect(refusal(() => signProfile(xml, { key, certificate: caOnly, chain: [] })).message).toMatch(
      /does not allow digital signatures/,
    );
  });

  it('refuses a key type profiles are not signed with', () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    const cert = buildCertificate({
      subject: { commonName: 'Ed Signer' },
      publicKey: key,
      signer: { key: pki.root.key, certificate: pki.root.cert },
      notAfter: new Date(Date.now() + DAY),
    });
    const xml = buildProfile({ caCertificates: [pki.root.cert] }).xml;
    expect(refusal(() => signProfile(xml, { key, certificate: cert, chain: [] })).code).toBe('signer-key-unsupported');
  });
});
