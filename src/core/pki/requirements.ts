// Judges a client certificate against every 1E requirement, one finding per requirement with a fix a technician can follow.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { buildChain } from './chain';
import { EKU, certificateDetails, certificateLabel, describeKey, ekuName, isSelfSigned, keyLabel } from './inspect';
import { commonNameOf, formatName } from './names';
import type { PfxAnalysis } from './pkcs12';
import {
  revocationOnline,
  revocationSaas,
  type RequirementProfile,
  type RevocationEndpoint,
} from './requirement-profiles';
import {
  REQUEST_AGAIN,
  RSA_KEY,
  chainComplete,
  chainTrusted,
  finding,
  pfxCompatible,
  revocation,
  signatureAlgorithm,
  subjectHostname,
  validity,
  type Finding,
} from './requirement-findings';

export {
  EXPIRY_WARNING_DAYS,
  FINDING_IDS,
  FINDING_SOURCES,
  FINDING_TITLES,
  FIX_CODES,
  PROFILE_FINDING_IDS,
  type Finding,
  type FindingId,
  type FindingStatus,
  type FixCode,
} from './requirement-findings';
export {
  PROFILE_NAMES,
  REQUIREMENT_PROFILES,
  isRequirementProfile,
  type RequirementProfile,
  type RevocationEndpoint,
} from './requirement-profiles';

export interface ClientCheckInput {
  certificate: X509Certificate;
  privateKey?: KeyObject;
  /** The CA certificates the technician trusts (roots among them are the trust anchors). */
  caCertificates: X509Certificate[];
  /** The Mac's host name exactly as macOS shows it, e.g. MAC01.local. */
  hostname: string;
  at?: Date;
  /** Present when the certificate came in a PFX: drives pfx-macos-compatible. */
  pfx?: PfxAnalysis;
  /** Other certificates that came with the device certificate (PFX chain, PEM bundle): usable as intermediates, never as trust. */
  extraCertificates?: X509Certificate[];
  /** Which 1E documents judge it: on-premises (the default, revocation-http) or SaaS (revocation-saas). */
  requirements?: RequirementProfile;
  /** The client certificate's revocation endpoints as an online check found them: SaaS then adds revocation-online. */
  online?: readonly RevocationEndpoint[];
}

