// The fleet kit's extension-attribute.sh: a read-only script that sums up this Mac's 1E onboarding in one <result>…</result> line for the MDM's inventory.
import { BIN, CLIENT_LAUNCHD_LABEL, CLIENT_PACKAGE_ID, SYSTEM_KEYCHAIN } from '../macos/paths';
import { shellQuote } from '../macos/quote';
// The one line to change when issue #13 lands: '../macos/sh-trust' has the same two functions.
import { shAdminTrustFunction, shAdminTrustedCall } from '../macos/sh-trust';
import { caName, type CaSet } from './ca-set';

/** Where the kit's README asks the Mac's `verify --report` to write, so the attribute can show it. */
export const KIT_REPORT_PATH = '/Library/Application Support/Onboard/verify-report.json';

export interface AttributeOptions {
  /** Prepended to every program path: ONLY for tests that run the script against stand-ins. */
  programPrefix?: string;
  /** Another place for the verify report: ONLY for tests (the kit's README names KIT_REPORT_PATH). */
  reportPath?: string;
}

/**
 * Picks the identity find-identity lists for this Mac's name: `<LocalHostName>.local`, or a name
 * that starts with `<LocalHostName>.` (the FQDN when the Mac is in a domain), compared without
 * case (by index(), not tolower(): Apple's awk converts multibyte in tolower). Prints
 * "SHA1 NAME [problem]" for the first one; names keep only printable ASCII other than < > &.
 */
const PICK_IDENTITY_AWK = [
  'function low(s,   o, i, c, k) {',
  '  o = ""',
  '  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); k = index("ABCDEFGHIJKLMNOPQRSTUVWXYZ", c); o = o (k ? substr("abcdefghijklmnopqrstuvwxyz", k, 1) : c) }',
  '  return o',
  '}',
  'function safe(s,   o, i, c) {',
  '  o = ""',
  '  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); if (c >= " " && c <= "~" && index("<>&", c) == 0) o = o c }',
  '  return o',
  '}',
  'BEGIN { h = low(host) }',
  'done == 0 && index($0, ") ") && index($0, "\\"") {',
  '  a = index($0, "\\""); rest = substr($0, a + 1); b = index(rest, "\\""); if (b == 0) next',
  '  name = substr(rest, 1, b - 1); n = low(name)',
  '  if (h == "" || (n != h ".local" && index(n, h ".") != 1)) next',
  '  split(substr($0, 1, a - 1), f, " ")',
  '  problem = substr(rest, b + 1); p = index(problem, "("); q = index(problem, ")")',
  '  print f[2] " " safe(name) (p && q > p ? " " safe(substr(problem, p + 1, q - p - 1)) : ""); done = 1',
  '}',
].join('\n');

/** The verdict, counts and time of a verify report (the JSON `onboard verify --report` writes). */
const REPORT_AWK = [
  'function num(key,   i, s) { i = index(line, "\\"" key "\\":"); if (!i) return -1; s = substr(line, i + length(key) + 3); sub(/^ */, "", s); return s + 0 }',
  '{ line = line $0 " " }',
  'END {',
  '  f = num("fail"); w = num("warn")',
  '  i = index(line, "\\"generatedAt\\":"); at = ""',
  '  if (i) { s = substr(line, i + 14); a = index(s, "\\""); s = substr(s, a + 1); at = substr(s, 1, index(s, "\\"") - 1) }',
  '  if (f < 0 || w < 0) { print "unreadable"; exit }',
  '  v = f > 0 ? "fail" : w > 0 ? "warn" : "pass"',
  '  if (at !~ /^[0-9T:.Z-]+$/) at = ""',
  '  print v (at != "" ? " " at : "")',
  '}',
].join('\n');

