// The errors every reader of technicians' files shares: unrecognised bytes (named when they are a known non-certificate format), cut-short files, and how to give a password.
import { OnboardError } from '../errors';

export const PASSWORD_HINT = 'Give the password that protects it.';

const MAGIC: { bytes: number[]; what: string; hint: string }[] = [
  {
    bytes: [0xff, 0xd8, 0xff],
    what: 'a JPEG image',
    hint: 'It was probably renamed. Ask your PKI team for the certificate itself (.cer, .pem, .p7b or .pfx).',
  },
  {
    bytes: [0x89, 0x50, 0x4e, 0x47],
    what: 'a PNG image',
    hint: 'A screenshot of a certificate cannot be imported. Ask for the certificate file itself.',
  },
  {
    bytes: [0x25, 0x50, 0x44, 0x46],
    what: 'a PDF document',
    hint: 'Ask for the certificate file itself (.cer, .pem, .p7b or .pfx).',
  },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive',
    hint: 'Unzip it first and pick the certificate files inside.',
  },
];

export function unrecognised(name: string, buf: Buffer): OnboardError {
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => buf[i] === b))
      return new OnboardError(
        'unrecognised-format',
        `${name} is ${m.what}, not a certificate, key or PFX file.`,
        m.hint,
      );
  }
  return new OnboardError(
    'unrecognised-format',
    `${name} is not a certificate, key, certificate request, PKCS#7 or PKCS#12 file.`,
    'Onboard reads PEM, DER (.cer/.crt), PKCS#7 (.p7b) and PKCS#12 (.pfx/.p12). Check that you picked the right file.',
  );
}

export function truncated(name: string, detail: string): OnboardError {
  return new OnboardError(
    'truncated',
    `${name} is cut short (${detail}).`,
    'The download or copy was incomplete: get the file again.',
  );
}
