// What Welcome, CA certificates and the client certificate say on screen. The core writes its advice for the command
// line (options such as --ca or --password-env, `onboard` verbs); the wizard gives the same advice pointing at its own
// steps and buttons.
import { OnboardError } from '../../core/errors';

/** Where a message is shown: the same core error can need different advice on different steps. */
export type SetupScreen = 'ca' | 'issued-certificate' | 'other';

const KEY_AND_REQUEST = '"Make a key and request on this Mac"';

/** Phrases of the core's command-line advice and the wizard's words for them, applied in order. */
const PHRASES: [RegExp, string][] = [
  [/\bPass (.+?) with --ca( FILE)?/g, 'Add $1 on the CA certificates step'],
  [/\bpass it with --ca( FILE)?/g, 'add it on the CA certificates step'],
  [/,? e\.g\. with `onboard csr`/g, `, for example with ${KEY_AND_REQUEST} on the Client certificate step`],
  [/`onboard csr` makes one/g, `${KEY_AND_REQUEST} on the Client certificate step makes one`],
  [/, or build a PFX from the key and certificate: `onboard pfx`/g, `, or use ${KEY_AND_REQUEST} instead`],
  [
    /Pass the key made with the certificate request with --key FILE, or check the PFX that holds both \(--pfx FILE\)\./g,
    'Open the .pfx that holds both the certificate and its private key, or load the certificate issued for the request made on this Mac.',
  ],
  [
    /; check the host name with `scutil --get LocalHostName` \(add \.local\)/g,
    '; Welcome shows the name 1E expects for this Mac',
  ],
  [
    /Make the request again \(onboard csr\)\./g,
    `Make the key and request again with ${KEY_AND_REQUEST} on the Client certificate step.`,
  ],
  [
    /Give the folder made by `onboard lab init`, or create one with it\./g,
    'Pick the folder of a lab CA made before (the one shown when it was created), or create a new lab CA.',
  ],
  [
    /The lab directory is incomplete; create a new one with `onboard lab init`\./g,
    "The lab CA's folder is incomplete: create a new lab CA.",
  ],
  [
    /Use the password given to `onboard lab init` for this lab\./g,
    'Type the CA password chosen when this lab CA was created.',
  ],
  [/Give a short name, e\.g\. --name "([^"]*)"\./g, 'Type a short name under Lab name, e.g. $1.'],
  [/,? or pass --force to replace it\./g, '.'],
  [/Give --hostname NAME or --hosts-csv FILE\./g, 'Type the host name to issue the certificate for.'],
  [/ by `onboard verify`/g, " by Onboard's Verify step"],
];

/**
 * Advice that only fits one screen, by error code. A password-protected file on the CA step is not a CA
 * certificate at all, so "give the password" would be the wrong fix there.
 */
const BY_CODE: Record<string, Partial<Record<SetupScreen | 'any', string>>> = {
  'password-required': {
    ca: "CA certificates never have a password: this file is a password-protected .pfx or private key. If it is this Mac's .pfx, open it on the Client certificate step; here, add the CA certificates as .cer, .crt, .pem or .p7b files (ask your PKI team).",
    'issued-certificate':
      'The CA answers a request with a certificate (.cer, .crt, .pem or .p7b), which has no password. Pick that file; a password-protected .pfx goes under "An existing .pfx" instead.',
    other:
      'Onboard asks for a password only for a .pfx: open it under "An existing .pfx" on the Client certificate step.',
  },
  // The wizard cannot give a lab a new intermediate; the lab engineer can, or a new lab CA does.
  'lab-issuer-revoked': {
    any: 'Create a new lab CA here, or ask the lab engineer to give this lab a new intermediate CA (the root stays, so Macs need no new root), then issue again.',
  },
};

/** The same text with the command-line advice Onboard knows of put in the wizard's words. */
export function forScreen(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PHRASES) out = out.replace(pattern, replacement);
  return out;
}

/** True when text still tells the technician to type an option or an `onboard` command. */
export function hasCommandLineAdvice(text: string): boolean {
  return (
    /(^|[\s(`"'])--[a-z]/.test(text) ||
    /`onboard\b|\bonboard (csr|pfx|lab|inspect|check|plan|apply|verify|create)\b/.test(text)
  );
}

/** An error as the wizard shows it on `screen`: same code, advice for the screen. */
export function screenError(e: OnboardError, screen: SetupScreen = 'other'): OnboardError {
  const special = BY_CODE[e.code];
  const hint = special?.[screen] ?? special?.any ?? forScreen(e.hint);
  const message = forScreen(e.message);
  return hint === e.hint && message === e.message ? e : new OnboardError(e.code, message, hint);
}