export function buildExtensionAttribute(cas: CaSet, opts: AttributeOptions = {}): string {
  const p = (program: string) => shellQuote((opts.programPrefix ?? '') + program);
  const out = [
    '#!/bin/sh',
    '# shellcheck disable=SC2016',
    "# extension-attribute.sh from an Onboard fleet kit: this Mac's 1E onboarding in one line,",
    '# <result>ok|attention; …</result> (a Jamf Pro Extension Attribute; any MDM that keeps a script',
    '# result can use it). Read-only: it changes nothing on the Mac (the admin trust settings are read',
    '# into a temporary file, removed at exit). "attention" when any part is not as it should be.',
    'set -u',
    'umask 077',
    "onboard_state=ok; onboard_parts=''",
    'onboard_ok() { onboard_parts="$onboard_parts; $1"; }',
    'onboard_bad() { onboard_state=attention; onboard_parts="$onboard_parts; $1"; }',
    `work=$(${p(BIN.mktemp)} -d /tmp/onboard-ea.XXXXXXXX) || { echo '<result>attention; cannot make a temporary folder</result>'; exit 0; }`,
    `trap '${p(BIN.rm).replace(/'/g, `'\\''`)} -rf "$work"' EXIT`,
    '',
    '# The 1E Client: installed (its version), and its launchd job running.',
    `if onboard_info=$(${p(BIN.pkgutil)} --pkg-info ${CLIENT_PACKAGE_ID} 2>/dev/null); then`,
    "  onboard_version=''",
    '  while IFS= read -r onboard_line; do case $onboard_line in "version: "*) onboard_version=${onboard_line#version: } ;; esac; done <<ONBOARD_EOF',
    '$onboard_info',
    'ONBOARD_EOF',
    '  case $onboard_version in *[!0-9A-Za-z.-]*) onboard_version=unknown ;; esac',
    `  onboard_job=$(${p(BIN.launchctl)} print system/${CLIENT_LAUNCHD_LABEL} 2>/dev/null) || onboard_job=''`,
    '  case $onboard_job in',
    '    *"state = running"*) onboard_ok "client $onboard_version running" ;;',
    '    *) onboard_bad "client $onboard_version not running" ;;',
    '  esac',
    'else',
    '  onboard_bad "client not installed"',
    'fi',
    '',
    "# This Mac's identity: the System keychain's client identity for its host name, and its expiry.",
    `onboard_host=$(${p(BIN.scutil)} --get LocalHostName 2>/dev/null) || onboard_host=''`,
    `onboard_ids=$(${p(BIN.security)} find-identity -p ssl-client ${shellQuote(SYSTEM_KEYCHAIN)} 2>/dev/null) || onboard_ids=''`,
    `onboard_id=$(printf '%s\\n' "$onboard_ids" | LC_ALL=C ${p(BIN.awk)} -v host="$onboard_host" ${shellQuote(PICK_IDENTITY_AWK)})`,
    'if [ -z "$onboard_host" ]; then',
    '  onboard_bad "no LocalHostName"',
    'elif [ -z "$onboard_id" ]; then',
    '  onboard_bad "no identity for $onboard_host"',
    'else',
    '  read -r onboard_sha1 onboard_name onboard_problem <<ONBOARD_EOF',
    '$onboard_id',
    'ONBOARD_EOF',
    `  onboard_end=$(${p(BIN.security)} find-certificate -Z -a -c "$onboard_name" -p ${shellQuote(SYSTEM_KEYCHAIN)} 2>/dev/null | LC_ALL=C ${p(BIN.awk)} -v want="$onboard_sha1" 'index($0, "SHA-1 hash: ") == 1 { on = (substr($0, 13) == want) } on { print }' | ${p(BIN.openssl)} x509 -noout -enddate 2>/dev/null) || onboard_end=''`,
    '  onboard_end=${onboard_end#notAfter=}',
    '  case $onboard_end in *[!0-9A-Za-z:\\ ]*) onboard_end=unknown ;; esac',
    '  if [ -n "$onboard_problem" ]; then onboard_bad "identity $onboard_name $onboard_problem (expires ${onboard_end:-unknown})"',
    '  else onboard_ok "identity $onboard_name expires ${onboard_end:-unknown}"; fi',
    'fi',
    '',
    '# The root CAs of the kit: trusted in the admin trust settings (the kit profile puts them there).',
    ...shAdminTrustFunction(opts.programPrefix ? { programPrefix: opts.programPrefix } : {}),
    "onboard_untrusted=''",
  ];
  for (const root of cas.roots) {
    const name = caName(root.certificate).replace(/[^ -~]|[<>&;]/g, '?');
    out.push(
      `if ! ${shAdminTrustedCall(root.sha1, '"$work"/admin-trust.plist')} 2>/dev/null; then onboard_untrusted="$onboard_untrusted, "${shellQuote(name)}; fi`,
    );
  }
  out.push(
    `if [ -z "$onboard_untrusted" ]; then onboard_ok ${shellQuote(`root CA trusted (${cas.roots.length})`)}; else onboard_bad "root CA not trusted: \${onboard_untrusted#, }"; fi`,
    '',
    `# The last verification, when this Mac's verify report is at ${KIT_REPORT_PATH}.`,
    `onboard_report=${shellQuote(opts.reportPath ?? KIT_REPORT_PATH)}`,
    'if [ -f "$onboard_report" ]; then',
    `  onboard_verify=$(LC_ALL=C ${p(BIN.awk)} ${shellQuote(REPORT_AWK)} "$onboard_report" 2>/dev/null) || onboard_verify=unreadable`,
    '  case $onboard_verify in pass*) onboard_ok "verify $onboard_verify" ;; *) onboard_bad "verify ${onboard_verify:-unreadable}" ;; esac',
    'else',
    '  onboard_ok "no verify report"',
    'fi',
    '',
    'printf \'<result>%s%s</result>\\n\' "$onboard_state" "$onboard_parts"',
    'exit 0',
    '',
  );
  return out.join('\n');
}
