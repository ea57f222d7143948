// The site PKI the certificate benchmarks share: a root, an issuing CA under it, and one RSA key for every device.
import { generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { buildCertificate } from '../src/core/pki/build';

const DAY = 86_400_000;

export interface SitePki {
  root: X509Certificate;
  issuing: X509Certificate;
  issuingKey: KeyObject;
  /** One key for all devices, so that making 1,000 of them is fast: only their certificates are under test. */
  deviceKey: KeyObject;
}

export function makeSitePki(): SitePki {
  const rootKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const issuingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const deviceKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const root = buildCertificate({
    subject: { organization: 'Bench', commonName: 'Bench Root CA' },
    publicKey: rootKey,
    signer: { key: rootKey },
    notAfter: new Date(Date.now() + 3650 * DAY),
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const issuing = buildCertificate({
    subject: { organization: 'Bench', commonName: 'Bench Issuing CA' },
    publicKey: issuingKey,
    signer: { key: rootKey, certificate: root },
    notAfter: new Date(Date.now() + 1825 * DAY),
    ca: { pathLength: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  return { root, issuing, issuingKey, deviceKey };
}
