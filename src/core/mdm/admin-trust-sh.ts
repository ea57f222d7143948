// Stand-in for the sh admin-trust check of issue #13 (src/core/macos/sh-trust.ts, not yet on main): the same API, so the kit switches to it by changing one import.
import { BIN } from '../macos/paths';
import { shellQuote } from '../macos/quote';

/** Not in BIN on main yet (issue #13 adds it). */
const PLUTIL = '/usr/bin/plutil';

/**
 * Reads `security trust-settings-export -d` output (XML: trustList → upper-case SHA-1 → entry;
 * /work/research/macos-trust.md §2) and exits 0 when the entry for `want` trusts the
 * certificate, 1 when it does not or there is none, 2 when the file is no property list. An entry
 * without `trustSettings`, or with an empty array, means "trusted for every use"
 * (SecTrustSettings.h#L150-153); otherwise a Deny (3) anywhere is no, and a TrustRoot (1, also
 * when the result key is left out) or TrustAsRoot (2) is yes. Only index() and substr() on the
 * text, and toupper() on the SHA-1 alone, so Apple's awk meets no multibyte conversion; no
 * single quote, so it sits in single quotes in sh.
 */
const AWK = [
  'BEGIN { RS = "<"; want = toupper(want); d = 0; isplist = 0; found = 0; n = 0 }',
  'function entry() { return key[1] == "trustList" && toupper(key[2]) == want }',
  '{',
  '  j = index($0, ">"); if (j == 0) next',
  '  tag = substr($0, 1, j - 1); text = substr($0, j + 1)',
  '  if (substr(tag, 1, 5) == "plist") { isplist = 1; next }',
  '  if (tag == "key") { key[d] = text; next }',
  '  if (tag == "dict/" || tag == "array/") {',
  '    if (d == 2 && entry()) found = 1',
  '    if (d == 4 && tag == "dict/" && entry() && key[3] == "trustSettings") res[++n] = 1',
  '    next',
  '  }',
  '  if (tag == "dict" || tag == "array") {',
  '    d++; key[d] = ""',
  '    if (d == 3 && entry()) found = 1',
  '    if (d == 5 && tag == "dict" && entry() && key[3] == "trustSettings") res[++n] = 1',
  '    next',
  '  }',
  '  if (tag == "/dict" || tag == "/array") { d--; next }',
  '  if (tag == "integer" && d == 5 && entry() && key[3] == "trustSettings" && key[5] == "kSecTrustSettingsResult") res[n] = text + 0',
  '}',
  'END {',
  '  if (!isplist) exit 2',
  '  if (!found) exit 1',
  '  deny = 0; yes = (n == 0)',
  '  for (i = 1; i <= n; i++) { if (res[i] == 3) deny = 1; if (res[i] == 1 || res[i] == 2) yes = 1 }',
  '  exit (deny || !yes) ? 1 : 0',
  '}',
].join('\n');

export const SH_ADMIN_TRUSTED = 'onboard_admin_trusted';

export interface ShTrustOptions {
  /** Prepended to every program path: ONLY for tests that run the fragment against stand-ins. */
  programPrefix?: string;
}

/**
 * Defines `onboard_admin_trusted SHA1 FILE`: exports the admin trust settings to FILE (replaced)
 * and returns 0 when they trust the certificate with that SHA-1, 1 when not (also when there are
 * none: "No Trust Settings were found."), 2 when they could not be read. Reading needs no
 * authorisation and shows no dialog.
 */
export function shAdminTrustFunction(opts: ShTrustOptions = {}): string[] {
  const p = (program: string) => shellQuote((opts.programPrefix ?? '') + program);
  return [
    `${SH_ADMIN_TRUSTED}() {`,
    `  ${p(BIN.rm)} -f "$2"`,
    `  onboard_te=$(${p(BIN.security)} trust-settings-export -d "$2" 2>&1 >/dev/null) || {`,
    "    case $onboard_te in *'No Trust Settings were found'*) return 1 ;; esac",
    '    printf \'%s\\n\' "onboard: cannot read the admin trust settings: $onboard_te" >&2',
    '    return 2',
    '  }',
    `  ${p(PLUTIL)} -convert xml1 "$2" >/dev/null 2>&1 || return 2`,
    `  LC_ALL=C ${p(BIN.awk)} -v want="$1" ${shellQuote(AWK)} "$2"`,
    '}',
  ];
}

/** One call: `onboard_admin_trusted 'SHA1' FILE`, FILE already an sh word. */
export function shAdminTrustedCall(sha1: string, fileWord: string): string {
  return `${SH_ADMIN_TRUSTED} ${shellQuote(sha1.toUpperCase())} ${fileWord}`;
}
