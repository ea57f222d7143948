// What the command line says about an error or a finding's fix: the core's neutral words, with the options and
// verbs that do it here. Keyed by the error's code (and the finding's fix code); the wizard's own table is
// renderer/ui/advice.ts.
import type { ErrorCode, ErrorDetails } from '../core/errors';
import type { Finding, FixCode } from '../core/pki/requirements';

/** An error as any front end receives it: an OnboardError, or the same fields carried as data. */
export interface AdvisedError {
  code: ErrorCode;
  message: string;
  hint: string;
  details?: ErrorDetails | undefined;
}

type Say = (e: AdvisedError, d: ErrorDetails) => string | undefined;

/** What the CLI says instead of the core's message or hint; undefined keeps the core's (e.g. a detail is missing). */
interface Advice {
  message?: Say;
  hint?: Say;
}

/** The neutral sentence without its full stop, so the CLI can add a clause to it. */
const clause = (text: string) => text.replace(/\.$/, '');

export const CLI_ADVICE: Readonly<Partial<Record<ErrorCode, Advice>>> = {
  'bad-lab-name': { hint: () => 'Give a short name, e.g. --name "Acme Lab".' },
  'bad-ocsp-url': {
    hint: () => 'Give --ocsp-url the address OCSP is answered at, e.g. http://pki.lab.local:8080/ocsp.',
  },
  'bad-serial': {
    hint: (_e, d) =>
      d.source === 'lab'
        ? 'Copy it from `onboard lab issue` output or `openssl x509 -noout -serial`.'
        : d.source === 'certificate'
          ? 'Copy the serial from `onboard inspect` or `openssl x509 -noout -serial`.'
          : undefined,
  },
  'client-not-installed': {
    hint: () => 'Add --installer FILE with the 1E Client package (or install the client first, then run this again).',
  },
  'csr-corrupt': { hint: () => 'Make the request again (onboard csr).' },
  'empty-key-password': {
    hint: () => 'Choose a password, or leave out --key-password-env to write an unencrypted key.',
  },
  'lab-intermediate-not-revoked': {
    hint: (_e, d) =>
      d.dir && d.serial
        ? `Revoke it first if it must go (\`onboard lab revoke --dir ${d.dir} --serial ${d.serial}\`), then run this again.`
        : undefined,
  },
  'lab-issuer-revoked': {
    message: (_e, d) =>
      d.issuer && d.serial
        ? `The lab's issuing CA ${d.issuer} (serial ${d.serial}) was revoked on ${d.revokedAt}: every certificate it issues would be rejected by the Switch and by \`onboard verify\`. Nothing was issued.`
        : undefined,
    hint: (_e, d) =>
      d.dir
        ? `Issue a new intermediate first with \`onboard lab intermediate --dir ${d.dir}\` (the root stays, so Macs need no new root), then run this again.`
        : undefined,
  },
  'lab-no-crl': { hint: () => 'Run `onboard lab crl --dir ...` first.' },
  'lab-no-intermediate': {
    hint: () => 'Create a new lab with an intermediate: `onboard lab init --intermediate ...`.',
  },
  'lab-serve-needs-password': {
    hint: (_e, d) =>
      d.needs === 'ocsp-responder'
        ? 'Give the CA password (--ca-password-env VAR or --ca-password-file F), with --cert and --key too.'
        : 'Give the CA password (--ca-password-env VAR), or a certificate made by `onboard lab server-cert` with --cert and --key.',
  },
  'lab-wrong-ca-password': { hint: () => 'Use the password given to `onboard lab init` for this lab.' },
  'no-hosts': { hint: () => 'Give --hostname NAME or --hosts-csv FILE.' },
  'no-server-names': { hint: () => 'Give --dns NAME (and --ip ADDR if clients connect by address).' },
  'not-a-lab': {
    hint: (_e, d) =>
      d.reason === 'not-a-lab'
        ? 'Give the folder made by `onboard lab init`, or create one with it.'
        : d.reason === 'incomplete'
          ? 'The lab directory is incomplete; create a new one with `onboard lab init`.'
          : undefined,
  },
  'output-exists': { hint: (e) => (e.hint ? `${clause(e.hint)}, or pass --force to replace it.` : undefined) },
  'password-required': {
    hint: (_e, d) =>
      d.prompt === 'none'
        ? 'Give the password with --password-env VAR or --password-file FILE; passwords are never taken on the command line.'
        : 'Give the password with --password-env VAR or --password-file FILE (or type it when asked).',
  },
  'trust-needs-person': {
    hint: () =>
      'Deliver the CA trust with a configuration profile from your MDM (a com.apple.security.root payload), then run this again: trusted roots need no one. Or run `sudo onboard apply ...` (or the exported script with sudo) in Terminal with a person at the Mac, who approves one macOS dialog per root CA.',
  },
};

