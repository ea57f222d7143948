// The client identity (private key, certificate, chain) as one domain object: opened from a PFX once, wrapped once.
import type { KeyObject, X509Certificate } from 'node:crypto';
import { keyMatches, noIdentity, readAndAnalysePfx, writePfx, type PfxAnalysis, type PfxProfile } from './pkcs12';

export interface Identity {
  key: KeyObject;
  certificate: X509Certificate;
  /** The other certificates that came with it, each issuer after what it issued where they chain. */
  chain: X509Certificate[];
  /** The PFX's friendly name, kept when the identity is wrapped again (macOS labels the imported key with it). */
  friendlyName?: string;
}

export interface OpenedIdentity {
  identity: Identity;
  /** How the PFX it came from was protected, and whether every macOS imports that file as it is. */
  analysis: PfxAnalysis;
}

/**
 * Opens a PFX at the input boundary, decrypting it once: the identity inside, and how the file
 * is protected. Throws OnboardError 'pfx-wrong-password', 'pfx-corrupt', 'pfx-unsupported', or
 * 'pfx-no-identity' when the file holds no private key that belongs to its certificate.
 */
export function openPfx(der: Uint8Array, password: string): OpenedIdentity {
  const { contents, analysis } = readAndAnalysePfx(der, password);
  const [certificate, ...chain] = contents.certificates;
  if (!contents.key || !certificate || !keyMatches(certificate, contents.key)) throw noIdentity();
  const identity: Identity = { key: contents.key, certificate, chain };
  if (contents.friendlyName !== undefined) identity.friendlyName = contents.friendlyName;
  return { identity, analysis };
}

/** The identity as a new PFX under `password` ('compatible': what every macOS imports). */
export function wrapIdentity(identity: Identity, password: string, profile: PfxProfile = 'compatible'): Buffer {
  return writePfx({ ...identity, password, profile });
}
