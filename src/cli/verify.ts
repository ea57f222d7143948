// `onboard verify`: proves this Mac connects as the Switch judges it, and writes the report for the ticket.
import type { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join } from 'node:path';
import { OnboardError, describeError } from '../core/errors';
import { refuseExisting, writeFileAtomic } from '../core/fsutil';
import type { LoadedMaterial } from '../core/pki/load';
import { validateBackgroundUrl, validateHostName } from '../core/macos/validate';
import type { Executor } from '../core/macos/types';
import { STATUS_LABEL, countByStatus, type VerifyFinding } from '../core/verify/findings';
import { parseSwitchAddress } from '../core/verify/switch-probe';
import { cliError } from './advice';
import { runVerification, type TlsVersion } from '../core/verify/verify';
import { buildReport, renderReportHtml, renderReportJson } from '../core/verify/report';
import { certificateLabel } from '../core/verify/crl';
import { keyMatches } from '../core/pki/pkcs12';
import { helpAsked, parseOptions, resolvePath, UsageError, writeJson } from './common';
import { reportError } from './inspect';
import { PasswordSource, parsePasswordOptions } from './inputs';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard verify --switch HOST:PORT --pfx FILE [--background-url URL] [--ca FILE]...
                      [--password-env VAR | --password-file F] [--timeout MS] [--tls 1.2|1.3]
                      [--skip-crl] [--skip-ocsp] [--skip-mac-checks] [--hostname NAME]
                      [--json] [--report FILE.html|FILE.json] [--force]

Checks that this Mac really connects, as the Switch judges it: resolves and connects to the
Switch, does the TLS handshake with the client certificate from the PFX, sends a WebSocket
upgrade and waits for the Switch's answer or its rejection alert (TLS 1.3 rejects after the
handshake); checks the Background Channel over HTTPS, every CRL of the certificate and its
CAs, every OCSP responder they name, and on a Mac the 1E Client itself (daemon,
1E.Client.conf, keychain, logs).

Options:
  --switch HOST:PORT      the Switch, e.g. tachyon.acme.local:4000
  --background-url URL    the Background Channel, e.g. https://tachyon.acme.local/Background/
  --pfx FILE              the client identity (.pfx/.p12) this Mac uses
  --ca FILE               CA certificates trusted for the servers (any format; repeat as needed).
                          Without --ca, the CA certificates inside the PFX are trusted.
  --password-env VAR      take the PFX password from environment variable VAR
  --password-file F       take it from the first line of file F
                          (otherwise you are asked on the terminal, without echo)
  --timeout MS            per network step, 100 to 600000 (default 10000)
  --tls 1.2|1.3           offer only this TLS version (default: 1.3, falling back to 1.2)
  --skip-crl              do not fetch CRLs (reported as information)
  --skip-ocsp             do not ask OCSP responders (reported as information)
  --skip-mac-checks       do not look at the 1E Client on this Mac (always skipped off macOS)
  --hostname NAME         the name the certificate must carry (default: the Mac's own)
  --json                  print the report as JSON instead of lines
  --report FILE           also write the report: FILE.html (printable) or FILE.json
  --force                 replace an existing report file

Every finding id is explained in docs/cli-verify.md.
Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 usage error or unreadable input.`;

const OPTIONS = {
  switch: { type: 'string' },
  'background-url': { type: 'string' },
  pfx: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  timeout: { type: 'string' },
  tls: { type: 'string' },
  'skip-crl': { type: 'boolean' },
  'skip-ocsp': { type: 'boolean' },
  'skip-mac-checks': { type: 'boolean' },
  hostname: { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  force: { type: 'boolean' },
} as const;

const MARK: Record<VerifyFinding['status'], string> = { pass: '✓', warn: '!', fail: '✗', info: 'i' };

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 100 || n > 600_000)
    throw new UsageError(
      `--timeout ${text} is not a number of milliseconds between 100 and 600000.`,
      'For example --timeout 5000 for five seconds.',
    );
  return n;
}

function parseTls(text: string | undefined): TlsVersion | undefined {
  if (text === undefined) return undefined;
  if (text === '1.2' || text === 'TLSv1.2') return 'TLSv1.2';
  if (text === '1.3' || text === 'TLSv1.3') return 'TLSv1.3';
  throw new UsageError(`--tls ${text}: the 1E platform uses TLS 1.2 or 1.3.`, 'Write --tls 1.2 or --tls 1.3.');
}

function reportKind(path: string | undefined): 'html' | 'json' | undefined {
  if (path === undefined) return undefined;
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.json') return 'json';
  throw new UsageError(
    `--report ${path}: the file name must end in .html or .json.`,
    'The extension chooses the format, e.g. --report MAC01-onboarding.html.',
  );
}

/**
 * Makes sure the report can be written before anything slow runs (password prompt, network probes):
 * not an existing file without --force, never a folder, and a folder that exists and takes new files.
 */
export async function checkReportPath(path: string, shown: string, force: boolean): Promise<void> {
  const st = await fs.stat(path).catch(() => null);
  if (st?.isDirectory())
    throw new OnboardError(
      'report-is-folder',
      `--report ${shown} is a folder.`,
      'Give a file name ending in .html or .json, e.g. --report MAC01-onboarding.html.',
    );
  if (!force) await refuseExisting([path], 'Choose another report name.');
  const folder = dirname(path);
  const fst = await fs.stat(folder).catch(() => null);
  if (!fst)
    throw new OnboardError(
      'report-folder-missing',
      `--report ${shown}: the folder ${folder} does not exist.`,
      'Create the folder first, or write the report somewhere that exists.',
    );
  if (!fst.isDirectory())
    throw new OnboardError(
      'report-folder-missing',
      `--report ${shown}: ${folder} is not a folder.`,
      'Give a report path inside an existing folder.',
    );
  // Creating (and removing) a file is the only honest test: permissions, read-only disks and root all answer it.
  const probe = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.probe`);
  try {
    await (await fs.open(probe, 'wx', 0o600)).close();
  } catch (e) {
    throw new OnboardError(
      'report-not-writable',
      `--report ${shown}: cannot write in ${folder} (${describeError(e)}).`,
      'Choose a folder you can write to, e.g. your home folder.',
    );
  }
  await fs.rm(probe, { force: true });
}

