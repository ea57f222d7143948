// Name constraints (RFC 5280 §4.2.1.10) read from DER and applied to a certificate's names the way OpenSSL 3 applies them.
import { domainToUnicode } from 'node:url';
import { Asn1Error, TAG, children, contents, expectTag, readTlv } from './der';
import { OID_SMTP_UTF8_MAILBOX, generalNameText, readGeneralName, type GeneralName } from './general-names';

export interface Subtree {
  base: GeneralName;
  /** RFC 5280 says minimum is 0 and maximum absent; OpenSSL refuses any other value when the type is used. */
  minMaxValid: boolean;
}

export interface NameConstraints {
  permitted: Subtree[];
  excluded: Subtree[];
}

/** The names of one certificate that constraints apply to. */
export interface ConstrainedNames {
  /** Canonical encoding of the subject (see canonicalName); empty when the subject is empty. */
  subjectCanonical: Buffer;
  subjectText: string;
  /** Number of attributes in the subject. */
  subjectEntries: number;
  /** emailAddress attributes of the subject, with their ASN.1 tag (OpenSSL needs IA5String). */
  subjectEmails: { tag: number; bytes: Buffer }[];
  /** commonName values as UTF-8. */
  commonNames: string[];
  altNames: GeneralName[];
}

export type ConstraintFailure =
  'permitted' | 'excluded' | 'min-max' | 'unsupported-type' | 'unsupported-syntax' | 'too-many';

export interface ConstraintViolation {
  failure: ConstraintFailure;
  /** The certificate's name that broke the rule, as a PKI engineer reads it. */
  name: string;
  /** The subtree it fell outside (permitted: the subtrees of its type) or inside (excluded). */
  subtrees: string[];
}

/** Reads the value of a NameConstraints extension. */
export function readNameConstraints(value: Uint8Array): NameConstraints {
  const nc: NameConstraints = { permitted: [], excluded: [] };
  for (const part of children(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'name constraints'))) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) throw new Asn1Error('name constraints: unexpected field');
    const into = part.tag === 0xa0 ? nc.permitted : nc.excluded;
    for (const sub of children(part)) {
      const [baseT, ...rest] = children(expectTag(sub, TAG.SEQUENCE, 'general subtree'));
      if (!baseT) throw new Asn1Error('general subtree: no base');
      let minMaxValid = true;
      for (const f of rest) {
        if (f.tag === 0x81)
          minMaxValid = false; // maximum present
        else if (f.tag === 0x80)
          minMaxValid &&= contents(f).every((b) => b === 0); // minimum must be 0
        else throw new Asn1Error('general subtree: unexpected field');
      }
      into.push({ base: readGeneralName(baseT), minMaxValid });
    }
  }
  return nc;
}

// OpenSSL caps names × constraints so that a hostile certificate cannot make checking expensive.
const NAME_CHECK_MAX = 1 << 20;

/**
 * Checks `names` against one CA's constraints: the subject (as a directory name), its emailAddress
 * attributes, every subject alternative name and, for the device certificate without a SAN DNS
 * name, each CN that looks like a host name. Returns the first violation, or null.
 */
export function violatesConstraints(
  names: ConstrainedNames,
  nc: NameConstraints,
  checkCommonNames: boolean,
): ConstraintViolation | null {
  const nameCount = names.subjectEntries + names.altNames.length;
  const constraintCount = nc.permitted.length + nc.excluded.length;
  if (nameCount > 0 && constraintCount > NAME_CHECK_MAX / nameCount) {
    return { failure: 'too-many', name: names.subjectText, subtrees: [] };
  }
  if (names.subjectEntries > 0) {
    const v = match(
      { kind: 'directory', der: Buffer.alloc(0), canonical: names.subjectCanonical, text: names.subjectText },
      nc,
    );
    if (v) return v;
    for (const e of names.subjectEmails) {
      if (e.tag !== TAG.IA5)
        return { failure: 'unsupported-syntax', name: `emailAddress=${e.bytes.toString('utf8')}`, subtrees: [] };
      const v2 = match({ kind: 'email', bytes: e.bytes }, nc);
      if (v2) return v2;
    }
  }
  for (const g of names.altNames) {
    const v = match(g, nc);
    if (v) return v;
  }
  if (checkCommonNames && !names.altNames.some((g) => g.kind === 'dns')) {
    for (const cn of names.commonNames) {
      const dns = hostnameLike(cn);
      if (dns === 'embedded-nul') return { failure: 'unsupported-syntax', name: `CN=${cn}`, subtrees: [] };
      if (!dns) continue;
      const v = match({ kind: 'dns', bytes: dns }, nc);
      if (v) return { ...v, name: `CN=${cn} (read as a host name, since there is no SAN DNS name)` };
    }
  }
  return null;
}

