// The run-time merge of 1E.Client.conf: the awk program the configure step runs on the Mac, and its twin in TypeScript.
import { OnboardError } from '../errors';
import { mergeConf, parseConf, serialiseConf } from './conf';

/**
 * `awk -f PROGRAM merge|check SETTINGS TARGET BASE...`
 *
 * The first BASE that can be read is the file merged into (none: an empty file). SETTINGS
 * holds one `Name=value` line per setting. `merge` writes the result to TARGET; `check` exits
 * 0 when TARGET already holds exactly the result (line for line), 1 otherwise.
 *
 * Merging happens on the Mac when the step runs, not when it is planned, because the file
 * may only exist by then (a fresh install writes the package's defaults). The rules are those
 * of mergeConf: a setting's every occurrence (names compared without case) gets the new value
 * in place, blanks around `=` kept; new names are appended; comments, unknown settings and
 * order stay; CRLF files stay CRLF. Only plain POSIX awk is used (macOS ships the one true awk).
 *
 * Bytes in, bytes out: the file's text never meets a regular expression or tolower(), only
 * index(), substr() and comparisons, which Apple's awk does byte by byte. Its regular expressions
 * and tolower() convert multibyte characters and abort on a byte the locale does not accept
 * ("towc: multibyte conversion failure", exit 2: apple-oss-distributions/awk at awk-40,
 * src/tran.c#L545-560 and run.c's nawk_convert), which a Latin-1 1E.Client.conf under a UTF-8
 * locale (sudo from Terminal keeps LANG) triggered. The plan also runs awk with LC_ALL=C, the
 * workaround awk's own notes give (src/FIXES, "February 16, 2021"). NUL bytes end an awk
 * string, so a line holding one is cut there (a text file has none).
 */
export const CONF_MERGE_PROGRAM = [
  '# Onboard: merge settings into 1E.Client.conf, keeping comments, unknown settings and their order.',
  '# awk -f THIS merge|check SETTINGS TARGET BASE...',
  '# Byte for byte: no regular expression or tolower() sees the text, so no locale can reject a byte.',
  'function lower(s,   out, i, c, k) {',
  '  out = ""',
  '  for (i = 1; i <= length(s); i++) {',
  '    c = substr(s, i, 1); k = index("ABCDEFGHIJKLMNOPQRSTUVWXYZ", c)',
  '    out = out (k ? substr("abcdefghijklmnopqrstuvwxyz", k, 1) : c)',
  '  }',
  '  return out',
  '}',
  'function blank(c) { return c == " " || c == "\\t" }',
  'function lead(s,   i) { i = 1; while (i <= length(s) && blank(substr(s, i, 1))) i++; return i - 1 }',
  'function trim(s,   n) {',
  '  s = substr(s, lead(s) + 1); n = length(s)',
  '  while (n > 0 && blank(substr(s, n, 1))) n--',
  '  return substr(s, 1, n)',
  '}',
  'function cr(s) { return substr(s, length(s), 1) == "\\r" }',
  'BEGIN {',
  '  mode = ARGV[1]; settings = ARGV[2]; target = ARGV[3]',
  '  if (mode != "merge" && mode != "check") { print "onboard conf merge: unknown mode " mode > "/dev/stderr"; exit 2 }',
  '  ns = 0',
  '  while ((r = (getline line < settings)) > 0) {',
  '    p = index(line, "=")',
  '    if (p > 1) { ns++; key[ns] = substr(line, 1, p - 1); lkey[ns] = lower(key[ns]); val[ns] = substr(line, p + 1); seen[ns] = 0 }',
  '  }',
  '  if (r < 0) { print "onboard conf merge: cannot read " settings > "/dev/stderr"; exit 2 }',
  '  close(settings)',
  '  n = 0; found = 0',
  '  for (a = 4; a < ARGC && !found; a++) {',
  '    while ((r = (getline line < ARGV[a])) > 0) { found = 1; base[++n] = line }',
  '    if (r == 0) found = 1',
  '    close(ARGV[a])',
  '  }',
  '  eol = "\\n"',
  '  for (i = 1; i <= n; i++) if (cr(base[i])) eol = "\\r\\n"',
  '  mn = 0',
  '  for (i = 1; i <= n; i++) {',
  '    line = base[i]',
  '    if (eol == "\\r\\n" && cr(line)) line = substr(line, 1, length(line) - 1)',
  '    p = index(line, "=")',
  '    c = substr(line, lead(line) + 1, 1)',
  '    if (p > 0 && c != "#" && c != ";") {',
  '      name = lower(trim(substr(line, 1, p - 1)))',
  '      for (j = 1; j <= ns; j++) if (name == lkey[j]) {',
  '        rest = substr(line, p + 1)',
  '        line = substr(line, 1, p) substr(rest, 1, lead(rest)) val[j]; seen[j] = 1; break',
  '      }',
  '    }',
  '    out[++mn] = line',
  '  }',
  '  for (j = 1; j <= ns; j++) if (!seen[j]) out[++mn] = key[j] "=" val[j]',
  '  if (mode == "check") {',
  '    tn = 0',
  '    while ((r = (getline line < target)) > 0) {',
  '      tn++',
  '      if (tn > mn) exit 1',
  '      want = out[tn]',
  '      if (eol == "\\r\\n") want = want "\\r"',
  '      if (line != want) exit 1',
  '    }',
  '    if (r < 0 || tn != mn) exit 1',
  '    exit 0',
  '  }',
  '  printf("") > target',
  '  for (i = 1; i <= mn; i++) printf("%s%s", out[i], eol) > target',
  '  close(target)',
  '  exit 0',
  '}',
  '',
].join('\n');

/** The SETTINGS file of the merge program: one `Name=value` line per setting, in order. */
export function confSettingsFile(settings: Record<string, string>): string {
  const seen = new Set<string>();
  for (const key of Object.keys(settings)) {
    if (seen.has(key.toLowerCase())) {
      throw new OnboardError(
        'invalid-setting',
        `The setting ${key} is given twice (names are not case-sensitive).`,
        'Give each 1E.Client.conf setting once.',
      );
    }
    seen.add(key.toLowerCase());
  }
  // mergeConf refuses bad names and multi-line values, so the file stays one setting per line.
  mergeConf(parseConf(''), settings);
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
}

/** Reads a SETTINGS file back, as the merge program does. */
export function parseConfSettingsFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const p = line.indexOf('=');
    if (p > 0) out[line.slice(0, p)] = line.slice(p + 1);
  }
  return out;
}

/** What `merge` writes: `settings` merged into `base` (null: no base file could be read). */
export function mergedConfText(base: string | null, settings: Record<string, string>): string {
  return serialiseConf(mergeConf(parseConf(base ?? ''), settings).doc);
}

/** What `check` answers: `target` already holds `merged` line for line (a missing final newline does not count). */
export function confHoldsMerge(target: string | null, merged: string): boolean {
  if (target === null) return false;
  const trim = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);
  return trim(target) === trim(merged);
}
