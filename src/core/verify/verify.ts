// Runs every verification in order (identity, Switch, Background Channel, CRLs, OCSP, the Mac itself),
// reporting progress as each check finishes, and stops cleanly when cancelled.
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../errors';
import type { Executor } from '../macos/types';
import { keyMatches } from '../pki/pkcs12';
import { allPassed, finding, type VerifyFinding } from './findings';
import { probeSwitch, parseSwitchAddress, type ClientIdentity, type TlsVersion } from './switch-probe';
import { probeBackgroundChannel, parseBackgroundUrl } from './background-channel';
import { certificateLabel, checkRevocation } from './crl';
import { checkOcsp } from './ocsp-check';
import { checkMac, describeMachine, type MachineFact } from './mac-checks';

export type { ClientIdentity, TlsVersion };

export interface VerifyProgress {
  /** A step ('client-identity', 'switch', 'background-channel', 'crl', 'ocsp', 'mac') while running, a finding id when done. */
  id: string;
  status: 'running' | 'done';
  finding?: VerifyFinding;
}

export interface VerifyOptions {
  /** host:port of the Switch, as in the 1E Client's configuration. */
  switchAddress: string;
  /** https://server/Background/ */
  backgroundUrl?: string;
  identity: ClientIdentity;
  /** The only certificates trusted for the Switch and Background Channel certificates. */
  caCertificates: X509Certificate[];
  /** Per network stage. Default 10 s. */
  timeoutMs?: number;
  /** Forces one TLS version for the Switch probe; by default 1.3 is offered with 1.2 as fallback. */
  tlsVersion?: TlsVersion;
  /** When given, the Mac-side checks run through it (daemon, configuration, keychain, logs). */
  executor?: Executor;
  /** Settings this onboarding wrote to 1E.Client.conf, checked on the Mac. */
  expectedConf?: Record<string, string>;
  /** The host name the identity must carry; by default the Mac's expected name from its facts. */
  hostname?: string;
  /** Skip fetching CRLs (e.g. a lab without distribution points); reported as information. */
  skipRevocation?: boolean;
  /** Skip asking OCSP responders; reported as information. */
  skipOcsp?: boolean;
  signal?: AbortSignal;
  onProgress?: (e: VerifyProgress) => void;
  /** Clock for tests. */
  now?: () => Date;
}

export interface VerifyResult {
  startedAt: string;
  finishedAt: string;
  findings: VerifyFinding[];
  /** True when no finding failed. */
  ok: boolean;
  switchAddress: string;
  backgroundUrl?: string;
  /** TLS version the Switch negotiated, when a handshake got that far. */
  tlsProtocol?: string;
  /** The Switch's first answer line, when it accepted the client. */
  switchAnswer?: string;
  /** What the Mac-side checks learned about the machine (absent without an executor). */
  machine?: MachineFact[];
}

const cancelled = () =>
  new OnboardError('verify-cancelled', 'Verification was cancelled.', 'Start it again when ready.');

/** Checks the client's own identity before anything is sent: key pairs with certificate, dates. */
export function checkClientIdentity(identity: ClientIdentity, now: Date): VerifyFinding {
  const who = certificateLabel(identity.certificate);
  if (!keyMatches(identity.certificate, identity.key)) {
    return finding(
      'client-identity',
      'fail',
      `The private key does not belong to "${who}"`,
      'The PFX pairs the certificate with another key, so no Switch can accept it.',
      'Export the PFX again from the machine where the certificate request was made, with its private key.',
    );
  }
  const from = new Date(identity.certificate.validFrom);
  const to = new Date(identity.certificate.validTo);
  if (now < from) {
    return finding(
      'client-identity',
      'fail',
      `"${who}" is not valid yet`,
      `Valid from ${from.toISOString()}.`,
      'Check the date and time of this Mac; otherwise wait or reissue the certificate.',
    );
  }
  if (now > to) {
    return finding(
      'client-identity',
      'fail',
      `"${who}" has expired`,
      `Expired on ${to.toISOString()}.`,
      'Request a new certificate for this Mac.',
    );
  }
  const sent = identity.chain.filter((c) => c.subject !== c.issuer).map(certificateLabel);
  return finding(
    'client-identity',
    'pass',
    `Client identity "${who}" is usable`,
    `Private key matches; valid until ${to.toISOString()}; serial ${identity.certificate.serialNumber}; sent with ${sent.length ? sent.join(', ') : 'no CA certificates'}.`,
  );
}