/** OpenSSL's cn2dnsid: a CN counts as a host name when it has two or more labels of letters, digits, '-' and '_'. */
function hostnameLike(cn: string): Buffer | 'embedded-nul' | null {
  let b = Buffer.from(cn, 'utf8');
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  b = b.subarray(0, n);
  if (b.includes(0)) return 'embedded-nul';
  let dotted = false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
    if (alnum) continue;
    if (i > 0 && i < n - 1) {
      if (c === 0x2d) continue;
      if (c === 0x2e && b[i + 1] !== 0x2e && b[i - 1] !== 0x2d && b[i + 1] !== 0x2d) {
        dotted = true;
        continue;
      }
    }
    return null;
  }
  return dotted ? b : null;
}

/** The constraint type a name is matched against: an SmtpUTF8Mailbox otherName counts as an e-mail address. */
function effectiveKind(g: GeneralName): GeneralName['kind'] {
  return g.kind === 'other' && g.typeId === OID_SMTP_UTF8_MAILBOX ? 'email' : g.kind;
}

function sameType(g: GeneralName, base: GeneralName): boolean {
  const kind = effectiveKind(g);
  if (kind !== base.kind) return false;
  return kind !== 'other' || (g as { typeId: string }).typeId === (base as { typeId: string }).typeId;
}

function match(g: GeneralName, nc: NameConstraints): ConstraintViolation | null {
  const shown = generalNameText(g);
  const permitted = nc.permitted.filter((s) => sameType(g, s.base));
  let matched = permitted.length === 0;
  for (const s of permitted) {
    if (!s.minMaxValid) return { failure: 'min-max', name: shown, subtrees: [generalNameText(s.base, true)] };
    if (matched) continue;
    const r = matchOne(g, s.base);
    if (r === true) matched = true;
    else if (r !== false) return { failure: r, name: shown, subtrees: [generalNameText(s.base, true)] };
  }
  if (!matched)
    return { failure: 'permitted', name: shown, subtrees: permitted.map((s) => generalNameText(s.base, true)) };
  for (const s of nc.excluded.filter((x) => sameType(g, x.base))) {
    if (!s.minMaxValid) return { failure: 'min-max', name: shown, subtrees: [generalNameText(s.base, true)] };
    const r = matchOne(g, s.base);
    if (r === true) return { failure: 'excluded', name: shown, subtrees: [generalNameText(s.base, true)] };
    if (r !== false) return { failure: r, name: shown, subtrees: [generalNameText(s.base, true)] };
  }
  return null;
}

type MatchResult = boolean | 'unsupported-type' | 'unsupported-syntax';

function matchOne(g: GeneralName, base: GeneralName): MatchResult {
  switch (g.kind) {
    case 'directory':
      return base.kind === 'directory' && startsWith(g.canonical, base.canonical);
    case 'dns':
      return base.kind === 'dns' && dnsWithin(g.bytes, base.bytes);
    case 'email':
      return base.kind === 'email' ? emailWithin(g.bytes, base.bytes) : false;
    case 'uri':
      return base.kind === 'uri' ? uriWithin(g.bytes, base.bytes) : false;
    case 'ip':
      return base.kind === 'ip' ? ipWithin(g.bytes, base.bytes) : false;
    case 'other':
      return g.typeId === OID_SMTP_UTF8_MAILBOX && base.kind === 'email'
        ? utf8MailboxWithin(g.der, base.bytes)
        : 'unsupported-type';
    default:
      return 'unsupported-type';
  }
}

const startsWith = (name: Buffer, prefix: Buffer) =>
  prefix.length <= name.length && name.subarray(0, prefix.length).equals(prefix);

