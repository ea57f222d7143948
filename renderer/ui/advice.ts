// What the wizard says about an error or a finding's fix: main sends the core's neutral words with a code (and the
// fix's parameters as details); where the wizard does it with a step or a button, this table says so, by code and,
// where one error needs different advice on different screens, by screen. The CLI's table is src/cli/advice.ts.
import type { ErrorCode, Finding, FixCode, IpcError } from '../../src/shared/contract';

/** Where a message is shown: the same error can need different advice on different screens. */
export type Screen = 'ca' | 'issued-certificate' | 'other';

/** An error as the renderer holds it; a text the renderer makes itself carries no code and is shown as it is. */
export type ShownError = Pick<IpcError, 'message' | 'hint'> & Partial<Pick<IpcError, 'code' | 'details'>>;

type Details = Readonly<Record<string, string>>;
type Say = (e: ShownError, d: Details) => string | undefined;

interface Advice {
  message?: Say;
  /** One text for every screen, or one per screen ('other' for the rest). */
  hint?: Say | Partial<Record<Screen, Say>>;
}

const KEY_AND_REQUEST = '"Make a key and request on this Mac"';
const ON_CA_STEP = 'on the CA certificates step';
const ON_CLIENT_STEP = 'on the Client certificate step';

/** The neutral sentence without its full stop, so the wizard can add a clause to it. */
const clause = (text: string) => text.replace(/\.$/, '');

export const WIZARD_ADVICE: Readonly<Partial<Record<ErrorCode, Advice>>> = {
  'bad-lab-name': { hint: () => 'Type a short name under Lab name, e.g. Acme Lab.' },
  'csr-corrupt': { hint: () => `Make the key and request again with ${KEY_AND_REQUEST} ${ON_CLIENT_STEP}.` },
  // The wizard cannot give a lab a new intermediate; the lab engineer can, or a new lab CA does.
  'lab-issuer-revoked': {
    message: (_e, d) =>
      d.issuer && d.serial
        ? `The lab's issuing CA ${d.issuer} (serial ${d.serial}) was revoked on ${d.revokedAt}: every certificate it issues would be rejected by the Switch and by Onboard's Verify step. Nothing was issued.`
        : undefined,
    hint: () =>
      'Create a new lab CA here, or ask the lab engineer to give this lab a new intermediate CA (the root stays, so Macs need no new root), then issue again.',
  },
  // A password-protected file on the CA step is not a CA certificate at all, so "give the password" would be the
  // wrong fix there; nor is it the CA's answer to a request.
  'password-required': {
    hint: {
      ca: () =>
        `CA certificates never have a password: this file is a password-protected .pfx or private key. If it is this Mac's .pfx, open it ${ON_CLIENT_STEP}; here, add the CA certificates as .cer, .crt, .pem or .p7b files (ask your PKI team).`,
      'issued-certificate': () =>
        'The CA answers a request with a certificate (.cer, .crt, .pem or .p7b), which has no password. Pick that file; a password-protected .pfx goes under "An existing .pfx" instead.',
      other: () => `Onboard asks for a password only for a .pfx: open it under "An existing .pfx" ${ON_CLIENT_STEP}.`,
    },
  },
};

/** The wizard's words for a finding's fix, by fix code (undefined keeps the core's). */
export const WIZARD_FIXES: Readonly<Partial<Record<FixCode, (f: Finding, d: Details) => string | undefined>>> = {
  'add-ca-certificates': () =>
    `Add the CA certificates (root and intermediates) ${ON_CA_STEP}; ask your PKI team for them.`,
  'add-chain-certificates': () => `Add every CA certificate of the chain (root and intermediates) ${ON_CA_STEP}.`,
  'add-issuer': (_f, d) =>
    d.issuer
      ? `Get the CA certificate "${d.issuer}" (and any above it up to the root) from your PKI team and add it ${ON_CA_STEP}; the Mac needs every one of them.`
      : undefined,
  'add-root': () => `Add the root CA certificate ${ON_CA_STEP}.`,
  'add-trusted-root': () =>
    `Add the root CA certificate your organisation trusts ${ON_CA_STEP}; if it differs from the one the certificate chains to, the certificate came from another PKI.`,
  'confirm-root': () =>
    `Add the root CA certificate your organisation trusts ${ON_CA_STEP} to confirm it is the same one.`,
  'export-with-key': () =>
    `Export the certificate again "with the private key" (the template must allow exporting the key), or use ${KEY_AND_REQUEST} instead.`,
  'give-key': () =>
    'Open the .pfx that holds both the certificate and its private key, or load the certificate issued for the request made on this Mac.',
  'request-again': (f) => `${clause(f.fix)}, for example with ${KEY_AND_REQUEST} ${ON_CLIENT_STEP}.`,
  'request-for-hostname': (f) => `${clause(f.fix)}; Welcome shows the name 1E expects for this Mac.`,
  'request-rsa-key': () =>
    `Request a new certificate with an RSA 2048-bit (or larger) key: ${KEY_AND_REQUEST} ${ON_CLIENT_STEP} makes one.`,
};

/** An error as the wizard shows it on `screen`: its own advice where it has some, else the core's words. */
export function wizardError(e: ShownError, screen: Screen = 'other'): { message: string; hint: string } {
  const advice = e.code ? WIZARD_ADVICE[e.code] : undefined;
  const d = e.details ?? {};
  const hint = typeof advice?.hint === 'function' ? advice.hint : (advice?.hint?.[screen] ?? advice?.hint?.other);
  return { message: advice?.message?.(e, d) ?? e.message, hint: hint?.(e, d) ?? e.hint };
}

/** A finding's fix as the wizard shows it. */
export function wizardFix(f: Finding): string {
  return (f.fixCode && WIZARD_FIXES[f.fixCode]?.(f, f.details ?? {})) ?? f.fix;
}
