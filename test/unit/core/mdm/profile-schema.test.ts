// Specification: every profile Onboard writes is, key by key, what Apple's schema (apple/device-management) describes.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProfile } from '../../../../src/core/mdm/profile';
import { openPfx } from '../../../../src/core/pki/identity';
import { isPlistDict, parsePlist, type PlistValue } from '../../../../src/core/plist';
import { problems, schema } from './apple-schema';
import { makeSmallPki, type SmallPki } from './pki';

type Dict = { [key: string]: PlistValue };

let pki: SmallPki;
beforeAll(() => {
  pki = makeSmallPki();
});

function payloadsOf(xml: string): { top: Dict; payloads: Dict[] } {
  const top = parsePlist(xml);
  if (!isPlistDict(top)) throw new Error('not a dictionary');
  const payloads = top.PayloadContent;
  if (!Array.isArray(payloads) || !payloads.every(isPlistDict)) throw new Error('PayloadContent is not dictionaries');
  return { top, payloads: payloads as Dict[] };
}

describe("profiles against Apple's schema", () => {
  it('the CA profile: TopLevel keys, then each certificate payload against the common keys and its own', () => {
    const { top, payloads } = payloadsOf(
      buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert], organization: 'Acme Ltd' }).xml,
    );
    expect(problems(top, ['TopLevel'])).toEqual([]);
    expect(top.PayloadScope).toBe('System');
    expect(payloads.map((p) => p.PayloadType)).toEqual(['com.apple.security.root', 'com.apple.security.pkcs1']);
    for (const p of payloads) {
      const type = String(p.PayloadType);
      expect(schema(type).payload.payloadtype).toBe(type);
      expect(problems(p, ['CommonPayloadKeys', type])).toEqual([]);
    }
    expect(Buffer.from(payloads[0]!.PayloadContent as Uint8Array).equals(pki.root.cert.raw)).toBe(true);
    expect(Buffer.from(payloads[1]!.PayloadContent as Uint8Array).equals(pki.issuing.cert.raw)).toBe(true);
  });

  it('the identity payload: com.apple.security.pkcs12 whose PFX opens with its Password and holds the identity', () => {
    const identity = { key: pki.device.key, certificate: pki.device.cert, chain: [pki.issuing.cert] };
    const { top, payloads } = payloadsOf(
      buildProfile({ caCertificates: [pki.root.cert, pki.issuing.cert], identity: { identity, allowAllApps: true } })
        .xml,
    );
    expect(problems(top, ['TopLevel'])).toEqual([]);
    const p = payloads.find((x) => x.PayloadType === 'com.apple.security.pkcs12')!;
    expect(problems(p, ['CommonPayloadKeys', 'com.apple.security.pkcs12'])).toEqual([]);
    expect(p.AllowAllAppsAccess).toBe(true);
    const opened = openPfx(p.PayloadContent as Uint8Array, String(p.Password)).identity;
    expect(opened.certificate.fingerprint256).toBe(pki.device.cert.fingerprint256);
  });

  it('the check itself finds a misspelt key, a wrong type, a value outside the range and a missing required key', () => {
    const bad = { PayloadType: 'com.apple.security.root', PayloadVersion: 2, PayloadUUID: 7, PayloadIdentifer: 'x' };
    expect(problems(bad, ['CommonPayloadKeys', 'com.apple.security.root'])).toEqual([
      'required key PayloadIdentifier is missing',
      'required key PayloadContent is missing',
      'key PayloadVersion is 2, not one of 1',
      'key PayloadUUID is <integer>, not <string>',
      "key PayloadIdentifer is not in Apple's schema",
    ]);
  });
});
