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

export type { LoadedMaterial, LoadOptions, MaterialKind } from './read-der';
export type { ParsedCsr } from './csr';

/** Reads certificates, keys, CSRs and PFX contents from bytes, recognising the format by content. */
export function loadMaterial(bytes: Uint8Array, opts: LoadOptions = {}): LoadedMaterial {
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

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----\r?\n?([\s\S]*?)-----END ([A-Z0-9 #]+)-----/g;

function readPemText(text: string, name: string, opts: LoadOptions, c: Collector): void {
  let last = 0;
  let index = 0;
  const strayLines: number[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const m of text.matchAll(PEM_BLOCK)) {
    index++;
    const label = m[1]!;
    noteStrayText(text.slice(last, m.index), lineAt(last), strayLines);
    last = m.index! + m[0].length;
    if (m[3] !== label)
      throw new OnboardError(
        'pem-corrupt',
        `${name}: PEM block ${index} starts as "${label}" but ends as "${m[3]}".`,
        'The file was edited or two files were pasted together badly: get it again.',
      );
    readPemBlock(label, m[0], m[2]!, index, name, opts, c);
  }
  const tail = text.slice(last);
  if (tail.includes('-----BEGIN ')) {
    throw truncated(name, `PEM block ${index + 1} has a -----BEGIN line but no matching -----END line`);
  }
  noteStrayText(tail, lineAt(last), strayLines);
  if (strayLines.length) {
    c.warnings.push(
      `Ignored text outside the PEM blocks on ${strayLines.length === 1 ? 'line' : 'lines'} ${summariseLines(strayLines)}.`,
    );
  }
}

// OpenSSL writes "subject=" / "Bag Attributes" headers before blocks; they are expected, not garbage.
const EXPECTED_TEXT =
  /^\s*(subject=|issuer=|Bag Attributes|Key Attributes|localKeyID:|friendlyName:|[A-Za-z0-9 .]+: |<No Attributes>|#)/;

function noteStrayText(segment: string, firstLine: number, into: number[]): void {
  segment.split('\n').forEach((line, i) => {
    if (line.trim() === '' || EXPECTED_TEXT.test(line)) return;
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
): void {
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
      c.warnings.push(`Block ${index} is a bare public key; it was ignored (a certificate or PFX is needed).`);
      return;
    case 'X509 CRL':
      c.warnings.push(`Block ${index} is a certificate revocation list (CRL); it was ignored here.`);
      return;
    default:
      c.warnings.push(`Block ${index} ("${label}") is not something Onboard reads; it was ignored.`);
  }
}
