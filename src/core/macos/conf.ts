// 1E.Client.conf: parse, merge new values in place (keeping comments, unknown keys and order), write back.
import { OnboardError } from '../errors';

export type ConfLine =
  | {
      kind: 'setting';
      key: string;
      value: string;
      /** Everything up to and including `=` and the spaces after it. */ prefix: string;
      /** Spaces after the value. */ suffix: string;
    }
  | { kind: 'other'; text: string };

export interface ConfDocument {
  lines: ConfLine[];
  /** Line ending of the original file (kept when writing). */
  eol: '\n' | '\r\n';
  /** Whether the original ended with a line ending. */
  finalNewline: boolean;
}

// Blanks are spaces and tabs only, as in the awk merge that runs on the Mac (conf-merge.ts): a
// byte such as Latin-1's no-break space (0xA0) is part of a name or value, not a blank.
const SETTING = /^([ \t]*)([A-Za-z][A-Za-z0-9_.]*)([ \t]*=[ \t]*)(.*?)([ \t]*)$/;

/** Parses the `Name=value` format: `#` comments, blank lines and anything else are kept verbatim. */
export function parseConf(text: string): ConfDocument {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = text.length === 0 || text.endsWith('\n');
  const body = finalNewline && text.length > 0 ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
  const raw = body.length === 0 ? [] : body.split(/\r?\n/);
  const lines: ConfLine[] = raw.map((line) => {
    if (/^[ \t]*[#;]/.test(line)) return { kind: 'other', text: line };
    const m = SETTING.exec(line);
    if (!m) return { kind: 'other', text: line };
    return { kind: 'setting', key: m[2]!, value: m[4]!, prefix: m[1]! + m[2]! + m[3]!, suffix: m[5]! };
  });
  return { lines, eol, finalNewline };
}

/** The settings as a map keyed by the spelling in the file; for repeated names the last one wins, as for the client. */
export function confValues(doc: ConfDocument): Record<string, string> {
  const out: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const l of doc.lines) {
    if (l.kind !== 'setting') continue;
    const lower = l.key.toLowerCase();
    const prev = spelling.get(lower);
    if (prev !== undefined && prev !== l.key) delete out[prev];
    spelling.set(lower, l.key);
    out[l.key] = l.value;
  }
  return out;
}

/** The value of `key` (names are case-insensitive), or undefined. */
export function confGet(doc: ConfDocument, key: string): string | undefined {
  let found: string | undefined;
  for (const l of doc.lines) if (l.kind === 'setting' && l.key.toLowerCase() === key.toLowerCase()) found = l.value;
  return found;
}

export interface ConfChange {
  key: string;
  before?: string;
  after: string;
}

/**
 * Sets `updates` in a copy of `doc`: an existing name (any case, every occurrence) gets the
 * new value in place; a new name is appended at the end. Nothing else changes.
 */
export function mergeConf(
  doc: ConfDocument,
  updates: Record<string, string>,
): { doc: ConfDocument; changes: ConfChange[] } {
  const lines = doc.lines.map((l) => ({ ...l }));
  const changes: ConfChange[] = [];
  for (const [key, value] of Object.entries(updates)) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(key))
      throw new OnboardError(
        'invalid-setting',
        `'${key}' is not a valid 1E.Client.conf setting name.`,
        'Names are letters, digits, dots and underscores.',
      );
    if (/[\r\n\0]/.test(value))
      throw new OnboardError(
        'invalid-setting',
        `The value for ${key} contains a line break or NUL character.`,
        'Each setting is one line: remove the line break.',
      );
    const before = confGet({ ...doc, lines }, key);
    let seen = false;
    for (const l of lines) {
      if (l.kind === 'setting' && l.key.toLowerCase() === key.toLowerCase()) {
        l.value = value;
        l.suffix = '';
        seen = true;
      }
    }
    if (!seen) lines.push({ kind: 'setting', key, value, prefix: `${key}=`, suffix: '' });
    if (before !== value) changes.push(before === undefined ? { key, after: value } : { key, before, after: value });
  }
  return { doc: { ...doc, lines, finalNewline: true }, changes };
}

export function serialiseConf(doc: ConfDocument): string {
  const text = doc.lines.map((l) => (l.kind === 'setting' ? l.prefix + l.value + l.suffix : l.text)).join(doc.eol);
  return doc.lines.length === 0 ? '' : text + (doc.finalNewline ? doc.eol : '');
}
