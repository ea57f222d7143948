// Reads whatever a PKI team sends (PEM bundles, DER, PKCS#7, PKCS#12, keys, CSRs) by its content, never its name.
import { OnboardError } from '../errors';
import { MAX_INPUT_BYTES, readInputFile } from '../fsutil';
import { TAG, whole } from './der';
import { truncated, unrecognised } from './input-errors';
import {
  Collector,
  derRoot,
  privateKeyFrom,
  readDer,
  readPkcs7,
  type LoadedMaterial,
  type LoadOptions,
} from './read-der';
import { readCsr } from './csr';
import { WorkBudget } from './work-budget';

export type { LoadedMaterial, LoadOptions, MaterialKind } from './read-der';
export type { ParsedCsr } from './csr';

/** Reads certificates, keys, CSRs and PFX contents from bytes, recognising the format by content. */
export function loadMaterial(bytes: Uint8Array, given: LoadOptions = {}): LoadedMaterial {
  // One budget for the whole input: every PFX and encrypted key in it draws on the same allowance.
  const opts: LoadOptions = { ...given, budget: given.budget ?? new WorkBudget() };
  const name = opts.name ?? 'The file';
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length > MAX_INPUT_BYTES) {
    throw new OnboardError(
      'file-too-large',
      `${name} is ${(buf.length / 1048576).toFixed(1)} MB; certificate files are never larger than ${MAX_INPUT_BYTES / 1048576} MB.`,
      'This is probably not a certificate, key or PFX file. Check that you picked the right file.',
    );
  }
  if (buf.length === 0 || (buf.length < 4096 && buf.toString('latin1').trim() === '')) {
    throw new OnboardError(
      'empty-file',
      `${name} is empty.`,
      'The export or download probably failed: ask for the file again.',
    );
  }
  const c = new Collector();
  const text = asText(buf);
  if (text !== null && text.includes('-----BEGIN ')) {
    c.kinds.add('pem');
    readPemText(text, name, opts, c);
  } else if (buf[0] === TAG.SEQUENCE) {
    readDer(buf, name, opts, c, true);
  } else if (text !== null && /^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length >= 64) {
    // Base64 without the -----BEGIN----- lines: some portals hand certificates out this way.
    const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
    if (der[0] !== TAG.SEQUENCE) throw unrecognised(name, buf);
    c.warnings.push(`${name} holds base64 text without -----BEGIN----- lines; it was read as DER.`);
    readDer(der, name, opts, c, true);
  } else {
    throw unrecognised(name, buf);
  }
  if (c.certificates.length + c.privateKeys.length + c.csrs.length === 0 && !c.pfx) {
    throw new OnboardError(
      'no-certificates',
      `${name} holds no certificate, private key, certificate request or PFX.`,
      c.warnings.length ? c.warnings.join(' ') : 'Check that you picked the right file.',
    );
  }
  return c.result();
}

/** Reads a file (refusing anything over the size limit) and loads it by content. */
export async function loadFile(path: string, opts: { password?: string } = {}): Promise<LoadedMaterial> {
  const bytes = await readInputFile(path);
  return loadMaterial(bytes, { ...opts, name: path });
}

/** The file as text when it is text: UTF-8/ASCII, or UTF-16 with a byte-order mark (Windows PowerShell's Out-File writes that). */
function asText(buf: Buffer): string | null {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const body = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    if (buf[0] === 0xfe) body.swap16();
    const text = body.toString('utf16le');
    return looksLikeText(Buffer.from(text, 'utf8')) ? text : null;
  }
  return looksLikeText(buf) ? buf.toString('utf8') : null;
}