export function checkClientCertificate(input: ClientCheckInput): Finding[] {
  const at = input.at ?? new Date();
  const leaf = input.certificate;
  const d = certificateDetails(leaf);
  const selfSigned = isSelfSigned(leaf);
  const key = describeKey(leaf.publicKey);
  const keyText = keyLabel(key, leaf.publicKey);
  const extras = input.extraCertificates ?? [];
  const anchors =
    input.caCertificates.length > 0
      ? input.caCertificates.filter((c) => isSelfSigned(c))
      : extras.filter((c) => isSelfSigned(c));
  const chain = buildChain(leaf, [...input.caCertificates, ...extras], { at, trustAnchors: anchors });
  const out: Finding[] = [];

  out.push(chainTrusted(chain, selfSigned, input.caCertificates.length > 0));
  out.push(chainComplete(chain, selfSigned));
  out.push(
    selfSigned
      ? finding(
          'not-self-signed',
          'fail',
          `${certificateLabel(leaf)} is signed by its own key; 1E refuses self-signed certificates by design.`,
          REQUEST_AGAIN,
        )
      : finding('not-self-signed', 'pass', `Issued by ${formatName(d.issuerAttributes)}.`),
  );
  out.push(validity(d.notBefore, d.notAfter, at));

  // Without the extension OpenSSL (and so the Switch) allows any usage: a warning, since 1E's list names the usages explicitly.
  const ekus = d.extendedKeyUsageOids;
  if (ekus === null) {
    out.push(
      finding(
        'eku-client-auth',
        'warn',
        'The certificate has no Extended Key Usage extension. OpenSSL, which the Switch uses, treats that as "any purpose" and accepts it, but 1E\'s requirements list Client Authentication (1.3.6.1.5.5.7.3.2) explicitly.',
        REQUEST_AGAIN,
      ),
    );
  } else if (ekus.includes(EKU.clientAuth)) {
    out.push(finding('eku-client-auth', 'pass', `Extended key usage: ${ekus.map(ekuName).join(', ')}.`));
  } else {
    out.push(
      finding(
        'eku-client-auth',
        'fail',
        `Extended key usage lists ${ekus.map(ekuName).join(', ') || 'nothing'} but not Client Authentication; the Switch rejects it ("unsuitable certificate purpose").`,
        REQUEST_AGAIN,
      ),
    );
  }

  const ku = d.keyUsage;
  const noKu =
    'The certificate has no Key Usage extension. OpenSSL, which the Switch uses, treats that as "any usage" and accepts it, but 1E\'s requirements list Digital Signature and Key Encipherment explicitly.';
  const kuText = `Key usage: ${(ku ?? []).join(', ') || 'none'}`;
  if (ku === null) out.push(finding('ku-digital-signature', 'warn', noKu, REQUEST_AGAIN));
  else if (ku.includes('digitalSignature')) out.push(finding('ku-digital-signature', 'pass', `${kuText}.`));
  else
    out.push(
      finding(
        'ku-digital-signature',
        'fail',
        `${kuText}; Digital Signature is required (the "Signature" request handling option); without it the Switch rejects the certificate ("unsuitable certificate purpose").`,
        REQUEST_AGAIN,
      ),
    );
  const rsa = key.keyType === 'rsa';
  const cannot = `this key (${keyText}) cannot do key encipherment at all, so the request must use an RSA key`;
  if (ku === null) {
    out.push(
      rsa
        ? finding('ku-key-encipherment', 'warn', noKu, REQUEST_AGAIN)
        : finding(
            'ku-key-encipherment',
            'fail',
            `The certificate has no Key Usage extension, and ${cannot}.`,
            REQUEST_AGAIN,
          ),
    );
  } else if (!ku.includes('keyEncipherment')) {
    out.push(
      finding(
        'ku-key-encipherment',
        'fail',
        `${kuText}; Key Encipherment is required (the "Encryption" request handling option)${rsa ? '' : `, and ${cannot}`}.`,
        REQUEST_AGAIN,
      ),
    );
  } else {
    out.push(
      rsa
        ? finding('ku-key-encipherment', 'pass', `${kuText}.`)
        : finding('ku-key-encipherment', 'fail', `${kuText}, but ${cannot}.`, REQUEST_AGAIN),
    );
  }

  out.push(
    key.keyType === 'rsa'
      ? finding('key-rsa', 'pass', `The key is ${keyText}.`)
      : finding(
          'key-rsa',
          'fail',
          `The key is ${keyText}; 1E client certificates need an RSA key (key encipherment is only possible with RSA).`,
          RSA_KEY,
        ),
  );

  if (key.keyType !== 'rsa')
    out.push(finding('key-size', 'info', `Key size is judged for RSA keys; this key is ${keyText} (see key-rsa).`));
  else if ((key.keySize ?? 0) >= 2048) out.push(finding('key-size', 'pass', `${key.keySize} bits.`));
  else
    out.push(
      finding(
        'key-size',
        'fail',
        `The RSA key has only ${key.keySize ?? 'an unknown number of'} bits; 2048 is the minimum OpenSSL and macOS accept.`,
        RSA_KEY,
      ),
    );

  if (input.privateKey) {
    out.push(
      finding(
        'private-key-present',
        'pass',
        `The private key (${keyLabel(describeKey(input.privateKey), input.privateKey)}) came with the certificate.`,
      ),
    );
    let matches = false;
    try {
      matches = leaf.checkPrivateKey(input.privateKey);
    } catch {
      matches = false;
    }
    out.push(
      matches
        ? finding('private-key-matches', 'pass', 'The private key belongs to this certificate.')
        : finding(
            'private-key-matches',
            'fail',
            'The private key does not belong to this certificate (it was made for a different request).',
            "Find the key that was generated with this certificate's request, or request a new certificate from this key.",
          ),
    );
  } else if (input.pfx) {
    out.push(
      finding(
        'private-key-present',
        'fail',
        'The PFX holds the certificate but no private key, so it cannot identify this Mac.',
        {
          text: 'Export the certificate again "with the private key" (the template must allow exporting the key), or build a PFX from the key and the certificate.',
          code: 'export-with-key',
        },
      ),
    );
    out.push(finding('private-key-matches', 'info', 'Not checked: there is no private key.'));
  } else {
    // A certificate checked on its own (e.g. just back from the CA) may well have its key elsewhere: unknown, not missing.
    out.push(
      finding(
        'private-key-present',
        'warn',
        'No private key was given with the certificate, so this could not be checked; the 1E Client needs the key that belongs to it.',
        {
          text: 'Give the key made with the certificate request, or check the PFX that holds both.',
          code: 'give-key',
        },
      ),
    );
    out.push(finding('private-key-matches', 'info', 'Not checked: there is no private key.'));
  }

  if (input.requirements === 'saas') {
    out.push(revocationSaas(d.crlUrls, d.ocspUrls));
    if (input.online) out.push(revocationOnline(input.online));
  } else out.push(revocation(d.crlUrls, d.ocspUrls));
  out.push(subjectHostname(input.hostname, commonNameOf(d.subjectAttributes), d.subjectAltNames.dns));
  out.push(signatureAlgorithm(chain));
  if (input.pfx) out.push(pfxCompatible(input.pfx));
  return out;
}

export function summarise(findings: Finding[]): {
  pass: number;
  warn: number;
  fail: number;
  info: number;
  ok: boolean;
} {
  const s = { pass: 0, warn: 0, fail: 0, info: 0, ok: true };
  for (const f of findings) s[f.status]++;
  s.ok = s.fail === 0;
  return s;
}
