// Specification: a shrouded key opened by OpenSSL in one call is the key our own decryption finds, and anything
// OpenSSL does not open is left to that decryption (never a different key, never an error of its own).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDer } from '../../../../../src/core/pki/der';
import { decrypt, decryptKeyNatively } from '../../../../../src/core/pki/pkcs12/cipher';
import { parts, octetsOf } from '../../../../../src/core/pki/pkcs12/errors';
import { passwordForms } from '../../../../../src/core/pki/pkcs12/kdf';
import { WorkBudget } from '../../../../../src/core/pki/work-budget';

const PW = 'Ünïcødé 🔑 pw';
const dir = mkdtempSync(join(tmpdir(), 'onboard-cipher-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const plainPath = join(dir, 'key.pem');
writeFileSync(plainPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
const plainDer = privateKey.export({ type: 'pkcs8', format: 'der' });

/** An EncryptedPrivateKeyInfo made by the openssl command with the given scheme options. */
function encrypted(args: string[]): Buffer {
  return execFileSync('/usr/bin/openssl', ['pkcs8', '-topk8', '-in', plainPath, '-outform', 'DER', ...args], {
    env: { ...process.env, KEYPW: PW },
  });
}
function pieces(info: Buffer) {
  const [alg, enc] = parts(parseDer(info).root, 'encrypted private key', 2);
  return { alg: alg!, data: octetsOf(enc, 'encrypted private key') };
}

describe('decryptKeyNatively', () => {
  it.each([
    ['PKCS#12 3DES (what -legacy and macOS write)', ['-v1', 'PBE-SHA1-3DES', '-iter', '2048']],
    ['PBES2 AES-256 (what OpenSSL 3 writes)', ['-v2', 'aes-256-cbc', '-iter', '2048']],
  ])('opens %s to the same key as our own decryption', (_label, args) => {
    const info = encrypted([...args, '-passout', 'env:KEYPW']);
    const { alg, data } = pieces(info);
    const pw = passwordForms(PW)[0]!;
    const key = decryptKeyNatively(info, alg, pw, new WorkBudget());
    expect(key?.export({ type: 'pkcs8', format: 'der' }).equals(plainDer)).toBe(true);
    expect(decrypt(alg, data, pw, new WorkBudget()).equals(plainDer)).toBe(true);
  });

  it('charges its derivation to the work budget of its file before OpenSSL runs it', () => {
    const info = encrypted(['-v1', 'PBE-SHA1-3DES', '-iter', '2048', '-passout', 'env:KEYPW']);
    const pw = passwordForms(PW)[0]!;
    const budget = new WorkBudget();
    decryptKeyNatively(info, pieces(info).alg, pw, budget);
    expect(budget.rounds).toBe(2048 * 3); // a 24-byte key and an 8-byte IV: two blocks and one of SHA-1
    expect(() => decryptKeyNatively(info, pieces(info).alg, pw, new WorkBudget(6000))).toThrow(/derivation work/);
  });

  it('declines a wrong password, leaving the verdict to our own decryption', () => {
    const info = encrypted(['-v1', 'PBE-SHA1-3DES', '-passout', 'env:KEYPW']);
    expect(decryptKeyNatively(info, pieces(info).alg, passwordForms('not it')[0]!, new WorkBudget())).toBeUndefined();
  });

  it('declines the empty password, whose two forms only our own decryption tries', () => {
    const info = encrypted(['-v1', 'PBE-SHA1-3DES', '-passout', 'pass:']);
    for (const form of passwordForms(''))
      expect(decryptKeyNatively(info, pieces(info).alg, form, new WorkBudget())).toBeUndefined();
  });

  it('declines RC2, which OpenSSL 3 has only in its legacy provider', () => {
    const info = encrypted([
      '-v1',
      'PBE-SHA1-RC2-40',
      '-provider',
      'legacy',
      '-provider',
      'default',
      '-passout',
      'env:KEYPW',
    ]);
    const { alg, data } = pieces(info);
    const pw = passwordForms(PW)[0]!;
    expect(decryptKeyNatively(info, alg, pw, new WorkBudget())).toBeUndefined();
    expect(decrypt(alg, data, pw, new WorkBudget()).equals(plainDer)).toBe(true);
  });
});
