// A small reader for XML property lists (what `security trust-settings-export` and `hdiutil -plist` write, and configuration profiles).

export type PlistValue = string | number | boolean | Uint8Array | PlistValue[] | { [key: string]: PlistValue };

const MAX_DEPTH = 32;
const MAX_TOKENS = 200_000;

interface Tag {
  name: string;
  kind: 'open' | 'close' | 'empty';
  start: number;
  end: number;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9A-Fa-f]+|#\d+);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

function tokenize(xml: string): Tag[] {
  const tags: Tag[] = [];
  const re = /<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|<(\/?)([A-Za-z][A-Za-z0-9]*)(?:\s+[^>]*?)?\s*(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[2] === undefined) continue;
    if (tags.length >= MAX_TOKENS) throw new Error('property list too large');
    tags.push({
      name: m[2],
      kind: m[1] ? 'close' : m[3] ? 'empty' : 'open',
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return tags;
}

/** Parses an XML property list; throws on anything that is not one. */
export function parsePlist(xml: string): PlistValue {
  const tags = tokenize(xml);
  let i = 0;
  const rootIdx = tags.findIndex((t) => t.name === 'plist');
  if (rootIdx < 0) throw new Error('not a property list');
  i = rootIdx + 1;

  const textUntilClose = (open: Tag): string => {
    const close = tags[i];
    if (!close || close.kind !== 'close' || close.name !== open.name) throw new Error(`<${open.name}> is not closed`);
    i++;
    return xml.slice(open.end, close.start);
  };

  const value = (depth: number): PlistValue => {
    if (depth > MAX_DEPTH) throw new Error('property list nested too deeply');
    const t = tags[i++];
    if (!t || t.kind === 'close') throw new Error('a value is missing');
    if (t.kind === 'empty') {
      switch (t.name) {
        case 'true':
          return true;
        case 'false':
          return false;
        case 'dict':
          return {};
        case 'array':
          return [];
        case 'string':
        case 'data':
          return t.name === 'data' ? new Uint8Array() : '';
        default:
          throw new Error(`unexpected <${t.name}/>`);
      }
    }
    switch (t.name) {
      case 'string':
      case 'date':
        return decode(textUntilClose(t));
      case 'integer':
      case 'real': {
        const n = Number(textUntilClose(t).trim());
        if (!Number.isFinite(n)) throw new Error(`bad <${t.name}>`);
        return n;
      }
      case 'data':
        return new Uint8Array(Buffer.from(textUntilClose(t).replace(/\s+/g, ''), 'base64'));
      case 'array': {
        const out: PlistValue[] = [];
        while (tags[i] && !(tags[i]!.kind === 'close' && tags[i]!.name === 'array')) out.push(value(depth + 1));
        if (!tags[i]) throw new Error('<array> is not closed');
        i++;
        return out;
      }
      case 'dict': {
        const out: { [key: string]: PlistValue } = {};
        for (;;) {
          const k = tags[i];
          if (!k) throw new Error('<dict> is not closed');
          if (k.kind === 'close' && k.name === 'dict') {
            i++;
            return out;
          }
          if (k.name !== 'key' || k.kind !== 'open') throw new Error('a <dict> entry has no <key>');
          i++;
          const key = decode(textUntilClose(k));
          out[key] = value(depth + 1);
        }
      }
      default:
        throw new Error(`unexpected <${t.name}>`);
    }
  };
  return value(0);
}

export function isPlistDict(v: PlistValue | undefined): v is { [key: string]: PlistValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
