// Certificate revocation lists read from DER or PEM: issuer, dates, entries with reasons, and the extensions OpenSSL's CRL checks read (AKID, IDP, CRL numbers, criticality).
import { OnboardError, describeError } from '../errors';
import {
  Asn1Error,
  TAG,
  children,
  contents,
  der,
  expectTag,
  parseStrictDer,
  readAlgorithm,
  readTime,
  readTlv,
  whole,
  type Tlv,
  readExtensions,
} from './der';
import { readGeneralNames, type GeneralName } from './general-names';
import { canonicalName, formatName, readName } from './names';
import {
  extensionLabel,
  integerKey,
  readAuthorityKeyId,
  readDistributionPointName,
  reasonMask,
  type AuthorityKeyId,
  type DistributionPointName,
} from './path-facts';

export interface CrlEntry {
  /** Serial as a signed integer string (see integerKey). */
  serial: string;
  revokedAt: Date;
  /** CRLReason code (RFC 5280 §5.3.1), when the entry gives one. */
  reason?: number;
  /** The certificate issuer in effect for this entry (indirect CRLs carry it over from entry to entry). */
  issuers?: GeneralName[];
}

export interface IssuingDistributionPoint {
  name?: DistributionPointName;
  onlyUser: boolean;
  onlyCa: boolean;
  onlyAttributes: boolean;
  indirect: boolean;
  /** onlySomeReasons as OpenSSL's mask, when present. */
  reasons?: number;
}

export interface Crl {
  /** Where it came from, for messages: a file name or a URL. */
  source: string;
  issuerCanonical: Buffer;
  issuerText: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Entries by serial (several when an indirect CRL lists one serial of several issuers). */
  entries: Map<string, CrlEntry[]>;
  entryCount: number;
  akid?: AuthorityKeyId;
  crlNumber?: string;
  /** Set on a delta CRL (deltaCRLIndicator): the number of its base CRL. */
  baseCrlNumber?: string;
  idp?: IssuingDistributionPoint;
  /** The IDP extension is damaged, repeated or claims two "only" scopes: OpenSSL will not use the CRL. */
  idpInvalid: boolean;
  /** Critical extensions OpenSSL does not process, on the list or on an entry (then it refuses the whole list). */
  unprocessedCritical: string[];
  /** Entry extensions that do not decode (OpenSSL marks such a list invalid). */
  invalid: string[];
  /** The signed bytes, the signature over them, and both copies of the algorithm (they must agree). */
  tbs: Buffer;
  signature: Buffer;
  signatureAlgorithm: { oid: string; params?: Buffer };
  algorithmsAgree: boolean;
  /** False when the signature's BIT STRING claims unused bits: no X.509 signature algorithm makes such a value, so it cannot verify. */
  signatureWhole: boolean;
}

/** CRLReason names (RFC 5280 §5.3.1), as CRL entries and OCSP revoked answers (RFC 6960) both give them. */
export const CRL_REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};
export const REMOVE_FROM_CRL = 8;

// CRL extensions OpenSSL processes even when critical (crl_cb); certificateIssuer is the one such entry extension.
const PROCESSED_CRL_EXTENSIONS = new Set(['2.5.29.28', '2.5.29.35', '2.5.29.27']);
const OID_CERTIFICATE_ISSUER = '2.5.29.29';

