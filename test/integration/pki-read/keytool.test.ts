import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestPki, opensslOk, type TestPki } from '../../support/openssl';
import { loadFile } from '../../../src/core/pki/load';
import { checkClientCertificate, summarise } from '../../../src/core/pki/requirements';

const KEYTOOL = '/usr/bin/keytool';
const STOREPASS = 'changeit-123';

function keytool(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KEYTOOL, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`keytool ${args[0]}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

describe.skipIf(!existsSync(KEYTOOL))("files made by Java's keytool", () => {
  let pki: TestPki;
  let store: string;

  beforeAll(async () => {
    pki = await makeTestPki({ intermediate: true });
    store = join(pki.dir, 'device.p12');
    await keytool([
      '-genkeypair',
      '-alias',
      'device',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=MAC01.local',
      '-validity',
      '30',
      '-keystore',
      store,
      '-storetype',
      'PKCS12',
      '-storepass',
      STOREPASS,
      '-ext',
      'EKU=clientAuth',
      '-ext',
      'KU=digitalSignature,keyEncipherment',
    ]);
  });
  afterAll(() => pki?.cleanup());

  it('reads a keytool PKCS#12 keystore and fails its self-signed certificate on not-self-signed and chain-trusted only', async () => {
    const m = await loadFile(store, { password: STOREPASS });
    expect(m.kinds).toContain('pkcs12');
    expect(m.privateKeys).toHaveLength(1);
    const fs = checkClientCertificate({
      certificate: m.certificates[0]!,
      privateKey: m.privateKeys[0],
      caCertificates: [],
      hostname: 'MAC01.local',
      pfx: m.pfx,
    });
    const failed = fs.filter((f) => f.status === 'fail').map((f) => f.id);
    expect(failed.filter((id) => id !== 'pfx-macos-compatible' && id !== 'revocation-http')).toEqual([
      'chain-trusted',
      'not-self-signed',
    ]);
    expect(failed).toContain('revocation-http'); // keytool adds no CDP unless asked
  });

  it('reads a keytool certificate request, then passes the CA-signed reply imported back into the keystore', async () => {
    const csr = join(pki.dir, 'device.csr');
    await keytool([
      '-certreq',
      '-alias',
      'device',
      '-keystore',
      store,
      '-storepass',
      STOREPASS,
      '-file',
      csr,
      '-ext',
      'SAN=dns:MAC01.local',
    ]);
    const req = (await loadFile(csr)).csrs[0]!;
    expect(req).toMatchObject({ commonName: 'MAC01.local', keyType: 'rsa', signatureValid: true });
    expect(req.subjectAltNames.dns).toEqual(['MAC01.local']);

    const ext = join(pki.dir, 'device.ext');
    const signed = join(pki.dir, 'device-signed.pem');
    await writeFile(
      ext,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:MAC01.local\ncrlDistributionPoints=URI:${pki.issuer.crlUrl}\n`,
    );
    await opensslOk([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-set_serial',
      '0x1e01',
      '-days',
      '60',
      '-extfile',
      ext,
      '-out',
      signed,
    ]);
    await keytool([
      '-importcert',
      '-noprompt',
      '-alias',
      'root',
      '-file',
      pki.root.certPath,
      '-keystore',
      store,
      '-storepass',
      STOREPASS,
    ]);
    await keytool([
      '-importcert',
      '-noprompt',
      '-alias',
      'issuing',
      '-file',
      pki.intermediate!.certPath,
      '-keystore',
      store,
      '-storepass',
      STOREPASS,
    ]);
    await keytool([
      '-importcert',
      '-noprompt',
      '-alias',
      'device',
      '-file',
      signed,
      '-keystore',
      store,
      '-storepass',
      STOREPASS,
    ]);

    const m = await loadFile(store, { password: STOREPASS });
    const ca = await loadFile(pki.root.certPath);
    const leaf = m.certificates.find((c) => c.checkPrivateKey(m.privateKeys[0]!))!;
    const fs = checkClientCertificate({
      certificate: leaf,
      privateKey: m.privateKeys[0],
      caCertificates: ca.certificates,
      hostname: 'MAC01.local',
      pfx: m.pfx,
      extraCertificates: m.certificates.filter((c) => c !== leaf),
    });
    const pfxFinding = fs.find((f) => f.id === 'pfx-macos-compatible')!;
    expect(pfxFinding.status).toBe(m.pfx!.macOsCompatible ? 'pass' : 'fail');
    expect(fs.filter((f) => f.status !== 'pass' && f.id !== 'pfx-macos-compatible')).toEqual([]);
    expect(summarise(fs).ok).toBe(m.pfx!.macOsCompatible);
  });
});
