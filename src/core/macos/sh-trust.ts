// The sh fragments that check admin trust and whether a person can approve a change, with only what a Mac has (security, plutil, awk, launchctl): for the exported script, the administrator batch and MDM scripts.
import { BIN } from './paths';
import { shellQuote } from './quote';

/**
 * The awk program that reads `security trust-settings-export -d` output (an XML property list:
 * trustList → upper-case SHA-1 → entry, see trustSettingsPlist and
 * test/fixtures/macos/trust-settings-export/) and exits 0 when the entry of the certificate whose
 * SHA-1 is `want` trusts it, 1 when it does not or there is none, 2 when the file is not a
 * property list. The judgement is isTrustedRoot's (facts/keychain.ts), and a test holds the two
 * to the same answers: no `trustSettings` key, or an empty array, is "trusted for every use"
 * (SecTrustSettings.h#L150-153, TrustSettings.cpp#L1020-1033); otherwise a Deny (3) anywhere
 * means no, then any TrustRoot (1, also when kSecTrustSettingsResult is left out) or TrustAsRoot
 * (2) means yes, and Unspecified (4) or Invalid (0) alone mean no.
 *
 * It splits the XML at `<` and tracks the nesting with index() and substr() only: no regular
 * expression and no tolower(), which Apple's awk turns into multibyte conversions that abort on
 * bytes the locale rejects (see CONF_MERGE_PROGRAM). It has no single quote, so it can sit in
 * single quotes in sh.
 */
export const ADMIN_TRUST_AWK = [
  'function up(s,   out, i, c, k) {',
  '  out = ""',
  '  for (i = 1; i <= length(s); i++) {',
  '    c = substr(s, i, 1); k = index("abcdef", c)',
  '    out = out (k ? substr("ABCDEF", k, 1) : c)',
  '  }',
  '  return out',
  '}',
  'function strip(s,   a, b, c) {',
  '  a = 1; b = length(s)',
  '  while (a <= b && index(" \\t\\r\\n", substr(s, a, 1))) a++',
  '  while (b >= a && index(" \\t\\r\\n", substr(s, b, 1))) b--',
  '  return substr(s, a, b - a + 1)',
  '}',
  'BEGIN { RS = "<"; want = up(want); d = 0; plist = 0; list = 0; found = 0; entry = 0; ts = 0; nc = 0 }',
  '{',
  '  i = index($0, ">"); if (i == 0) next',
  '  tag = substr($0, 1, i - 1); text = substr($0, i + 1); c = substr(tag, 1, 1)',
  '  if (c == "?" || c == "!") next',
  '  if (tag == "plist" || substr(tag, 1, 6) == "plist ") { plist = 1; next }',
  '  if (tag == "key") { k[d] = strip(text); next }',
  '  if (tag == "dict/") {',
  '    if (d == 2 && list && up(k[2]) == want) found = 1',
  '    if (d == 4 && ts) { nc++; res[nc] = 1 }',
  '    next',
  '  }',
  '  if (tag == "dict" || tag == "array") {',
  '    d++; k[d] = ""',
  '    if (tag == "dict" && d == 2 && k[1] == "trustList") list = 1',
  '    if (tag == "dict" && d == 3 && list && up(k[2]) == want) { found = 1; entry = 1 }',
  '    if (tag == "array" && d == 4 && entry && k[3] == "trustSettings") ts = 1',
  '    if (tag == "dict" && d == 5 && ts) { nc++; res[nc] = 1 }',
  '    next',
  '  }',
  '  if (tag == "/dict" || tag == "/array") {',
  '    if (d == 4) ts = 0',
  '    if (d == 3) entry = 0',
  '    if (d == 2) list = 0',
  '    d--; next',
  '  }',
  '  if (tag == "integer" && d == 5 && ts && k[5] == "kSecTrustSettingsResult") res[nc] = strip(text) + 0',
  '}',
  'END {',
  '  if (!plist) exit 2',
  '  if (!found) exit 1',
  '  deny = 0; trust = (nc == 0)',
  '  for (i = 1; i <= nc; i++) { if (res[i] == 3) deny = 1; if (res[i] == 1 || res[i] == 2) trust = 1 }',
  '  exit (deny || !trust) ? 1 : 0',
  '}',
].join('\n');

/** The sh function that answers "is this certificate trusted in the admin trust settings?". */
export const SH_ADMIN_TRUSTED = 'onboard_admin_trusted';
/** The sh function that answers "can a person approve a dialog from here?". */
export const SH_CAN_APPROVE = 'onboard_can_approve';

