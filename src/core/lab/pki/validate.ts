// What a lab's lab.json and index.json must hold, and its name rules: a damaged file is named, never half-used.
import { OnboardError } from '../../errors';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isDate = (x: unknown) => typeof x === 'string' && !Number.isNaN(Date.parse(x));

/** What is wrong with a parsed lab.json, or null when it is usable. Unknown extra fields are left alone. */
export function configProblem(c: unknown): string | null {
  if (!isObject(c)) return 'lab.json does not hold an object';
  if (c.format !== 'onboard-lab/1') return 'lab.json has an unknown format';
  // Labs made before names were checked keep working: only an absent or empty name is damage here.
  if (typeof c.name !== 'string' || c.name.trim() === '') return 'lab.json has no name';
  if (typeof c.crlBaseUrl !== 'string') return 'lab.json has no crlBaseUrl';
  if (!usableBaseUrl(c.crlBaseUrl)) return 'lab.json has an unusable crlBaseUrl';
  if (c.keyType !== 'rsa' && c.keyType !== 'ec') return 'lab.json has an unknown keyType';
  if (typeof c.intermediate !== 'boolean') return 'lab.json does not say whether the lab has an intermediate';
  if (c.createdAt !== undefined && !isDate(c.createdAt)) return 'lab.json has an unusable createdAt';
  return null;
}

/** What is wrong with a parsed index.json, or null when it is usable. */
export function indexProblem(x: unknown): string | null {
  if (!isObject(x)) return 'index.json does not hold an object';
  if (!isObject(x.crlNumbers)) return 'index.json has no crlNumbers';
  for (const [ca, n] of Object.entries(x.crlNumbers)) {
    if (ca !== 'root' && ca !== 'intermediate') return `index.json has a CRL number for an unknown CA "${ca}"`;
    if (!Number.isSafeInteger(n) || (n as number) < 0) return `index.json's CRL number for ${ca} is not a whole number`;
  }
  if (!Array.isArray(x.issued)) return 'index.json has no list of issued certificates';
  for (const [i, r] of x.issued.entries()) {
    const where = `index.json's issued[${i}]`;
    if (!isObject(r)) return `${where} is not a record`;
    if (typeof r.serial !== 'string' || !/^[0-9a-f]{1,40}$/.test(r.serial)) return `${where} has no usable serial`;
    if (typeof r.subject !== 'string') return `${where} has no subject`;
    if (r.kind !== 'ca' && r.kind !== 'device' && r.kind !== 'server') return `${where} has an unknown kind`;
    if (r.issuer !== 'root' && r.issuer !== 'intermediate') return `${where} has an unknown issuer`;
    if (!isDate(r.notBefore) || !isDate(r.notAfter)) return `${where} has unusable validity dates`;
    if (r.revokedAt !== undefined && !isDate(r.revokedAt)) return `${where} has an unusable revocation date`;
  }
  return null;
}

/**
 * The longest lab name: X.520 bounds a common name at 64 characters (ub-common-name), and the CA names made from it
 * add up to 15 (" Issuing CA 999").
 */
export const MAX_LAB_NAME = 49;

/** What is wrong with a lab name, or null. */
export function labNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'The lab name is empty.';
  // C0/C1 controls, line and paragraph separators, and invisible format characters (bidi overrides) would forge
  // or hide text wherever the name is shown: terminals, certificate viewers, the keychain.
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(trimmed)) return 'The lab name contains control or invisible characters.';
  if ([...trimmed].length > MAX_LAB_NAME)
    return `The lab name is ${[...trimmed].length} characters long; at most ${MAX_LAB_NAME} fit, so that the CA names made from it stay within the 64 characters X.520 allows a common name.`;
  return null;
}

export function assertLabName(name: string): void {
  const problem = labNameProblem(name);
  if (problem) throw new OnboardError('bad-lab-name', problem, 'Give a short name of plain characters, e.g. Acme Lab.');
}

/** The CRL base URL as lab init writes it: http(s), no query or fragment, no trailing slash. */
function usableBaseUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash && !text.endsWith('/');
  } catch {
    return false;
  }
}
