import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { makeTestPki, opensslOk, type TestPki, type IssuedCert } from '../../../support/openssl';
import { inspectCertificate } from '../../../../src/core/pki/inspect';

// Fixtures come from the openssl CLI; on a busy machine a single test may take seconds.
describe('inspectCertificate explains a certificate the way OpenSSL reads it', { timeout: 60_000 }, () => {
  let pki: TestPki;
  let leaf: IssuedCert;
  let ecLeaf: IssuedCert;

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    leaf = await pki.issuer.issue('MAC01.local', {
      sans: ['MAC01.local', 'IP:192.168.1.20', 'email:tech@acme.example', 'URI:https://acme.example/device'],
      ocsp: 'http://ocsp.acme.example',
      extra: [
        'authorityInfoAccess = OCSP;URI:http://ocsp.acme.example,caIssuers;URI:http://pki.acme.example/issuing.cer',
      ],
    });
    ecLeaf = await pki.issuer.issue('ec-device', { keyType: 'ec', ku: 'critical,digitalSignature' });
  }, 120_000); // openssl key generation is slow on a busy 2-core machine
  afterAll(() => pki?.cleanup());

  it('gives serial, fingerprints and dates equal to openssl x509', async () => {
    const info = inspectCertificate(new X509Certificate(leaf.certPem));
    const out = await opensslOk([
      'x509',
      '-in',
      leaf.certPath,
      '-noout',
      '-serial',
      '-fingerprint',
      '-sha256',
      '-enddate',
      '-startdate',
    ]);
    expect(info.serialNumber).toBe(out.match(/serial=(\S+)/)![1]!.replace(/^0+/, ''));
    expect(info.sha256).toBe(out.match(/Fingerprint=(\S+)/)![1]);
    expect(new Date(info.notAfter).getTime()).toBe(Date.parse(out.match(/notAfter=(.+)/)![1]!));
    expect(new Date(info.notBefore).getTime()).toBe(Date.parse(out.match(/notBefore=(.+)/)![1]!));
    const sha1 = await opensslOk(['x509', '-in', leaf.certPath, '-noout', '-fingerprint', '-sha1']);
    expect(info.sha1).toBe(sha1.match(/Fingerprint=(\S+)/)![1]);
  });

  it("lists the device certificate's names, usages and revocation URLs", () => {
    const info = inspectCertificate(new X509Certificate(leaf.certPem));
    expect(info).toMatchObject({
      subject: 'CN=MAC01.local',
      issuer: 'CN=Onboard Test Issuing CA',
      commonName: 'MAC01.local',
      keyType: 'rsa',
      keySize: 2048,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      basicConstraints: { ca: false },
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['clientAuth'],
      subjectAltNames: {
        dns: ['MAC01.local'],
        ip: ['192.168.1.20'],
        email: ['tech@acme.example'],
        uri: ['https://acme.example/device'],
      },
      crlUrls: ['http://127.0.0.1:1/intermediate.crl'],
      ocspUrls: ['http://ocsp.acme.example'],
      caIssuersUrls: ['http://pki.acme.example/issuing.cer'],
      role: 'leaf',
    });
    expect(info.pem).toBe(leaf.certPem.trim() + '\n');
  });

  it('names the roles: self-signed root, intermediate CA with its path length, leaf', () => {
    const root = inspectCertificate(new X509Certificate(pki.root.certPem));
    const issuing = inspectCertificate(new X509Certificate(pki.intermediate!.certPem));
    expect(root.role).toBe('root');
    expect(root.subject).toBe('CN=Onboard Test Root CA, O=Onboard Test');
    expect(issuing.role).toBe('intermediate');
    expect(issuing.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(issuing.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
  });

  it('reports an EC key by curve', () => {
    const info = inspectCertificate(new X509Certificate(ecLeaf.certPem));
    expect(info).toMatchObject({ keyType: 'ec', curve: 'P-256', keySize: 256, keyUsage: ['digitalSignature'] });
  });
});
