// A small CA hierarchy made with the core's certificate builder, for the profile and kit specifications.
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { buildCertificate } from '../../../../src/core/pki/build';

const DAY = 86_400_000;

export interface MadeCa {
  cert: X509Certificate;
  key: KeyObject;
}

export interface SmallPki {
  root: MadeCa;
  issuing: MadeCa;
  device: MadeCa;
  /** A CA made with other dates than now (expired or not yet valid), signed by the root. */
  caWithDates(name: string, notBefore: Date, notAfter: Date): X509Certificate;
}

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export function makeSmallPki(name = 'Acme', now = Date.now()): SmallPki {
  const rootKey = rsa();
  const root = buildCertificate({
    subject: { organization: name, commonName: `${name} Root CA` },
    publicKey: rootKey,
    signer: { key: rootKey },
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const issuingKey = rsa();
  const issuing = buildCertificate({
    subject: { organization: name, commonName: `${name} Issuing CA` },
    publicKey: issuingKey,
    signer: { key: rootKey, certificate: root },
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 1825 * DAY),
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const deviceKey = rsa();
  const device = buildCertificate({
    subject: { commonName: 'MAC01.local' },
    publicKey: deviceKey,
    signer: { key: issuingKey, certificate: issuing },
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
    dnsNames: ['MAC01.local'],
  });
  return {
    root: { cert: root, key: rootKey },
    issuing: { cert: issuing, key: issuingKey },
    device: { cert: device, key: deviceKey },
    caWithDates: (cn, notBefore, notAfter) =>
      buildCertificate({
        subject: { organization: name, commonName: cn },
        publicKey: issuingKey,
        signer: { key: rootKey, certificate: root },
        notBefore,
        notAfter,
        ca: true,
        keyUsage: ['keyCertSign', 'cRLSign'],
      }),
  };
}
