// Specification: a light certificate answers exactly as node's X509Certificate does, for RSA, EC and Ed25519 keys, and is one.
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate } from '../../../../src/core/pki/build';
import { certificateKey, certificateKeyLabel, keyUnusable } from '../../../../src/core/pki/inspect';
import { lightCertificate, lightRsaKeyBits } from '../../../../src/core/pki/light-certificate';
import { checkClientCertificate } from '../../../../src/core/pki/requirements';
import { makeTestPki, opensslOk, type TestPki } from '../../../support/openssl';

let rsa: TestPki;
let ec: TestPki;
const leaves: Record<string, { cert: X509Certificate; keyPem: string }> = {};

beforeAll(async () => {
  rsa = await makeTestPki({ intermediate: true, name: 'Light' });
  ec = await makeTestPki({ keyType: 'ec', name: 'Light EC' });
  const r = await rsa.issuer.issue('rsa-leaf', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  const e = await ec.issuer.issue('ec-leaf', { cn: 'MAC02.local', keyType: 'ec' });
  const edKey = `${rsa.dir}/ed.key`;
  await opensslOk(['genpkey', '-algorithm', 'ed25519', '-out', edKey]);
  await opensslOk([
    'req',
    '-x509',
    '-new',
    '-key',
    edKey,
    '-subj',
    '/CN=Ed Leaf/O=A, B "C"',
    '-days',
    '2',
    '-out',
    `${rsa.dir}/ed.pem`,
  ]);
  leaves.rsa = { cert: new X509Certificate(r.certPem), keyPem: await readFile(r.keyPath, 'utf8') };
  leaves.ec = { cert: new X509Certificate(e.certPem), keyPem: await readFile(e.keyPath, 'utf8') };
  leaves.ed = { cert: new X509Certificate(await readFile(`${rsa.dir}/ed.pem`)), keyPem: await readFile(edKey, 'utf8') };
}, 60_000);
afterAll(async () => {
  await rsa?.cleanup();
  await ec?.cleanup();
});

describe('lightCertificate', () => {
  for (const kind of ['rsa', 'ec', 'ed'] as const) {
    it(`${kind}: the fields the checks read, the key, PEM, and what falls through to node`, () => {
      const real = leaves[kind]!.cert;
      const light = lightCertificate(real.raw);
      expect(light).toBeInstanceOf(X509Certificate);
      expect(light.raw.equals(real.raw)).toBe(true);
      for (const p of [
        'fingerprint',
        'fingerprint256',
        'fingerprint512',
        'subject',
        'issuer',
        'serialNumber',
        'validTo',
      ] as const)
        expect(light[p]).toBe(real[p]);
      expect(light.toString()).toBe(real.toString());
      expect(light.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
        real.publicKey.export({ type: 'spki', format: 'der' }),
      );
      expect(light.publicKey.asymmetricKeyDetails).toEqual(real.publicKey.asymmetricKeyDetails);
      const key = createPrivateKey(leaves[kind]!.keyPem);
      expect(light.checkPrivateKey(key)).toBe(true);
      expect(light.checkPrivateKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)).toBe(false);
      expect(real.checkIssued(light)).toBe(real.checkIssued(real));
    });
  }

  it('verifies a signature exactly when node does: the issuer key yes, another key no', () => {
    const light = lightCertificate(leaves.rsa!.cert.raw);
    const issuer = new X509Certificate(rsa.issuer.certPem);
    expect(light.verify(issuer.publicKey)).toBe(true);
    expect(leaves.rsa!.cert.verify(issuer.publicKey)).toBe(true);
    const stranger = new X509Certificate(ec.root.certPem).publicKey;
    expect(light.verify(stranger)).toBe(leaves.rsa!.cert.verify(stranger));
    expect(lightCertificate(leaves.ed!.cert.raw).verify(leaves.ed!.cert.publicKey)).toBe(true);
    expect(lightCertificate(leaves.ec!.cert.raw).verify(new X509Certificate(ec.root.certPem).publicKey)).toBe(true);
  });

  it('a changed byte in the signed part fails verification, as with node', () => {
    const bytes = Buffer.from(leaves.rsa!.cert.raw);
    const cn = bytes.indexOf(Buffer.from('MAC01.local'));
    bytes[cn] = 'N'.charCodeAt(0);
    const issuer = new X509Certificate(rsa.issuer.certPem).publicKey;
    expect(lightCertificate(bytes).verify(issuer)).toBe(false);
    expect(new X509Certificate(bytes).verify(issuer)).toBe(false);
  });

  it('refuses bytes that are not one certificate', () => {
    expect(() => lightCertificate(Buffer.from('3003020101', 'hex'))).toThrow();
    expect(() => lightCertificate(Buffer.concat([leaves.rsa!.cert.raw, Buffer.from([0])]))).toThrow(
      /after the certificate/,
    );
  });

  it('describes an RSA key from its own reading, as node does from the key object (sizes off the byte boundary too)', () => {
    for (const bits of [1024, 1031, 2048, 3072]) {
      const key = generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
      const real = buildCertificate({
        subject: { commonName: `RSA ${bits}` },
        publicKey: key,
        signer: { key },
        notAfter: new Date(Date.now() + 86_400_000),
      });
      const light = lightCertificate(real.raw);
      expect(lightRsaKeyBits(light)).toBe(real.publicKey.asymmetricKeyDetails!.modulusLength);
      expect(certificateKey(light)).toEqual(certificateKey(new X509Certificate(real.raw)));
      expect(certificateKeyLabel(light)).toBe(certificateKeyLabel(new X509Certificate(real.raw)));
      expect(keyUnusable(light)).toBe(false);
      expect(light.publicKey.asymmetricKeyDetails!.modulusLength).toBe(bits);
    }
    // Other keys, and node's own certificates, go through the key object as before.
    expect(lightRsaKeyBits(lightCertificate(leaves.ec!.cert.raw))).toBeUndefined();
    expect(lightRsaKeyBits(lightCertificate(leaves.ed!.cert.raw))).toBeUndefined();
    expect(lightRsaKeyBits(leaves.rsa!.cert)).toBeUndefined();
    expect(certificateKeyLabel(lightCertificate(leaves.ec!.cert.raw))).toBe(certificateKeyLabel(leaves.ec!.cert));
  });

  it('the full 1E check gives the same findings for a light certificate as for a node one', () => {
    const cas = [new X509Certificate(rsa.root.certPem), new X509Certificate(rsa.intermediate!.certPem)];
    const at = new Date();
    const judge = (c: X509Certificate) =>
      checkClientCertificate({
        certificate: c,
        caCertificates: cas,
        hostname: 'MAC01.local',
        at,
        privateKey: createPrivateKey(leaves.rsa!.keyPem),
      });
    expect(judge(lightCertificate(leaves.rsa!.cert.raw))).toEqual(judge(new X509Certificate(leaves.rsa!.cert.raw)));
  });
});