// ASCII case folding only, as OpenSSL does (never the locale's rules).
function asciiEqualIgnoringCase(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a[i]!;
    let y = b[i]!;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** DNS: the base, or any name ending in "." + base; an empty base matches everything. */
function dnsWithin(dns: Buffer, base: Buffer): boolean {
  if (base.length === 0) return true;
  if (dns.length < base.length) return false;
  const tail = dns.subarray(dns.length - base.length);
  if (dns.length > base.length && base[0] !== 0x2e && dns[dns.length - base.length - 1] !== 0x2e) return false;
  return asciiEqualIgnoringCase(tail, base);
}

/** RFC 822: "user@host" exactly (user case-sensitive), "host" for any mailbox there, ".domain" for any host below it. */
function emailWithin(email: Buffer, base: Buffer): MatchResult {
  const at = email.lastIndexOf(0x40);
  if (at < 0) return 'unsupported-syntax';
  const baseAt = base.lastIndexOf(0x40);
  if (baseAt < 0 && base.length > 0 && base[0] === 0x2e) {
    return email.length > base.length && asciiEqualIgnoringCase(email.subarray(email.length - base.length), base);
  }
  let baseHost = base;
  if (baseAt >= 0) {
    if (baseAt > 0) {
      if (baseAt !== at) return false;
      if (base.subarray(0, baseAt).includes(0) || email.subarray(0, at).includes(0)) return 'unsupported-syntax';
      if (!base.subarray(0, baseAt).equals(email.subarray(0, at))) return false;
    }
    baseHost = base.subarray(baseAt + 1);
  }
  return asciiEqualIgnoringCase(email.subarray(at + 1), baseHost);
}

/** An SmtpUTF8Mailbox against an RFC 822 constraint: the constraint's A-labels read as Unicode (RFC 8398 §6). */
function utf8MailboxWithin(otherNameDer: Buffer, base: Buffer): MatchResult {
  const [, valueT] = children(readTlv(otherNameDer, 0));
  const inner = valueT ? children(valueT)[0] : undefined;
  if (!inner || inner.tag !== TAG.UTF8) return 'unsupported-syntax';
  if (base.includes(0)) return 'unsupported-syntax';
  const mailbox = Buffer.from(contents(inner));
  const at = mailbox.lastIndexOf(0x40);
  if (at < 0) return 'unsupported-syntax';
  const baseText = base.toString('latin1');
  const unicode = (host: string) => Buffer.from(domainToUnicode(host), 'utf8');
  if (baseText.startsWith('.')) {
    const suffix = Buffer.concat([Buffer.from('.'), unicode(baseText.slice(1))]);
    return (
      mailbox.length > suffix.length && asciiEqualIgnoringCase(mailbox.subarray(mailbox.length - suffix.length), suffix)
    );
  }
  const baseAt = baseText.indexOf('@');
  if (baseAt > 0 && !Buffer.from(baseText.slice(0, baseAt), 'latin1').equals(mailbox.subarray(0, at))) return false;
  return asciiEqualIgnoringCase(mailbox.subarray(at + 1), unicode(baseAt >= 0 ? baseText.slice(baseAt + 1) : baseText));
}

/** URI: the host of "scheme://host[:port][/...]" against a host, or ".domain" for any host below it. */
function uriWithin(uri: Buffer, base: Buffer): MatchResult {
  const colon = uri.indexOf(0x3a);
  if (colon < 0 || uri.length - colon < 3 || uri[colon + 1] !== 0x2f || uri[colon + 2] !== 0x2f)
    return 'unsupported-syntax';
  const hostStart = colon + 3;
  let end = uri.indexOf(0x3a, hostStart);
  if (end < 0) end = uri.indexOf(0x2f, hostStart);
  if (end < 0) end = uri.length;
  const host = uri.subarray(hostStart, end);
  if (host.length === 0) return 'unsupported-syntax';
  if (base.length > 0 && base[0] === 0x2e) {
    return host.length > base.length && asciiEqualIgnoringCase(host.subarray(host.length - base.length), base);
  }
  return asciiEqualIgnoringCase(host, base);
}

/** IP: the address under the subtree's mask; IPv4 never matches an IPv6 subtree. */
function ipWithin(ip: Buffer, base: Buffer): MatchResult {
  if (ip.length !== 4 && ip.length !== 16) return 'unsupported-syntax';
  if (base.length !== 8 && base.length !== 32) return 'unsupported-syntax';
  if (ip.length * 2 !== base.length) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i]!;
    if ((ip[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

/** Why a name-constraint check failed, in a sentence about `certLabel` and the CA `caLabel` that set the rule. */
export function describeViolation(v: ConstraintViolation, certLabel: string, caLabel: string): string {
  const list = v.subtrees.join(', ');
  switch (v.failure) {
    case 'permitted':
      return `${certLabel} has the name ${v.name}, but ${caLabel} may only issue names within ${list} (its name constraints).`;
    case 'excluded':
      return `${certLabel} has the name ${v.name}, which ${caLabel} is forbidden to issue (its name constraints exclude ${list}).`;
    case 'min-max':
      return `${caLabel} has a name constraint (${list}) with a minimum or maximum distance, which RFC 5280 forbids and OpenSSL refuses.`;
    case 'unsupported-type':
      return `${certLabel} has a name of a type (${v.name}) that ${caLabel}'s name constraints restrict but OpenSSL cannot check, so it refuses the certificate.`;
    case 'unsupported-syntax':
      return `${certLabel} has a name, ${v.name}, whose form OpenSSL cannot check against ${caLabel}'s name constraints, so it refuses the certificate.`;
    case 'too-many':
      return `${certLabel} has too many names for ${caLabel}'s many name constraints; OpenSSL refuses to check so many.`;
  }
}
