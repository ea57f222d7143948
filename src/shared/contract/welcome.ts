// Contract methods of Welcome: the Mac's facts, what the technician came to do, which 1E platform the Mac joins, and
// where the 1E servers are.
import { z } from 'zod';
import type { IpcError } from '../result';
import { type } from './type';

export const SETUP_MODES = ['new', 'upgrade', 'replace-certificate', 'uninstall'] as const;
export type SetupModeName = (typeof SETUP_MODES)[number];

/** Where the Mac connects: 1E on premises or 1E SaaS; their documents ask different revocation information. */
export const PLATFORMS = ['on-prem', 'saas'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** The Mac as Welcome shows it: every field null when macOS did not say. */
export interface MacFactsView {
  /** e.g. "macOS 14.4.1 (23E224)". */
  macos: string | null;
  arch: 'arm64' | 'x86_64' | null;
  /** Apple Silicon needs Rosetta 2 for the Intel 1E Client; Intel Macs never do. */
  rosetta: 'not-needed' | 'installed' | 'missing' | null;
  localHostName: string | null;
  computerName: string | null;
  hostName: string | null;
  /** What the `hostname` command prints. */
  hostname: string | null;
  /** The name 1E expects in the client certificate (LocalHostName.local, or the FQDN when domain-joined). */
  expectedHostName: string | null;
  domain: { domain: string; forest: string | null; computerAccount: string | null } | null;
  admin: boolean | null;
  client: { version: string; installedAt: string | null } | null;
  service: { running: boolean; state: string; pid: number | null } | null;
  /** The installed 1E.Client.conf, if any: the two endpoints and every setting as written. */
  conf: {
    path: string;
    switchAddress: string | null;
    backgroundUrl: string | null;
    settings: { key: string; value: string }[];
  } | null;
  /** Certificates and client identities in the System keychain. */
  keychain: { certificates: number; identities: number };
}

/** One field typed on Welcome, as main's validator judged it: a refusal is the validator's error, advised as any. */
export type FieldCheck = { ok: true; value: string } | ({ ok: false } & IpcError);

export interface EndpointsCheck {
  /** null while the field is empty. */
  switchAddress: FieldCheck | null;
  backgroundUrl: FieldCheck | null;
  /** Both are valid and now kept for the plans and the verification. */
  saved: boolean;
}

export const welcomeMethods = {
  /** Asks the Mac (read-only commands) and keeps the answer for the later checks. */
  getMacFacts: { request: z.object({ refresh: z.boolean().default(false) }).strict(), result: type<MacFactsView>() },
  setMode: { request: z.object({ mode: z.enum(SETUP_MODES) }).strict(), result: type<{ mode: SetupModeName }>() },
  /** Which 1E platform the Mac connects to; the client certificate is judged by that platform's requirements. */
  setPlatform: {
    request: z.object({ platform: z.enum(PLATFORMS) }).strict(),
    result: type<{ platform: PlatformName }>(),
  },
  /** Validates both endpoints as typed; keeps them only when both are valid. */
  setEndpoints: {
    request: z.object({ switchAddress: z.string().max(300), backgroundUrl: z.string().max(2000) }).strict(),
    result: type<EndpointsCheck>(),
  },
} as const;
