// Checks of what a technician types, made before any plan is built.
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import { OnboardError } from '../errors';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** True when `name` is an RFC 1123 host name (letters, digits, hyphens; labels ≤ 63; ≤ 253 in all). `.local` names qualify. */
export function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  return trimmed.split('.').every((l) => LABEL.test(l));
}

export function validateHostName(name: string, what = 'host name'): string {
  if (!isHostName(name)) {
    throw new OnboardError(
      'invalid-host-name',
      `'${printable(name)}' is not a valid ${what}.`,
      'Use letters, digits and hyphens, with dots between labels (for example MAC01.local); no spaces, underscores or other characters.',
    );
  }
  return name;
}

export interface SwitchAddress {
  host: string;
  port: number;
  /** As written into 1E.Client.conf: host:port. */ value: string;
}

/** Parses the Switch address `host:port` (a name, an IPv4 address or a bracketed IPv6 address). */
export function validateSwitchAddress(text: string): SwitchAddress {
  const hint = 'Give the Switch as host:port, for example tachyon.acme.local:4000.';
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(text.trim());
  if (!m)
    throw new OnboardError(
      'invalid-switch',
      `'${printable(text)}' is not a Switch address of the form host:port.`,
      hint,
    );
  const rawHost = m[1]!;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OnboardError(
      'invalid-switch',
      `The Switch port ${m[2]} is out of range: ports go from 1 to 65535.`,
      hint,
    );
  }
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  const ok = rawHost.startsWith('[') ? isIP(host) === 6 : isIP(host) === 4 || isHostName(host);
  if (!ok)
    throw new OnboardError(
      'invalid-switch',
      `'${printable(rawHost)}' is not a valid host name or IP address for the Switch.`,
      hint,
    );
  return { host, port, value: `${rawHost}:${port}` };
}

/** Checks the Background Channel URL: https, parses, has a host, carries no user name or password. */
export function validateBackgroundUrl(text: string): string {
  const hint = 'Give the full URL, for example https://tachyon.acme.local/Background/.';
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new OnboardError('invalid-background-url', `'${printable(text)}' is not a URL.`, hint);
  }
  if (url.protocol !== 'https:')
    throw new OnboardError(
      'invalid-background-url',
      `The Background Channel URL must use https, not ${url.protocol.replace(/:$/, '')}.`,
      hint,
    );
  if (url.username || url.password)
    throw new OnboardError(
      'invalid-background-url',
      'The Background Channel URL must not contain a user name or password.',
      hint,
    );
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!(isIP(host) !== 0 || isHostName(host)))
    throw new OnboardError('invalid-background-url', `'${printable(url.hostname)}' is not a valid host name.`, hint);
  return text.trim();
}

const LOGGING_LEVELS = ['fatal', 'error', 'warning', 'info', 'debug', 'trace'];

export function validateLoggingLevel(text: string): string {
  if (!LOGGING_LEVELS.includes(text.toLowerCase())) {
    throw new OnboardError(
      'invalid-logging-level',
      `'${printable(text)}' is not a 1E Client logging level.`,
      `Use one of: ${LOGGING_LEVELS.join(', ')}.`,
    );
  }
  return text;
}

/** A configuration key=value for 1E.Client.conf given on the command line. */
export function validateConfSetting(text: string): { key: string; value: string } {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(key)) {
    throw new OnboardError(
      'invalid-setting',
      `'${printable(text)}' is not a setting of the form Name=value.`,
      'Use a name made of letters, digits, dots and underscores, then =, then the value, e.g. ConnectionTimeout=30.',
    );
  }
  const value = text.slice(eq + 1);
  if (/[\r\n\0]/.test(value))
    throw new OnboardError(
      'invalid-setting',
      `The value of ${key} contains a line break or NUL character.`,
      'Each setting is one line of 1E.Client.conf: remove the line break.',
    );
  return { key, value: value.trim() };
}

/** Checks that `path` names an existing regular file (not a folder, device or missing path). */
export async function validateInputFile(path: string, what: string): Promise<string> {
  let st;
  try {
    st = await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new OnboardError('file-not-found', `The ${what} ${path} does not exist.`, 'Check the path and try again.');
    throw new OnboardError(
      'file-unreadable',
      `The ${what} ${path} cannot be read (${code ?? 'error'}).`,
      'Check the file permissions.',
    );
  }
  if (!st.isFile())
    throw new OnboardError(
      'not-a-file',
      `The ${what} ${path} is not a regular file.`,
      'Give the path of a file, not a folder or device.',
    );
  return path;
}

/** Control characters shown visibly in messages so a pasted newline cannot forge output lines. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
