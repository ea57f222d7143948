// How a PFX is protected, and whether every macOS version will import it (from the one decryption of the file).
import { SALT_LENGTH } from './cipher';
import { contentsOf, open, type Opened, type PfxContents } from './read';
import type { WorkBudget } from '../work-budget';

export interface PfxAnalysis {
  macAlgorithm: string | null;
  macSaltLength: number | null;
  macIterations: number | null;
  keyBagAlgorithms: string[];
  certBagAlgorithms: string[];
  emptyPassword: boolean;
  macOsCompatible: boolean;
  /** Plain sentences, one per thing a technician should know. */
  problems: string[];
}

const COMPATIBLE_KEY = 'pbeWithSHA1And3-KeyTripleDES-CBC';
const COMPATIBLE_CERT_BAGS = new Set([
  'none',
  COMPATIBLE_KEY,
  'pbeWithSHA1And40BitRC2-CBC',
  'pbeWithSHA1And128BitRC2-CBC',
]);

function analyseOpened(o: Opened, password: string): PfxAnalysis {
  const mac = o.mac;
  const keyBagAlgorithms = o.keys.map((k) => k.algorithm);
  const problems: string[] = [];
  if (!mac) problems.push('The file has no integrity check (MAC); macOS refuses such files.');
  else {
    if (mac.digest !== 'sha1')
      problems.push(
        `The integrity check uses ${mac.digest.toUpperCase()}; macOS 12 to 14 reject anything but SHA-1 with "MAC verification failed (wrong password?)".`,
      );
    if (mac.salt.length !== SALT_LENGTH)
      problems.push(
        `The integrity check has a ${mac.salt.length}-byte salt; macOS is only known to import 8-byte salts (16-byte salts were reported to fail).`,
      );
  }
  for (const alg of new Set(keyBagAlgorithms.filter((a) => a !== COMPATIBLE_KEY))) {
    problems.push(
      alg === 'none'
        ? 'The private key is stored unencrypted inside the file; macOS expects it encrypted with 3DES.'
        : `The private key is encrypted with ${alg}; macOS 12 to 14 only import keys encrypted with ${COMPATIBLE_KEY}.`,
    );
  }
  for (const alg of new Set(o.certBagAlgorithms.filter((a) => !COMPATIBLE_CERT_BAGS.has(a)))) {
    problems.push(`The certificates are encrypted with ${alg}; macOS 12 to 14 cannot read that.`);
  }
  if (password === '') problems.push('The file has an empty password; macOS 15 refuses to import such files.');
  const macOsCompatible = problems.length === 0;
  if (o.keys.length === 0)
    problems.push(
      'The file holds no private key, so macOS would import certificates only, not an identity the 1E Client can use.',
    );
  if (o.keys.length > 1) problems.push(`The file holds ${o.keys.length} private keys; Onboard uses the first one.`);
  return {
    macAlgorithm: mac?.digest ?? null,
    macSaltLength: mac ? mac.salt.length : null,
    macIterations: mac?.iterations ?? null,
    keyBagAlgorithms,
    certBagAlgorithms: o.certBagAlgorithms,
    emptyPassword: password === '',
    macOsCompatible,
    problems,
  };
}

/** Opens a PFX and says how it is protected, and whether every macOS version will import it. */
export function analysePfx(der: Uint8Array, password: string, budget?: WorkBudget): PfxAnalysis {
  return analyseOpened(open(der, password, budget), password);
}

/** What readPfx and analysePfx say, from one decryption: for callers that want both. */
export function readAndAnalysePfx(
  der: Uint8Array,
  password: string,
  budget?: WorkBudget,
): { contents: PfxContents; analysis: PfxAnalysis } {
  const o = open(der, password, budget);
  return { contents: contentsOf(o), analysis: analyseOpened(o, password) };
}
