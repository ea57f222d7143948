// The one file that uses node-forge: RC2 decryption, which only OpenSSL's legacy provider has and Node does not load.
import { BadPadding } from './errors';

// Only the two small modules RC2 needs, loaded on first use: all of node-forge costs ~45 ms of start-up, these ~8 ms,
// and only -legacy and older Windows files (RC2-encrypted certificate bags) get here.
interface ForgeBuffer {
  getBytes(): string;
}
interface Rc2Cipher {
  start(iv: string): void;
  update(input: ForgeBuffer): void;
  finish(): boolean;
  output: ForgeBuffer;
}
interface ForgeRc2 {
  rc2: { createDecryptionCipher(key: string, bits: number): Rc2Cipher };
  util: { createBuffer(bytes: string): ForgeBuffer };
}

let forge: ForgeRc2 | undefined;
function load(): ForgeRc2 {
  forge ??= {
    rc2: require('node-forge/lib/rc2') as ForgeRc2['rc2'],
    util: require('node-forge/lib/util') as ForgeRc2['util'],
  };
  return forge;
}

// forge works on binary strings (one byte per char).
const bin = (b: Buffer): string => b.toString('latin1');

/** RC2-CBC with PKCS#7 padding; a padding failure is a BadPadding (a wrong password). */
export function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  const { rc2, util } = load();
  const c = rc2.createDecryptionCipher(bin(key), bits);
  c.start(bin(iv));
  c.update(util.createBuffer(bin(data)));
  if (!c.finish()) throw new BadPadding();
  return Buffer.from(c.output.getBytes(), 'latin1');
}