export interface ShTrustOptions {
  /** Prepended to every program path: ONLY for tests that run the fragment against stand-ins. */
  programPrefix?: string;
}

/**
 * Defines `onboard_admin_trusted SHA1 FILE`: exports the admin trust settings to FILE (a path in
 * the caller's private folder, replaced each time), and returns 0 when they hold the certificate
 * with that SHA-1 (upper-case hex, as `security` prints it) as trusted, 1 when not (or when there
 * are no admin trust settings at all: "No Trust Settings were found."), 2 when they could not be
 * read (the reason on stderr). Reading needs no authorisation and shows no dialog. plutil turns
 * the file into XML whatever form it has (the export is XML already: TrustSettings.cpp#L726-736);
 * awk then runs in the C locale, awk's own advice for bytes that are not text (src/FIXES, 2021).
 * POSIX sh only (Apple's bash 3.2 as /bin/sh, dash), every variable prefixed `onboard_`.
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
    `  ${p(BIN.plutil)} -convert xml1 "$2" >/dev/null 2>&1 || return 2`,
    `  LC_ALL=C ${p(BIN.awk)} -v want="$1" ${shellQuote(ADMIN_TRUST_AWK)} "$2"`,
    '}',
  ];
}

/**
 * Defines `onboard_can_approve`: returns 0 when this process runs in the launchd session `Aqua`
 * (a login at the Mac: Terminal, `sudo` typed there), the only one where macOS can show the
 * dialog an admin trust change needs; `$onboard_session` then holds the session's name (empty when
 * launchctl could not tell). Over SSH it is `Background`, in a launchd daemon (an MDM agent)
 * `System` (see parseManagerName and approval.ts).
 */
export function shApprovalFunction(opts: ShTrustOptions = {}): string[] {
  const p = (program: string) => shellQuote((opts.programPrefix ?? '') + program);
  return [
    `${SH_CAN_APPROVE}() {`,
    `  onboard_session=$(${p(BIN.launchctl)} managername 2>/dev/null) || onboard_session=''`,
    '  [ "$onboard_session" = Aqua ]',
    '}',
  ];
}

/** One call of the check: `onboard_admin_trusted 'SHA1' FILE`, FILE already an sh word. */
export function shAdminTrustedCall(sha1: string, fileWord: string): string {
  return `${SH_ADMIN_TRUSTED} ${shellQuote(sha1.toUpperCase())} ${fileWord}`;
}

/** A root the gate asks about: its SHA-1 and the name the message gives it. */
export interface ShGateRoot {
  sha1: string;
  name: string;
}

/**
 * Lines that stop the script, before it changes anything, when a root is not yet trusted and no
 * person can approve the dialog here: exit 2 with what will work instead. A Mac whose roots are
 * all trusted already (by an earlier run, or a configuration profile) goes on without asking.
 * Needs shAdminTrustFunction and shApprovalFunction defined first; `fileWord` is the sh word of
 * the export's file; `whereToRun` ends the second message line (e.g. "sudo /bin/sh THIS-FILE in
 * Terminal").
 */
export function shTrustGate(roots: readonly ShGateRoot[], fileWord: string, whereToRun: string): string[] {
  if (roots.length === 0) return [];
  const out = ["onboard_untrusted=''"];
  for (const r of roots)
    out.push(
      `if ! ${shAdminTrustedCall(r.sha1, fileWord)} 2>/dev/null; then onboard_untrusted="$onboard_untrusted, "${shellQuote(`"${r.name}"`)}; fi`,
    );
  const why =
    'needs a person at this Mac to approve a macOS dialog (one per certificate, even for root, since macOS 11), and this script runs in the launchd session';
  out.push(
    `if [ -n "$onboard_untrusted" ] && ! ${SH_CAN_APPROVE}; then`,
    `  printf '%s\\n' "onboard: trusting the root CA \${onboard_untrusted#, } ${why} \\"\${onboard_session:-unknown}\\", where macOS cannot show one. Nothing was changed." >&2`,
    `  printf '%s\\n' ${shellQuote(`onboard: deliver the CA trust with a configuration profile from your MDM (a com.apple.security.root payload), or run this with a person at the Mac: ${whereToRun}.`)} >&2`,
    '  exit 2',
    'fi',
  );
  return out;
}