/** The CLI's words for a finding's fix, by fix code. */
export const CLI_FIXES: Readonly<Record<FixCode, (f: Finding, d: ErrorDetails) => string | undefined>> = {
  'add-ca-certificates': () =>
    'Pass the CA certificates (root and intermediates) with --ca FILE; ask your PKI team for them.',
  'add-chain-certificates': () => 'Pass every CA certificate of the chain (root and intermediates) with --ca.',
  'add-issuer': (_f, d) =>
    d.issuer
      ? `Get the CA certificate "${d.issuer}" (and any above it up to the root) from your PKI team and pass it with --ca; the Mac needs every one of them.`
      : undefined,
  'add-root': () => 'Pass the root CA certificate with --ca.',
  'add-trusted-root': () =>
    'Pass the root CA certificate your organisation trusts with --ca; if it differs from the one the certificate chains to, the certificate came from another PKI.',
  'confirm-root': () =>
    'Pass the root CA certificate your organisation trusts with --ca to confirm it is the same one.',
  'export-with-key': () =>
    'Export the certificate again "with the private key" (the template must allow exporting the key), or build a PFX from the key and certificate: `onboard pfx`.',
  'give-key': () =>
    'Pass the key made with the certificate request with --key FILE, or check the PFX that holds both (--pfx FILE).',
  'request-again': (f) => `${clause(f.fix)}, e.g. with \`onboard csr\`.`,
  'request-for-hostname': (f) =>
    `${clause(f.fix)}; check the host name with \`scutil --get LocalHostName\` (add .local).`,
  'request-rsa-key': () => 'Request a new certificate with an RSA 2048-bit (or larger) key: `onboard csr` makes one.',
  'rewrap-pfx': () =>
    're-wrap to the compatible profile: `onboard pfx --rewrap IN --out OUT --password-env VAR` (3DES, SHA-1 MAC, 8-byte salt, non-empty password).',
};

/** The message and hint the CLI prints for an error: its own advice where it has some, else the core's words. */
export function cliError(e: AdvisedError): { message: string; hint: string } {
  const advice = CLI_ADVICE[e.code];
  const d = e.details ?? {};
  return { message: advice?.message?.(e, d) ?? e.message, hint: advice?.hint?.(e, d) ?? e.hint };
}

/** A finding as the CLI prints it (and as its JSON carries it): the fix in the CLI's words. */
export function cliFinding(f: Finding): Finding {
  const fix = (f.fixCode && CLI_FIXES[f.fixCode](f, f.details ?? {})) ?? f.fix;
  return {
    id: f.id,
    status: f.status,
    title: f.title,
    detail: f.detail,
    fix,
    ...(f.source ? { source: f.source } : {}),
  };
}

/** The two lines the CLI prints on stderr for an error: `onboard VERB: message`, then the hint indented. */
export function errorLines(verb: string, e: AdvisedError): string {
  const { message, hint } = cliError(e);
  return `onboard ${verb}: ${message}\n${hint ? `  ${hint}\n` : ''}`;
}