/** Reads every CRL in a file: DER, or PEM with any number of "X509 CRL" blocks. */
export function readCrls(data: Buffer, source: string): Crl[] {
  const head = data.subarray(0, 4096).toString('latin1');
  if (head.includes('-----BEGIN')) {
    const blocks = [...data.toString('latin1').matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
    const crls = blocks.filter((m) => m[1] === 'X509 CRL');
    if (crls.length === 0)
      throw notACrl(
        source,
        blocks.map((m) => m[1]!),
      );
    return crls.map((m, i) =>
      readCrl(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'), crls.length > 1 ? `${source} (CRL ${i + 1})` : source),
    );
  }
  return [readCrl(data, source)];
}

function notACrl(source: string, labels: string[]): OnboardError {
  const what = labels.length ? `PEM blocks of ${[...new Set(labels)].join(', ')}` : 'no PEM block at all';
  return new OnboardError(
    'crl-malformed',
    `${source} holds ${what}, not a certificate revocation list (X509 CRL).`,
    'Use the CRL file the CA publishes (usually .crl, from its CRL distribution point).',
  );
}

/** Reads one CRL in DER; anything else is an OnboardError 'crl-malformed' naming `source`. */
export function readCrl(derBytes: Buffer, source: string): Crl {
  try {
    return parse(derBytes, source);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError(
      'crl-malformed',
      `${source} is not a readable certificate revocation list (${describeError(e)}).`,
      'Get the CRL file again from the CA; it must be the CRL itself (DER or PEM), not a certificate or a web page.',
    );
  }
}

/** True for DER whose shape is a CRL's (tbs with a thisUpdate time where a certificate has its validity). */
export function looksLikeCrl(derBytes: Uint8Array): boolean {
  try {
    const [tbs] = children(readTlv(derBytes, 0));
    const f = children(expectTag(tbs, TAG.SEQUENCE, 'tbs'));
    const i = f[0]?.tag === TAG.INTEGER ? 1 : 0;
    return f[i]?.tag === TAG.SEQUENCE && f[i + 1]?.tag === TAG.SEQUENCE && isTime(f[i + 2]);
  } catch {
    return false;
  }
}

const isTime = (t: Tlv | undefined) => t !== undefined && (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME);

function parse(derBytes: Buffer, source: string): Crl {
  const [tbsT, algT, sigT] = children(expectTag(parseStrictDer(derBytes), TAG.SEQUENCE, 'certificate revocation list'));
  const fields = children(expectTag(tbsT, TAG.SEQUENCE, 'the signed part of the CRL'));
  const sig = contents(expectTag(sigT, TAG.BIT_STRING, 'the signature'));
  let i = 0;
  if (fields[0]?.tag === TAG.INTEGER) {
    const v = contents(fields[i++]!);
    if (v.length !== 1 || v[0]! > 1) throw new Asn1Error('unknown CRL version');
  }
  const innerAlgT = expectTag(fields[i++], TAG.SEQUENCE, 'the signature algorithm');
  const issuerT = expectTag(fields[i++], TAG.SEQUENCE, 'the CRL issuer');
  if (!isTime(fields[i])) throw new Asn1Error('no thisUpdate time');
  const thisUpdate = readTime(fields[i++]!);
  const nextUpdate = isTime(fields[i]) ? readTime(fields[i++]!) : undefined;
  const alg = readAlgorithm(algT!);
  const issuerCanonical = canonicalName(issuerT);
  const crl: Crl = {
    source,
    issuerCanonical,
    issuerText: formatName(readName(issuerT)),
    thisUpdate,
    nextUpdate,
    entries: new Map(),
    entryCount: 0,
    idpInvalid: false,
    unprocessedCritical: [],
    invalid: [],
    tbs: Buffer.from(whole(tbsT!)),
    signature: Buffer.from(sig.subarray(1)),
    signatureAlgorithm:
      alg.params && alg.params.tag !== TAG.NULL
        ? { oid: alg.oid, params: Buffer.from(whole(alg.params)) }
        : { oid: alg.oid },
    algorithmsAgree: Buffer.from(whole(innerAlgT)).equals(Buffer.from(whole(algT!))),
    // A damaged signature is the signature check's to report (as OpenSSL does), not a reason to refuse the file.
    signatureWhole: sig.length > 0 && sig[0] === 0,
  };
  if (fields[i]?.tag === TAG.SEQUENCE) readEntries(fields[i++]!, crl);
  if (fields[i]?.tag === 0xa0) readCrlExtensions(children(fields[i++]!)[0]!, crl);
  if (i !== fields.length) throw new Asn1Error('unexpected fields after the extensions');
  return crl;
}

function readCrlExtensions(list: Tlv, crl: Crl): void {
  const seen = new Set<string>();
  for (const ext of readExtensions(list)) {
    if (ext.critical && !PROCESSED_CRL_EXTENSIONS.has(ext.oid)) crl.unprocessedCritical.push(extensionLabel(ext.oid));
    const twice = seen.has(ext.oid);
    seen.add(ext.oid);
    switch (ext.oid) {
      case '2.5.29.28': // issuing distribution point
        if (twice) crl.idpInvalid = true;
        else {
          try {
            crl.idp = readIdp(ext.value, crl.issuerCanonical);
            const only = [crl.idp.onlyUser, crl.idp.onlyCa, crl.idp.onlyAttributes].filter(Boolean).length;
            if (only > 1) crl.idpInvalid = true;
          } catch {
            crl.idpInvalid = true;
          }
        }
        break;
      case '2.5.29.35':
        if (twice) throw new Asn1Error('two authority key identifiers');
        crl.akid = readAuthorityKeyId(ext.value);
        break;
      case '2.5.29.20':
        if (twice) throw new Asn1Error('two CRL numbers');
        crl.crlNumber = integerKey(readTlv(ext.value, 0));
        break;
      case '2.5.29.27':
        if (twice) throw new Asn1Error('two delta CRL indicators');
        crl.baseCrlNumber = integerKey(readTlv(ext.value, 0));
        break;
    }
  }
  if (crl.baseCrlNumber !== undefined && crl.crlNumber === undefined)
    throw new Asn1Error('a delta CRL without a CRL number');
}

function readIdp(value: Uint8Array, issuerCanonical: Buffer): IssuingDistributionPoint {
  const idp: IssuingDistributionPoint = { onlyUser: false, onlyCa: false, onlyAttributes: false, indirect: false };
  const flag = (t: Tlv) => contents(t).length > 0 && contents(t)[0] !== 0;
  for (const f of children(expectTag(readTlv(value, 0), TAG.SEQUENCE, 'issuing distribution point'))) {
    if (f.tag === 0xa0) idp.name = readDistributionPointName(f, issuerCanonical);
    else if (f.tag === 0x81) idp.onlyUser = flag(f);
    else if (f.tag === 0x82) idp.onlyCa = flag(f);
    else if (f.tag === 0x83) idp.reasons = reasonMask(readTlv(der.tlv(TAG.BIT_STRING, contents(f))));
    else if (f.tag === 0x84) idp.indirect = flag(f);
    else if (f.tag === 0x85) idp.onlyAttributes = flag(f);
    else throw new Asn1Error('issuing distribution point: unexpected field');
  }
  return idp;
}

function readEntries(list: Tlv, crl: Crl): void {
  let issuers: GeneralName[] | undefined;
  for (const e of children(list)) {
    const [serialT, dateT, extsT] = children(expectTag(e, TAG.SEQUENCE, 'revoked certificate'));
    const entry: CrlEntry = { serial: integerKey(serialT!), revokedAt: readTime(dateT!) };
    if (extsT) {
      for (const ext of readExtensions(extsT)) {
        if (ext.critical && ext.oid !== OID_CERTIFICATE_ISSUER) {
          crl.unprocessedCritical.push(`${extensionLabel(ext.oid)} on the entry for serial ${entry.serial}`);
        }
        try {
          if (ext.oid === OID_CERTIFICATE_ISSUER) issuers = readGeneralNames(readTlv(ext.value, 0));
          else if (ext.oid === '2.5.29.21') entry.reason = reasonCode(ext.value);
        } catch {
          crl.invalid.push(
            `the entry for serial ${entry.serial} has a ${extensionLabel(ext.oid)} that cannot be decoded`,
          );
        }
      }
    }
    if (issuers) entry.issuers = issuers;
    const list = crl.entries.get(entry.serial);
    if (list) list.push(entry);
    else crl.entries.set(entry.serial, [entry]);
    crl.entryCount++;
  }
}

function reasonCode(value: Uint8Array): number {
  const t = readTlv(value, 0);
  if (t.tag !== 0x0a) throw new Asn1Error('reason code: not an ENUMERATED');
  return Number(integerKey(readTlv(der.tlv(TAG.INTEGER, contents(t)))));
}

/** A reason code as RFC 5280 names it. */
export function reasonName(code: number | undefined): string {
  return code === undefined ? 'no reason given' : (CRL_REASONS[code] ?? `reason ${code}`);
}