function looksLikeText(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// PEM

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** Labels are short ("ENCRYPTED PRIVATE KEY" is the longest Onboard reads); a longer one is damage. */
const MAX_LABEL = 64;

/** The label after BEGIN or END at `at` (just past the marker), if it is one, and where its closing dashes end. */
function labelAt(text: string, at: number): { label: string; end: number } | null {
  const close = text.slice(at, at + MAX_LABEL + DASHES.length).indexOf(DASHES);
  if (close <= 0) return null;
  const label = text.slice(at, at + close);
  return /^[A-Z0-9 #]+$/.test(label) ? { label, end: at + close + DASHES.length } : null;
}

/**
 * Reads every PEM block in one pass. Each search starts where the last one ended and looks no
 * further than it must (a label within its bound, an END within its own block), so the work is
 * linear in the size of the text whatever it holds: a file of empty or unterminated blocks, or a
 * megabyte-long line, costs no more than a file of certificates of the same size.
 */
function readPemText(text: string, name: string, opts: LoadOptions, c: Collector): void {
  let pos = 0;
  let index = 0;
  const strayLines: number[] = [];
  const ignored = new Map<string, number[]>();
  // Line numbers counted as the reading moves forward, never from the start again.
  let lineCursor = 0;
  let lineNumber = 1;
  const lineAt = (offset: number) => {
    for (; lineCursor < offset; lineCursor++) if (text.charCodeAt(lineCursor) === 10) lineNumber++;
    return lineNumber;
  };
  for (;;) {
    const begin = text.indexOf(BEGIN, pos);
    if (begin < 0) break;
    index++;
    noteStrayText(text.slice(pos, begin), lineAt(pos), strayLines);
    const head = labelAt(text, begin + BEGIN.length);
    if (!head)
      throw new OnboardError(
        'pem-corrupt',
        `${name}: the -----BEGIN line of PEM block ${index} is damaged.`,
        'The file was edited or two files were pasted together badly: get it again.',
      );
    let bodyStart = head.end;
    if (text[bodyStart] === '\r') bodyStart++;
    if (text[bodyStart] === '\n') bodyStart++;
    const endAt = text.indexOf(END, bodyStart);
    if (endAt < 0) throw truncated(name, `PEM block ${index} has a -----BEGIN line but no matching -----END line`);
    const body = text.slice(bodyStart, endAt);
    if (body.includes(BEGIN))
      throw truncated(name, `PEM block ${index} has a -----BEGIN line but no matching -----END line`);
    const tail = labelAt(text, endAt + END.length);
    if (!tail || tail.label !== head.label)
      throw new OnboardError(
        'pem-corrupt',
        `${name}: PEM block ${index} starts as "${head.label}" but ends as "${tail?.label ?? '(damaged)'}".`,
        'The file was edited or two files were pasted together badly: get it again.',
      );
    pos = tail.end;
    lineAt(pos);
    const skipped = readPemBlock(head.label, text.slice(begin, pos), body, index, name, opts, c);
    if (skipped) {
      const blocks = ignored.get(skipped);
      if (blocks) blocks.push(index);
      else ignored.set(skipped, [index]);
    }
  }
  noteStrayText(text.slice(pos), lineAt(pos), strayLines);
  for (const [what, blocks] of ignored) {
    const which =
      blocks.length > 6 ? `${blocks.slice(0, 6).join(', ')} and ${blocks.length - 6} more` : blocks.join(', ');
    c.warnings.push(`${blocks.length === 1 ? 'Block' : 'Blocks'} ${which}: ${what}; ignored.`);
  }
  if (strayLines.length) {
    c.warnings.push(
      `Ignored text outside the PEM blocks on ${strayLines.length === 1 ? 'line' : 'lines'} ${summariseLines(strayLines)}.`,
    );
  }
}

// OpenSSL writes "subject=" / "Bag Attributes" headers before blocks; they are expected, not garbage.
// Tested on the line with its leading space removed: no two parts of the pattern can match the same spaces,
// so a long line costs one pass (with \s* in front, a line of spaces ending in "x" took quadratic time).
const EXPECTED_TEXT =
  /^(subject=|issuer=|Bag Attributes|Key Attributes|localKeyID:|friendlyName:|[A-Za-z0-9.][A-Za-z0-9 .]*: |<No Attributes>|#)/;

function noteStrayText(segment: string, firstLine: number, into: number[]): void {
  segment.split('\n').forEach((line, i) => {
    const text = line.trimStart();
    if (text.trimEnd() === '' || EXPECTED_TEXT.test(text)) return;
    into.push(firstLine + i);
  });
}

function summariseLines(lines: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    ranges.push(j > i ? `${lines[i]}-${lines[j]}` : String(lines[i]));
    i = j;
  }
  return ranges.length > 6 ? `${ranges.slice(0, 6).join(', ')} and more` : ranges.join(', ');
}

function pemBody(body: string, label: string, index: number, name: string): Buffer {
  const lines = body.split(/\r?\n/).filter((l) => !/^[A-Za-z-]+:/.test(l));
  const b64 = lines.join('').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
    throw new OnboardError(
      'pem-corrupt',
      `${name}: the ${label} block ${index} contains characters that are not base64.`,
      'The file was damaged (edited, or mangled by an e-mail client): get it again.',
    );
  }
  return Buffer.from(b64, 'base64');
}

function readPemBlock(
  label: string,
  pem: string,
  body: string,
  index: number,
  name: string,
  opts: LoadOptions,
  c: Collector,
): string | undefined {
  const where = `${name} (PEM block ${index}, ${label})`;
  switch (label) {
    case 'CERTIFICATE':
    case 'X509 CERTIFICATE':
    case 'TRUSTED CERTIFICATE': {
      let der = pemBody(body, label, index, name);
      // OpenSSL's "trusted" form appends trust settings after the certificate: keep the certificate.
      if (label === 'TRUSTED CERTIFICATE') der = Buffer.from(whole(derRoot(der, where)));
      readDer(der, where, opts, c, false);
      return;
    }
    case 'PKCS7':
    case 'CMS':
      c.kinds.add('pkcs7');
      readPkcs7(pemBody(body, label, index, name), where, c);
      return;
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      c.kinds.add('csr');
      c.csrs.push(readCsr(pemBody(body, label, index, name), where));
      return;
    case 'PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY':
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
      c.kinds.add('private-key');
      pemBody(body, label, index, name); // validates the base64 before node:crypto sees it
      c.privateKeys.push(
        privateKeyFrom(
          { key: pem, format: 'pem' },
          where,
          opts.password,
          label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(body),
          opts.budget,
        ),
      );
      return;
    case 'PKCS12':
      readDer(pemBody(body, label, index, name), where, opts, c, true);
      return;
    case 'EC PARAMETERS':
      return;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return 'a bare public key (a certificate or PFX is needed)';
    case 'X509 CRL':
      return 'a certificate revocation list (CRL), not read here';
    default:
      return `"${label}", which Onboard does not read`;
  }
}