/** The Mac-side checks run only on a Mac, through the local executor (read-only commands). */
async function macExecutor(skip: boolean | undefined): Promise<Executor | undefined> {
  if (skip || process.platform !== 'darwin') return undefined;
  const { LocalExecutor } = await import('../core/macos/executors/local');
  return new LocalExecutor();
}

function findingLines(f: VerifyFinding): string[] {
  const lines = [`${MARK[f.status]} ${STATUS_LABEL[f.status]} ${f.id}: ${f.title}`];
  if (f.detail) lines.push(`    ${f.detail}`);
  if (f.fix && (f.status === 'fail' || f.status === 'warn')) lines.push(`    Fix: ${f.fix}`);
  return lines;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseOptions(argv, OPTIONS, false);
    if (helpAsked(io, values, HELP)) return EXIT.ok;
    if (!values.switch) throw new UsageError('--switch HOST:PORT is required, e.g. --switch tachyon.acme.local:4000.');
    if (!values.pfx)
      throw new UsageError('--pfx FILE is required: the client identity this Mac presents to the Switch.');
    try {
      parseSwitchAddress(values.switch);
      if (values['background-url'] !== undefined) validateBackgroundUrl(values['background-url']);
      if (values.hostname !== undefined) validateHostName(values.hostname);
    } catch (e) {
      if (e instanceof OnboardError) {
        const said = cliError(e);
        throw new UsageError(said.message, said.hint);
      }
      throw e;
    }
    const timeoutMs = parseTimeout(values.timeout);
    const tlsVersion = parseTls(values.tls);
    const kind = reportKind(values.report);
    const pw = parsePasswordOptions(values);
    // Before the password prompt and the probes: a report that cannot be written would waste them.
    if (values.report !== undefined)
      await checkReportPath(resolvePath(io, values.report), values.report, values.force === true);
    const passwords = new PasswordSource(io, pw.env, pw.file);

    const pfx: LoadedMaterial = await passwords.load(resolvePath(io, values.pfx), values.pfx);
    const key = pfx.privateKeys[0];
    const leaf = key ? pfx.certificates.find((c) => keyMatches(c, key)) : undefined;
    if (!key || !leaf) {
      throw new OnboardError(
        'no-identity',
        `${values.pfx} does not hold a certificate with its private key.`,
        'Export the client certificate WITH its private key (.pfx), e.g. from the machine where it was requested.',
      );
    }
    const chain = pfx.certificates.filter((c) => c !== leaf);
    let caCertificates: X509Certificate[] = [];
    for (const p of values.ca ?? []) caCertificates.push(...(await passwords.load(resolvePath(io, p), p)).certificates);
    if (!values.ca?.length) {
      caCertificates = chain;
      if (!values.json)
        io.stderr.write(`note: no --ca given: trusting the ${chain.length} CA certificate(s) inside ${values.pfx}.\n`);
    }

    const executor = await macExecutor(values['skip-mac-checks']);
    if (!values.json) {
      io.stdout.write(
        `Verifying ${certificateLabel(leaf)} against the Switch ${values.switch}${values['background-url'] ? ` and ${values['background-url']}` : ''}\n\n`,
      );
    }
    const result = await runVerification({
      switchAddress: values.switch,
      backgroundUrl: values['background-url'],
      identity: { key, certificate: leaf, chain },
      caCertificates,
      timeoutMs,
      tlsVersion,
      skipRevocation: values['skip-crl'],
      skipOcsp: values['skip-ocsp'],
      executor,
      hostname: values.hostname,
      onProgress: (e) => {
        if (!values.json && e.status === 'done' && e.finding)
          io.stdout.write(findingLines(e.finding).join('\n') + '\n');
      },
    });
    const secret = await passwords.given();
    const report = buildReport({ result, clientCertificate: leaf, secrets: secret ? [secret] : [] });
    if (values.report && kind) {
      const out = resolvePath(io, values.report);
      await writeFileAtomic(out, kind === 'html' ? renderReportHtml(report) : renderReportJson(report), {
        overwrite: values.force === true,
      });
    }
    if (values.json) {
      writeJson(io, report);
    } else {
      const c = countByStatus(result.findings);
      io.stdout.write(
        `\nResult: ${c.pass} passed, ${c.warn} warning${c.warn === 1 ? '' : 's'}, ${c.fail} failed, ${c.info} for information. ` +
          (result.ok ? 'This Mac connects to the 1E platform.' : 'Not working yet: fix the ✗ items above.') +
          '\n',
      );
      if (values.report) io.stdout.write(`Report written to ${values.report}\n`);
    }
    return result.ok ? EXIT.ok : EXIT.failed;
  } catch (e) {
    return reportError(io, 'verify', e);
  }
}
