// Runs every verification (identity, Switch, Background Channel, CRLs, OCSP, the Mac itself) as a list of
// independent checks, all at once, reporting them in the list's order, and stops cleanly when cancelled.
import type { X509Certificate } from 'node:crypto';
import type { Executor } from '../macos/types';
import { keyMatches } from '../pki/pkcs12';
import { allPassed, finding, type VerifyFinding } from './findings';
import { probeSwitch, parseSwitchAddress, type ClientIdentity, type TlsVersion } from './switch-probe';
import { probeBackgroundChannel, parseBackgroundUrl } from './background-channel';
import { certificateLabel, revocationParts } from './crl';
import { checkOcsp } from './ocsp-check';
import { checkMac, describeMachine, type MachineFact } from './mac-checks';
import { linkedStop, runChecks, type VerifyCheck, type VerifyProgress } from './checks';

export type { ClientIdentity, TlsVersion, VerifyProgress };

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

/** Which CA certificates the servers are judged against: information, or a failure when there are none. */
function caCertificatesFinding(caCertificates: readonly X509Certificate[]): VerifyFinding {
  return caCertificates.length
    ? finding(
        'ca-certificates',
        'info',
        `Trusting ${caCertificates.length} CA certificate(s) for the servers`,
        caCertificates.map(certificateLabel).join('; ') +
          ". No other trust store is used, as the 1E Client uses only the System keychain's CAs.",
      )
    : finding(
        'ca-certificates',
        'fail',
        'No CA certificates to trust the servers with',
        "Without the PKI's root CA certificate no server certificate can be trusted.",
        'Give the root (and issuing) CA certificates: --ca FILE, or the CA step of the app.',
      );
}

/**
 * Verifies that this Mac really connects, as the Switch judges it. Network outcomes become
 * findings; only bad arguments and cancellation throw (OnboardError).
 *
 * The checks below need nothing from one another (the Switch probe's DNS, TCP and TLS stages run in
 * turn inside it), so they all run at once and the run takes as long as the slowest. A new check
 * (as OCSP was) is one more entry: its parts run beside the others, and its findings are
 * reported at its place in the list.
 */
export async function runVerification(opts: VerifyOptions): Promise<VerifyResult> {
  parseSwitchAddress(opts.switchAddress);
  if (opts.backgroundUrl) parseBackgroundUrl(opts.backgroundUrl);
  const clock = opts.now ?? (() => new Date());
  const startedAt = clock().toISOString();
  const stop = linkedStop(opts.signal);
  const common = { timeoutMs: opts.timeoutMs, signal: stop.signal };
  let tlsProtocol: string | undefined;
  let machine: MachineFact[] | undefined;
  let switchAnswer: string | undefined;

  const checks: VerifyCheck[] = [
    { id: 'ca-certificates', parts: [() => [caCertificatesFinding(opts.caCertificates)]] },
    { id: 'client-identity', parts: [() => [checkClientIdentity(opts.identity, clock())]] },
    {
      id: 'switch',
      parts: [
        async () => {
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
        },
      ],
    },
  ];
  const backgroundUrl = opts.backgroundUrl;
  if (backgroundUrl) {
    checks.push({
      id: 'background-channel',
      parts: [
        () =>
          probeBackgroundChannel({
            url: backgroundUrl,
            caCertificates: opts.caCertificates,
            identity: opts.identity,
            now: clock(),
            ...common,
          }),
      ],
    });
  }
  checks.push({
    id: 'crl',
    parts: opts.skipRevocation
      ? [
          () => [
            finding('crl-skipped', 'info', 'Revocation lists not checked', 'CRL checks were turned off for this run.'),
          ],
        ]
      : revocationParts({
          leaf: opts.identity.certificate,
          chain: opts.identity.chain,
          caCertificates: opts.caCertificates,
          now: clock(),
          ...common,
        }),
  });
  checks.push({
    id: 'ocsp',
    parts: [
      () =>
        opts.skipOcsp
          ? [finding('ocsp-skipped', 'info', 'OCSP responders not asked', 'OCSP checks were turned off for this run.')]
          : // Its responders are asked at once inside it (askOcspResponders), beside every other check.
            checkOcsp({
              leaf: opts.identity.certificate,
              chain: opts.identity.chain,
              caCertificates: opts.caCertificates,
              now: clock(),
              ...common,
            }),
    ],
  });
  const executor = opts.executor;
  if (executor) {
    checks.push({
      id: 'mac',
      parts: [
        async () => {
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
        },
      ],
    });
  }

  const findings = await runChecks(checks, { signal: opts.signal, stop, emit: opts.onProgress ?? (() => undefined) });
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
