// Apple's payload schemas (test/fixtures/apple-device-management) read with js-yaml, and a key-by-key check of a payload against them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { PlistValue } from '../../../../src/core/plist';

const DIR = join(__dirname, '..', '..', '..', 'fixtures', 'apple-device-management');

interface SchemaKey {
  key: string;
  type: string;
  presence?: 'required' | 'optional';
  rangelist?: unknown[];
  supportedOS?: { macOS?: { introduced?: string } };
}

interface Schema {
  payload: { payloadtype: string; supportedOS: { macOS?: { introduced: string; devicechannel?: boolean } } };
  payloadkeys: SchemaKey[];
}

export function schema(name: string): Schema {
  return load(readFileSync(join(DIR, `${name}.yaml`), 'utf8')) as Schema;
}

function typeOf(v: PlistValue): string {
  if (typeof v === 'string') return '<string>';
  if (typeof v === 'boolean') return '<boolean>';
  if (typeof v === 'number') return Number.isInteger(v) ? '<integer>' : '<real>';
  if (v instanceof Uint8Array) return '<data>';
  if (Array.isArray(v)) return '<array>';
  return '<dictionary>';
}

/**
 * Every problem of `payload` against the schema files named (their keys together): a key the
 * schemas do not declare, a required key missing, a value of another type or outside the
 * rangelist, a key macOS does not support. An empty list means the payload is as Apple describes it.
 */
export function problems(payload: { [key: string]: PlistValue }, schemaNames: string[]): string[] {
  const schemas = schemaNames.map(schema);
  const out: string[] = [];
  for (const s of schemas) {
    const mac = s.payload.supportedOS.macOS;
    if (!mac || mac.introduced === 'n/a') out.push(`${s.payload.payloadtype} is not a macOS payload`);
  }
  const keys = new Map(schemas.flatMap((s) => s.payloadkeys.map((k) => [k.key, k] as const)));
  for (const k of keys.values())
    if (k.presence === 'required' && !(k.key in payload)) out.push(`required key ${k.key} is missing`);
  for (const [name, value] of Object.entries(payload)) {
    const k = keys.get(name);
    if (!k) {
      out.push(`key ${name} is not in Apple's schema`);
      continue;
    }
    if (k.supportedOS?.macOS?.introduced === 'n/a') out.push(`key ${name} is not supported on macOS`);
    if (k.type !== '<any>' && typeOf(value) !== k.type) out.push(`key ${name} is ${typeOf(value)}, not ${k.type}`);
    if (k.rangelist && !k.rangelist.includes(value as never))
      out.push(`key ${name} is ${String(value)}, not one of ${k.rangelist.join(', ')}`);
  }
  return out;
}
