// The CA trust configuration profile (.mobileconfig): Apple's payloads, stable identifiers, optional identity, optional CMS signature.
import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import { signCms, signingProblem, type CmsSigner } from '../pki/cms';
import { wrapIdentity, type Identity } from '../pki/identity';
import { certificateLabel } from '../pki/inspect';
import { commonName, nameOnOneLine } from '../pki/names';
import { writePlist, type PlistInput } from '../plist';
import { sortCaCertificates, type CaEntry } from './ca-set';

/** The profile's PayloadIdentifier when none is given: one per organisation's MDM, so a new export replaces the old. */
export const DEFAULT_PROFILE_IDENTIFIER = 'com.1e.onboard.ca-trust';

/** Onboard's own namespace for name-based (version 5) UUIDs: the same name always gives the same UUID. */
const UUID_NAMESPACE = Buffer.from('52a4fc329b844fb9aaf197623f9e3ed2', 'hex');

/** A version 5 UUID (RFC 9562, section 5.5) of `name` in Onboard's namespace, upper case as Apple's tools write them. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const REVERSE_DNS = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))+$/;

export function validateIdentifier(id: string): string {
  if (id.length > 200 || !REVERSE_DNS.test(id))
    throw new OnboardError(
      'bad-profile-identifier',
      `"${id}" is not a reverse-DNS identifier.`,
      'Use dot-separated letters, digits and hyphens, e.g. com.acme.1e.ca-trust.',
    );
  return id;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateOrganization(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200 || CONTROL.test(trimmed))
    throw new OnboardError(
      'bad-organization',
      'The organisation name must be one line of text, up to 200 characters.',
      'Give the name your Mac users know, e.g. Acme Ltd.',
    );
  return trimmed;
}

export interface ProfileIdentityInput {
  identity: Identity;
  /**
   * A profile cannot limit a private key to one program (what `security import -T` does): every
   * app may use it, and the profile only obfuscates the password. The caller says it accepts both.
   */
  allowAllApps: true;
}

export interface ProfileInput {
  /** Every certificate from the CA files (bundles already split). */
  caCertificates: readonly X509Certificate[];
  organization?: string;
  identifier?: string;
  identity?: ProfileIdentityInput;
  at?: Date;
}

export interface ProfilePayloadSummary {
  type: 'com.apple.security.root' | 'com.apple.security.pkcs1' | 'com.apple.security.pkcs12';
  identifier: string;
  uuid: string;
  displayName: string;
  subject: string;
  sha256: string;
  notAfter: string;
}

export interface BuiltProfile {
  /** The profile as an XML property list (what an unsigned .mobileconfig holds). */
  xml: string;
  identifier: string;
  uuid: string;
  displayName: string;
  payloads: ProfilePayloadSummary[];
  warnings: string[];
}

const cn = (c: X509Certificate) => commonName(c) ?? nameOnOneLine(c.subject);
const fileName = (c: X509Certificate, ext: string) =>
  `${
    cn(c)
      .replace(/[^A-Za-z0-9._ -]+/g, '_')
      .trim() || 'ca'
  }${ext}`;
const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

/**
 * Builds the profile: PayloadScope System, one com.apple.security.root payload per root (the
 * System keychain, trusted for every user) and one com.apple.security.pkcs1 per intermediate
 * (added, not trusted as a root), and with `identity` one com.apple.security.pkcs12. Every
 * PayloadIdentifier and PayloadUUID is derived from the identifier and the certificates' SHA-256,
 * so exporting the same certificates again gives the same ones and the Mac replaces the
 * installed profile instead of adding a second one.
 */
