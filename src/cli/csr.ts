// `onboard csr`: makes the Mac's key (it never leaves the Mac) and a certificate request for the CA.
import { writeFilesTogether } from '../core/fsutil';
import { createKeyAndCsr, privateKeyPem, RSA_KEY_SIZES, type RsaKeySize } from '../core/pki/csr';
import { helpAsked, parseOptions, requireOption, resolvePath, UsageError, writeJson, writeLines } from './common';
import { passwordOptionGiven, readPasswordOption, refuseExistingOutputs } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard csr --hostname NAME [--san NAME]... [--key-size 2048|3072|4096] [--template NAME]
                   --out-key FILE --out-csr FILE [--key-password-env VAR | --key-password-file F]
                   [--force] [--json]

Makes an RSA key on this Mac and a certificate request (PKCS#10) for it: subject CN = the host
name exactly as given (1E compares it character for character), SAN DNS names, and the requested
extensions 1E needs (Extended Key Usage Client Authentication; Key Usage Digital Signature and
Key Encipherment). Submit the request to your CA; then build the .pfx with \`onboard pfx\`.

Options:
  --hostname NAME          this Mac's host name exactly as macOS shows it, e.g. MAC01.local
  --san NAME               another DNS name for the certificate (repeat as needed)
  --key-size N             RSA key size: 2048 (default), 3072 or 4096
  --template NAME          AD CS certificate template name (Microsoft template-name extension)
  --out-key FILE           where to write the private key (mode 0600)
  --out-csr FILE           where to write the request (PEM)
  --key-password-env VAR   encrypt the key (PKCS#8, AES-256) with the password in variable VAR
  --key-password-file F    ... or with the first line of file F (without either: key not encrypted)
  --force                  replace existing output files
  --json                   print the result as JSON

Exit codes: 0 written, 2 usage error (nothing is written).`;

const OPTIONS = {
  hostname: { type: 'string' },
  san: { type: 'string', multiple: true },
  'key-size': { type: 'string' },
  template: { type: 'string' },
  'out-key': { type: 'string' },
  'out-csr': { type: 'string' },
  'key-password-env': { type: 'string' },
  'key-password-file': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export interface CsrJson {
  key: string;
  csr: string;
  subject: string;
  dnsNames: string[];
  keySize: number;
  keyEncrypted: boolean;
  template: string | null;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (helpAsked(io, values, HELP)) return EXIT.ok;
  const hostname = requireOption(values.hostname, 'hostname');
  const keyPath = resolvePath(io, requireOption(values['out-key'], 'out-key'));
  const csrPath = resolvePath(io, requireOption(values['out-csr'], 'out-csr'));
  if (keyPath === csrPath) throw new UsageError('--out-key and --out-csr must be different files.');
  const keySize = Number(values['key-size'] ?? 2048);
  if (!RSA_KEY_SIZES.includes(keySize as RsaKeySize))
    throw new UsageError(`--key-size must be 2048, 3072 or 4096, not "${values['key-size']}".`);
  const force = values.force ?? false;
  await refuseExistingOutputs([keyPath, csrPath], force);
  const password = passwordOptionGiven(values, 'key-')
    ? await readPasswordOption(io, values, 'key-', 'Key password')
    : undefined;
  const spec = {
    hostname,
    sans: values.san ?? [],
    keySize: keySize as RsaKeySize,
    ...(values.template !== undefined ? { template: values.template } : {}),
  };
  const { key, csrPem } = await createKeyAndCsr(spec);
  const keyPem = privateKeyPem(key, password);
  // One change: a request without its key is useless, and a failed --force must leave the old key where it was.
  await writeFilesTogether(
    [
      { path: keyPath, data: keyPem, mode: 0o600 },
      { path: csrPath, data: csrPem },
    ],
    { overwrite: force },
  );
  const dnsNames = [hostname, ...spec.sans.filter((s, i, all) => s !== hostname && all.indexOf(s) === i)];
  const result: CsrJson = {
    key: keyPath,
    csr: csrPath,
    subject: `CN=${hostname}`,
    dnsNames,
    keySize,
    keyEncrypted: password !== undefined,
    template: values.template ?? null,
  };
  if (values.json) writeJson(io, result);
  else {
    writeLines(io, [
      `Wrote ${csrPath}: request for CN=${hostname}, DNS ${dnsNames.join(', ')}, RSA ${keySize}${result.template ? `, template ${result.template}` : ''}`,
      `Wrote ${keyPath}: private key (mode 0600, ${result.keyEncrypted ? 'encrypted' : 'NOT encrypted: keep it on this Mac'})`,
      'Next: submit the request to your CA, then run `onboard pfx --cert ISSUED.cer --key ' +
        keyPath +
        ' --chain CA.cer --out MAC.pfx --password-env VAR`.',
    ]);
  }
  return EXIT.ok;
}
