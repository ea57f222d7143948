// Writes XML property lists the way macOS's CFPropertyList does (configuration profiles, launchd jobs).

/** A value to write: integers become <integer>, other numbers <real>, Dates <date>, bytes <data>. */
export type PlistInput =
  string | number | boolean | Date | Uint8Array | readonly PlistInput[] | { readonly [key: string]: PlistInput };

const HEADER = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
  '<plist version="1.0">',
];

// XML 1.0 has no way to write these characters at all, escaped or not.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function text(s: string): string {
  if (NOT_XML.test(s)) throw new Error('a property list string cannot hold control characters');
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Base64 in 52-character lines at the indentation of the <data> tag, as CFPropertyList writes it. */
function dataLines(bytes: Uint8Array, indent: string): string[] {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 52) lines.push(indent + b64.slice(i, i + 52));
  return lines;
}

function isDict(v: PlistInput): v is { readonly [key: string]: PlistInput } {
  return typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

function lines(v: PlistInput, indent: string, depth: number): string[] {
  if (depth > 32) throw new Error('property list nested too deeply');
  if (typeof v === 'string') return [`${indent}<string>${text(v)}</string>`];
  if (typeof v === 'boolean') return [`${indent}<${v}/>`];
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('a property list number must be finite');
    return [Number.isInteger(v) ? `${indent}<integer>${v}</integer>` : `${indent}<real>${v}</real>`];
  }
  if (v instanceof Date) return [`${indent}<date>${v.toISOString().replace(/\.\d{3}Z$/, 'Z')}</date>`];
  if (v instanceof Uint8Array) return [`${indent}<data>`, ...dataLines(v, indent), `${indent}</data>`];
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${indent}<array/>`];
    return [
      `${indent}<array>`,
      ...v.flatMap((x: PlistInput) => lines(x, indent + '\t', depth + 1)),
      `${indent}</array>`,
    ];
  }
  if (!isDict(v)) throw new Error('not a property list value');
  // CFPropertyList sorts a dictionary's keys, which also makes the output independent of how it was built.
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return [`${indent}<dict/>`];
  return [
    `${indent}<dict>`,
    ...keys.flatMap((k) => [`${indent}\t<key>${text(k)}</key>`, ...lines(v[k]!, indent + '\t', depth + 1)]),
    `${indent}</dict>`,
  ];
}

/** The XML property list of `value`, ending in a newline; throws on values a plist cannot hold. */
export function writePlist(value: PlistInput): string {
  return [...HEADER, ...lines(value, '', 0), '</plist>', ''].join('\n');
}