export function buildProfile(input: ProfileInput): BuiltProfile {
  const at = input.at ?? new Date();
  const identifier = validateIdentifier(input.identifier ?? DEFAULT_PROFILE_IDENTIFIER);
  const organization = input.organization !== undefined ? validateOrganization(input.organization) : undefined;
  const cas = sortCaCertificates(input.caCertificates, at);
  const warnings = [...cas.warnings];
  const org: Record<string, PlistInput> = organization ? { PayloadOrganization: organization } : {};
  const payloads: Record<string, PlistInput>[] = [];
  const summaries: ProfilePayloadSummary[] = [];
  const caPayload = (e: CaEntry) => {
    const type = e.role === 'root' ? 'com.apple.security.root' : 'com.apple.security.pkcs1';
    const payloadId = `${identifier}.${e.role}.${e.sha256.slice(0, 16).toLowerCase()}`;
    const uuid = stableUuid(`${identifier}\n${type}\n${e.sha256}`);
    const name = cn(e.certificate);
    payloads.push({
      PayloadType: type,
      PayloadVersion: 1,
      PayloadIdentifier: payloadId,
      PayloadUUID: uuid,
      PayloadDisplayName: name,
      PayloadDescription:
        e.role === 'root'
          ? `Root CA "${name}", trusted for every user of this Mac. SHA-256 ${e.sha256}.`
          : `Intermediate CA "${name}", added to the System keychain (not trusted as a root). SHA-256 ${e.sha256}.`,
      PayloadCertificateFileName: fileName(e.certificate, '.cer'),
      PayloadContent: e.certificate.raw,
      ...org,
    });
    summaries.push({
      type,
      identifier: payloadId,
      uuid,
      displayName: name,
      subject: nameOnOneLine(e.certificate.subject),
      sha256: e.sha256,
      notAfter: new Date(e.certificate.validTo).toISOString(),
    });
  };
  cas.roots.forEach(caPayload);
  cas.intermediates.forEach(caPayload);

  const idHashes: string[] = [];
  if (input.identity) {
    if (input.identity.allowAllApps !== true)
      throw new OnboardError(
        'identity-needs-all-apps',
        "A configuration profile cannot limit the identity's private key to the 1E Client: every app on the Mac could use it, and the profile only obfuscates the password.",
        "Deliver the identity with the kit's install script, which limits the key to the 1E Client, or accept both facts explicitly.",
      );
    const { identity } = input.identity;
    const leaf = identity.certificate;
    const sha256 = leaf.fingerprint256.replace(/:/g, '');
    idHashes.push(sha256);
    const inChain = [...cas.roots, ...cas.intermediates].map((e) => e.certificate);
    if (!inChain.some((c) => leaf.checkIssued(c)))
      warnings.push(
        `The identity ${certificateLabel(leaf)} was not issued by any of the CA certificates in this profile: check that its issuer is trusted on the Macs.`,
      );
    const type = 'com.apple.security.pkcs12';
    // Keyed by host name (not the certificate) so that a renewed certificate replaces the old identity payload.
    const host = cn(leaf);
    const payloadId = `${identifier}.identity.${host.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
    const uuid = stableUuid(`${identifier}\n${type}\n${host.toLowerCase()}`);
    // A one-time password: the technician's own never goes into a file that only obfuscates it.
    const password = randomBytes(18).toString('base64url');
    payloads.push({
      PayloadType: type,
      PayloadVersion: 1,
      PayloadIdentifier: payloadId,
      PayloadUUID: uuid,
      PayloadDisplayName: `Identity "${host}"`,
      PayloadDescription: `The 1E Client's certificate and private key for ${host}. Every app on this Mac may use this private key (a profile cannot limit it to the 1E Client).`,
      PayloadCertificateFileName: fileName(leaf, '.p12'),
      PayloadContent: wrapIdentity(identity, password),
      Password: password,
      AllowAllAppsAccess: true,
      KeyIsExtractable: false,
      ...org,
    });
    summaries.push({
      type,
      identifier: payloadId,
      uuid,
      displayName: `Identity "${host}"`,
      subject: nameOnOneLine(leaf.subject),
      sha256: sha256.toUpperCase(),
      notAfter: new Date(leaf.validTo).toISOString(),
    });
    warnings.push(
      'The identity payload makes the private key usable by every app on the Mac (AllowAllAppsAccess): no payload can limit it to the 1E Client the way `security import -T` does.',
      'The identity payload carries the PFX password, which a profile only obfuscates: anyone who can read this file can take the private key. Keep the file as secret as the PFX itself.',
    );
  }

  const rootNames = cas.roots.map((e) => cn(e.certificate));
  const intermediateNames = cas.intermediates.map((e) => cn(e.certificate));
  const who = organization ?? 'your organisation';
  const displayName = `${organization ? `${organization}: ` : ''}CA certificates for the 1E Client${input.identity ? ` and the identity of ${cn(input.identity.identity.certificate)}` : ''}`;
  const uuid = stableUuid(
    [identifier, ...[...cas.roots, ...cas.intermediates].map((e) => e.sha256), ...idHashes].join('\n'),
  );
  const description = [
    `Installs ${who}'s root CA certificate${rootNames.length === 1 ? '' : 's'} ${quoted(rootNames)} in the System keychain, trusted for every user of this Mac`,
    intermediateNames.length
      ? `, and the intermediate CA certificate${intermediateNames.length === 1 ? '' : 's'} ${quoted(intermediateNames)} (not trusted as ${intermediateNames.length === 1 ? 'a root' : 'roots'})`
      : '',
    input.identity ? `, and the 1E Client's identity for ${cn(input.identity.identity.certificate)}` : '',
    ', so that the 1E Client trusts the 1E Switch and Background Channel servers. Made by Onboard.',
  ].join('');
  const profile: Record<string, PlistInput> = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: uuid,
    PayloadScope: 'System',
    PayloadDisplayName: displayName,
    PayloadDescription: description,
    // A Mac profile: keeps it from being offered to other devices by an MDM or a browser download.
    TargetDeviceType: 5,
    PayloadContent: payloads,
    ...org,
  };
  return { xml: writePlist(profile), identifier, uuid, displayName, payloads: summaries, warnings };
}

/** The profile signed (CMS SignedData, DER) by `signer`, carrying its chain; refused when the signer cannot sign now. */
export function signProfile(xml: string, signer: CmsSigner, at = new Date()): Buffer {
  const problem = signingProblem(signer.certificate, at);
  if (problem)
    throw new OnboardError(
      'signer-unusable',
      `The signing certificate ${certificateLabel(signer.certificate)} cannot sign the profile: ${problem}.`,
      'Use a current certificate meant for signing (key usage Digital Signature), with its private key.',
    );
  return signCms(Buffer.from(xml, 'utf8'), signer, at);
}
