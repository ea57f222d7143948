// Hostile PKCS#12 files and encrypted keys: the derivation work is bounded for the whole file (counted, not timed), bags are capped,
// and a wrong password on a file without a MAC is never called intact.
import { describe, it, expect } from 'vitest';
import { createCipheriv, generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { der, toPem } from '../../../../../src/core/pki/der';
import { readAndAnalysePfx, writePfx } from '../../../../../src/core/pki/pkcs12';
import { loadMaterial } from '../../../../../src/core/pki/load';
import { buildCertificate } from '../../../../../src/core/pki/build';
import { MAX_DERIVATION_ROUNDS, WorkBudget } from '../../../../../src/core/pki/work-budget';
import { OnboardError } from '../../../../../src/core/errors';

const OID = {
  data: '1.2.840.113549.1.7.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacSha256: '1.2.840.113549.2.9',
  aes256: '2.16.840.1.101.3.4.1.42',
};

function errorOf(fn: () => unknown): OnboardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OnboardError) return e;
    throw e;
  }
  throw new Error('no error');
}

const dataInfo = (content: Buffer) => der.seq(der.oid(OID.data), der.ctx(0, true, der.octets(content)));
/** A PFX without a MAC whose one plain part holds `bags`. */
const pfxOf = (bags: Buffer[]) => der.seq(der.int(3), dataInfo(der.seq(dataInfo(der.seq(...bags)))));

/** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with `iterations`: the AlgorithmIdentifier and the ciphertext of `plain`. */
function pbes2(iterations: number, password: string, plain: Buffer, derive = true) {
  const salt = randomBytes(8);
  const iv = randomBytes(16);
  const algorithm = der.seq(
    der.oid(OID.pbes2),
    der.seq(
      der.seq(
        der.oid(OID.pbkdf2),
        der.seq(der.octets(salt), der.int(iterations), der.seq(der.oid(OID.hmacSha256), der.null())),
      ),
      der.seq(der.oid(OID.aes256), der.octets(iv)),
    ),
  );
  if (!derive) return { algorithm, encrypted: randomBytes(48) };
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const c = createCipheriv('aes-256-cbc', key, iv);
  return { algorithm, encrypted: Buffer.concat([c.update(plain), c.final()]) };
}

const keyDer = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });

describe('the password-derivation budget of one PFX', () => {
  it('refuses a file whose bags together ask for more work than the budget, having done no more than the budget', () => {
    // 400,000 iterations each: one bag alone is within the budget, three together are not.
    const one = pbes2(400_000, 'pw', keyDer);
    const bag = der.seq(
      der.oid(OID.shroudedKeyBag),
      der.ctx(0, true, der.seq(one.algorithm, der.octets(one.encrypted))),
    );
    const file = pfxOf(Array.from({ length: 20 }, () => bag));
    const budget = new WorkBudget();
    const e = errorOf(() => readAndAnalysePfx(file, 'pw', budget));
    expect(e.code).toBe('input-too-much-work');
    expect(budget.rounds).toBe(800_000);
    expect(budget.rounds).toBeLessThanOrEqual(MAX_DERIVATION_ROUNDS);
  });

  it('charges a MAC, a 3DES key and the certificates of a file as OpenSSL writes it a few thousand rounds', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = buildCertificate({
      subject: { commonName: 'MAC01.local' },
      publicKey: privateKey,
      signer: { key: privateKey },
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    for (const profile of ['compatible', 'modern'] as const) {
      const budget = new WorkBudget();
      readAndAnalysePfx(writePfx({ key: privateKey, certificate: cert, password: 'pw', profile }), 'pw', budget);
      expect(budget.rounds).toBeGreaterThan(2048);
      expect(budget.rounds).toBeLessThan(20_000);
    }
  });

  it('refuses more bags than any real file holds, before reading them', () => {
    const certBag = der.seq(
      der.oid(OID.certBag),
      der.ctx(0, true, der.seq(der.oid(OID.x509), der.ctx(0, true, der.octets(Buffer.from('not read'))))),
    );
    const budget = new WorkBudget();
    const e = errorOf(() => readAndAnalysePfx(pfxOf(Array.from({ length: 5000 }, () => certBag)), '', budget));
    expect(e.code).toBe('pfx-too-many-bags');
    expect(budget.bags).toBe(budget.maxBags + 1);
  });

  it('shares one budget across every PFX block of a PEM file', () => {
    const one = pbes2(600_000, 'pw', keyDer);
    const bag = der.seq(
      der.oid(OID.shroudedKeyBag),
      der.ctx(0, true, der.seq(one.algorithm, der.octets(one.encrypted))),
    );
    const block = toPem('PKCS12', pfxOf([bag]));
    const e = errorOf(() => loadMaterial(Buffer.from(block + block), { password: 'pw' }));
    expect(e.code).toBe('input-too-much-work');
  });
});

describe('an encrypted private key', () => {
  it('is refused before OpenSSL runs an iteration count far beyond the budget', () => {
    const { algorithm, encrypted } = pbes2(50_000_000, 'pw', keyDer, false);
    const pem = toPem('ENCRYPTED PRIVATE KEY', der.seq(algorithm, der.octets(encrypted)));
    expect(errorOf(() => loadMaterial(Buffer.from(pem), { password: 'pw' })).code).toBe('input-too-much-work');
    expect(errorOf(() => loadMaterial(der.seq(algorithm, der.octets(encrypted)), { password: 'pw' })).code).toBe(
      'input-too-much-work',
    );
  });

  it('opens as before when it was protected as tools do', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'pw',
    });
    expect(loadMaterial(Buffer.from(pem), { password: 'pw' }).privateKeys).toHaveLength(1);
  });
});

describe('a wrong password on a PFX without a MAC', () => {
  it('is not said to leave the file intact: nothing checked that', () => {
    const one = pbes2(2048, 'right', keyDer);
    const bag = der.seq(
      der.oid(OID.shroudedKeyBag),
      der.ctx(0, true, der.seq(one.algorithm, der.octets(one.encrypted))),
    );
    const e = errorOf(() => loadMaterial(pfxOf([bag]), { password: 'wrong', name: 'nomac.pfx' }));
    expect(e.code).toBe('pfx-wrong-password');
    expect(e.message).not.toMatch(/intact/);
    expect(e.message).toMatch(/or the file is damaged/);
  });
});