/**
 * Verifies that this Mac really connects, as the Switch judges it. Network outcomes become
 * findings; only bad arguments and cancellation throw (OnboardError).
 */
export async function runVerification(opts: VerifyOptions): Promise<VerifyResult> {
  parseSwitchAddress(opts.switchAddress);
  if (opts.backgroundUrl) parseBackgroundUrl(opts.backgroundUrl);
  const clock = opts.now ?? (() => new Date());
  const startedAt = clock().toISOString();
  const findings: VerifyFinding[] = [];
  const emit = opts.onProgress ?? (() => undefined);
  const step = async (id: string, work: () => Promise<VerifyFinding[]> | VerifyFinding[]) => {
    if (opts.signal?.aborted) throw cancelled();
    emit({ id, status: 'running' });
    const got = await work();
    if (opts.signal?.aborted) throw cancelled();
    for (const f of got) {
      findings.push(f);
      emit({ id: f.id, status: 'done', finding: f });
    }
  };
  const common = { timeoutMs: opts.timeoutMs, signal: opts.signal };

  await step('ca-certificates', () => [
    opts.caCertificates.length
      ? finding(
          'ca-certificates',
          'info',
          `Trusting ${opts.caCertificates.length} CA certificate(s) for the servers`,
          opts.caCertificates.map(certificateLabel).join('; ') +
            ". No other trust store is used, as the 1E Client uses only the System keychain's CAs.",
        )
      : finding(
          'ca-certificates',
          'fail',
          'No CA certificates to trust the servers with',
          "Without the PKI's root CA certificate no server certificate can be trusted.",
          'Give the root (and issuing) CA certificates: --ca FILE, or the CA step of the app.',
        ),
  ]);
  await step('client-identity', () => [checkClientIdentity(opts.identity, clock())]);

  let tlsProtocol: string | undefined;
  let machine: MachineFact[] | undefined;
  let switchAnswer: string | undefined;
  await step('switch', async () => {
    const r = await probeSwitch({
      switchAddress: opts.switchAddress,
      identity: opts.identity,
      caCertificates: opts.caCertificates,
      tlsVersion: opts.tlsVersion,
      now: clock(),
      ...common,
    });
    tlsProtocol = r.protocol;
    switchAnswer = r.accepted ? r.answer : undefined;
    return r.findings;
  });
  if (opts.backgroundUrl) {
    const url = opts.backgroundUrl;
    await step('background-channel', () =>
      probeBackgroundChannel({ url, caCertificates: opts.caCertificates, identity: opts.identity, ...common }),
    );
  }
  await step('crl', () =>
    opts.skipRevocation
      ? [finding('crl-skipped', 'info', 'Revocation lists not checked', 'CRL checks were turned off for this run.')]
      : checkRevocation({
          leaf: opts.identity.certificate,
          chain: opts.identity.chain,
          caCertificates: opts.caCertificates,
          now: clock(),
          ...common,
        }),
  );
  await step('ocsp', () =>
    opts.skipOcsp
      ? [finding('ocsp-skipped', 'info', 'OCSP responders not asked', 'OCSP checks were turned off for this run.')]
      : checkOcsp({
          leaf: opts.identity.certificate,
          chain: opts.identity.chain,
          caCertificates: opts.caCertificates,
          now: clock(),
          ...common,
        }),
  );
  if (opts.executor) {
    const executor = opts.executor;
    await step('mac', async () => {
      const r = await checkMac({
        executor,
        identity: opts.identity,
        caCertificates: opts.caCertificates,
        expectedConf: opts.expectedConf,
        hostname: opts.hostname,
        switchAddress: opts.switchAddress,
        backgroundUrl: opts.backgroundUrl,
      });
      machine = describeMachine(r.facts);
      return r.findings;
    });
  }
  const result: VerifyResult = {
    startedAt,
    finishedAt: clock().toISOString(),
    findings,
    ok: allPassed(findings),
    switchAddress: opts.switchAddress,
  };
  if (opts.backgroundUrl) result.backgroundUrl = opts.backgroundUrl;
  if (tlsProtocol) result.tlsProtocol = tlsProtocol;
  if (switchAnswer) result.switchAnswer = switchAnswer;
  if (machine) result.machine = machine;
  return result;
}
