// `onboard lab`: an offline PKI for labs and tests: CA, device and server certificates, revocation, CRLs, a Switch stand-in.
import { X509Certificate } from 'node:crypto';
import { OnboardError } from '../core/errors';
import { readInputFile } from '../core/fsutil';
import {
  initLab,
  issueDevices,
  issueServerCert,
  openLab,
  parseHostsCsv,
  renewIntermediate,
  revoke,
  serialOf,
  subjectLine,
  writeCrls,
  crlUrlFor,
  labPaths,
  type LabKeyType,
} from '../core/lab/pki';
import { startLabServer, type LabServerEvent } from '../core/lab/serve';
import { loadFile } from '../core/pki/load';
import { helpAsked, parseOptions, requireOption, resolvePath, UsageError, writeJson, writeLines } from './common';
import { readPasswordOption } from './inputs';
import { parseProfile } from './pfx';
import { EXIT, type CliIo } from './io';

const HELP = `Usage: onboard lab <command> --dir DIR [options]

Commands:
  init         --dir DIR --name NAME [--intermediate] --crl-base-url URL [--ocsp-url URL]
               [--key-type rsa|ec]
  issue        --dir DIR (--hostname NAME... | --hosts-csv FILE) --out DIR [--profile compatible|modern]
               [--days N] [--skip-invalid] [--force] (--password-env VAR | --password-file F)
  server-cert  --dir DIR --dns NAME... [--ip ADDR]... --out DIR [--days N] [--force]
  revoke       --dir DIR (--serial HEX | --cert FILE)
  intermediate --dir DIR
  crl          --dir DIR [--days N]
  serve        --dir DIR [--host ADDR] [--port N] [--ocsp-port N] [--switch-port N]
               [--cert FILE --key FILE]

Every command that signs (init, issue, server-cert, intermediate, crl, serve without --cert or with
an OCSP URL) needs the CA
password: --ca-password-env VAR or --ca-password-file F, or it is asked on a terminal.
Add --json for machine-readable output. Passwords are never taken on the command line.

  init: creates DIR with root.pem (and intermediate.pem with --intermediate) for the CA import
        step, CA keys encrypted with the CA password (private/, mode 0600), index.json and the
        first CRLs. Certificates issued by the root point to URL/root.crl, those issued by the
        intermediate to URL/intermediate.crl. With --ocsp-url, everything the lab issues names
        that OCSP responder (plain http) in its Authority Information Access, and \`lab serve\`
        answers there.
  issue: writes <host>.pfx (mode 0600) and <host>.pem per host, meeting every 1E requirement.
        --hosts-csv takes the first column of each line; bad lines are reported with their line
        numbers and nothing is issued unless --skip-invalid. Refused while the lab's intermediate
        is revoked (everything it signs would be rejected): run \`lab intermediate\` first.
  server-cert: <first name>.pem (certificate, then the issuing CA) and <first name>.key (0600).
  revoke: records the revocation; run \`onboard lab crl\` to publish it.
  intermediate: replaces a revoked intermediate with a new one signed by the same root (the old
        one moves to DIR/retired/), and signs fresh CRLs. Then issue the devices again.
  crl:  signs fresh CRLs (DER) into DIR/crl/root.crl and DIR/crl/intermediate.crl (default 7 days).
  serve: on 127.0.0.1 by default, serves DIR/crl/ over HTTP at the CDP URLs' path (port from
        --crl-base-url unless --port) and runs a Switch stand-in (wss, port 4000 unless
        --switch-port) that requires a client certificate and logs each device it accepts or
        rejects with the reason. A lab made with --ocsp-url is also answered over OCSP, live
        from the lab's records (a \`lab revoke\` shows at once; serials the lab never issued are
        "unknown"), signed by responder certificates the lab CAs issue for it (OCSP Signing,
        ocsp-nocheck). OCSP shares the CRL port when the two URLs name the same host and
        port, else it listens on the OCSP URL's port unless --ocsp-port. Ctrl-C stops it.

Exit codes: 0 done, 1 (issue --skip-invalid) some lines were skipped, 2 usage error or unusable input.`;

const OPTIONS = {
  dir: { type: 'string' },
  name: { type: 'string' },
  intermediate: { type: 'boolean' },
  'crl-base-url': { type: 'string' },
  'ocsp-url': { type: 'string' },
  'ocsp-port': { type: 'string' },
  'key-type': { type: 'string' },
  hostname: { type: 'string', multiple: true },
  'hosts-csv': { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'string' },
  days: { type: 'string' },
  'skip-invalid': { type: 'boolean' },
  force: { type: 'boolean' },
  dns: { type: 'string', multiple: true },
  ip: { type: 'string', multiple: true },
  serial: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'switch-port': { type: 'string' },
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  'ca-password-env': { type: 'string' },
  'ca-password-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

/** Which options each command accepts (beyond --dir, --json, --help), so a misplaced option is an error, not ignored. */
const ALLOWED: Record<string, string[]> = {
  init: ['name', 'intermediate', 'crl-base-url', 'ocsp-url', 'key-type', 'ca-password-env', 'ca-password-file'],
  issue: [
    'hostname',
    'hosts-csv',
    'out',
    'profile',
    'days',
    'skip-invalid',
    'force',
    'password-env',
    'password-file',
    'ca-password-env',
    'ca-password-file',
  ],
  'server-cert': ['dns', 'ip', 'out', 'days', 'force', 'ca-password-env', 'ca-password-file'],
  revoke: ['serial', 'cert'],
  intermediate: ['ca-password-env', 'ca-password-file'],
  crl: ['days', 'ca-password-env', 'ca-password-file'],
  serve: ['host', 'port', 'ocsp-port', 'switch-port', 'cert', 'key', 'ca-password-env', 'ca-password-file'],
};

function caPassword(io: CliIo, v: Values): Promise<string | undefined> {
  return readPasswordOption(io, v, 'ca-', 'Lab CA password');
}

function parseDays(text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw new UsageError(`--days must be a whole number from 1 to ${max}, not "${text}".`);
  return n;
}

function parsePort(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new UsageError(`--${name} must be a port number (0-65535), not "${text}".`);
  return n;
}

/**
 * The port OCSP listens on when not on the CRL server: undefined when the OCSP URL names the CRLs' host and port
 * (then it follows --port) or the lab has no OCSP URL.
 */
function ocspPortOf(ocspUrl: string | undefined, crlBase: URL, given: number | undefined): number | undefined {
  if (!ocspUrl) {
    if (given !== undefined)
      throw new UsageError('--ocsp-port applies only to a lab made with --ocsp-url (it has no OCSP responder).');
    return undefined;
  }
  const u = new URL(ocspUrl);
  if (given !== undefined) return given;
  if (u.host === crlBase.host && crlBase.protocol === 'http:') return undefined;
  return u.port ? Number(u.port) : 80;
}

/** Resolves when the user presses Ctrl-C (or the process is asked to stop). */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function run(argv: string[], io: CliIo): Promise<number> {
  return runLab(argv, io, untilSignal);
}

/** The verb with the "stop serving" trigger passed in, so tests can run `lab serve` in-process. */
export async function runLab(argv: string[], io: CliIo, waitForStop: () => Promise<void>): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(HELP + '\n');
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const allowed = ALLOWED[command];
  if (!allowed)
    throw new UsageError(
      `Unknown lab command "${command}".`,
      'Use one of: init, issue, server-cert, revoke, intermediate, crl, serve (see `onboard lab --help`).',
    );
  const { values: v } = parseOptions(rest, OPTIONS);
  if (helpAsked(io, v, HELP)) return EXIT.ok;
  for (const [name, value] of Object.entries(v)) {
    if (value !== undefined && !['dir', 'json', 'help', ...allowed].includes(name))
      throw new UsageError(`--${name} does not apply to \`lab ${command}\`.`);
  }
  const dir = resolvePath(io, requireOption(v.dir, 'dir'));
  const say = (json: unknown, lines: string[]) => (v.json ? writeJson(io, json) : writeLines(io, lines));

  switch (command) {
    case 'init': {
      const keyType = (v['key-type'] ?? 'rsa') as LabKeyType;
      if (keyType !== 'rsa' && keyType !== 'ec')
        throw new UsageError(`--key-type must be rsa or ec, not "${v['key-type']}".`);
      const name = requireOption(v.name, 'name');
      const crlBaseUrl = requireOption(v['crl-base-url'], 'crl-base-url');
      const password = (await caPassword(io, v)) ?? '';
      const lab = await initLab({
        dir,
        name,
        intermediate: v.intermediate ?? false,
        crlBaseUrl,
        ...(v['ocsp-url'] !== undefined ? { ocspUrl: v['ocsp-url'] } : {}),
        keyType,
        caPassword: password,
      });
      const cas = lab.intermediate ? (['root', 'intermediate'] as const) : (['root'] as const);
      say(
        {
          dir,
          name: lab.config.name,
          keyType,
          crlBaseUrl: lab.config.crlBaseUrl,
          ...(lab.config.ocspUrl ? { ocspUrl: lab.config.ocspUrl } : {}),
          certificates: cas.map((ca) => labPaths(dir).cert(ca)),
          crlUrls: cas.map((ca) => crlUrlFor(lab.config, ca)),
        },
        [
          `Created lab "${lab.config.name}" in ${dir}`,
          ...cas.map((ca) => `  ${ca} CA: ${labPaths(dir).cert(ca)} (CRL at ${crlUrlFor(lab.config, ca)})`),
          ...(lab.config.ocspUrl ? [`  OCSP responder: ${lab.config.ocspUrl}`] : []),
          `  CA keys: ${labPaths(dir)
            .key('root')
            .replace(/root\.key$/, '')} (encrypted with the CA password)`,
          'Next: onboard lab issue --dir ' + dir + ' --hostname MAC01.local --out DIR --password-env VAR',
        ],
      );
      return EXIT.ok;
    }
    case 'issue': {
      const lab = await openLab(dir);
      const out = resolvePath(io, requireOption(v.out, 'out'));
      const profile = parseProfile(v.profile);
      const days = parseDays(v.days, 365, 825);
      if ((v.hostname?.length ?? 0) > 0 === (v['hosts-csv'] !== undefined))
        throw new UsageError('Give either --hostname NAME (repeatable) or --hosts-csv FILE.');
      let hosts: string[];
      let skipped = 0;
      if (v['hosts-csv'] !== undefined) {
        const csvPath = resolvePath(io, v['hosts-csv']);
        const parsed = parseHostsCsv((await readInputFile(csvPath)).toString('utf8'));
        for (const p of parsed.problems) io.stderr.write(`${csvPath}:${p.line}: ${p.message}\n`);
        if (parsed.problems.length && !v['skip-invalid']) {
          throw new OnboardError(
            'bad-hosts-csv',
            `${parsed.problems.length} line${parsed.problems.length === 1 ? '' : 's'} of ${csvPath} cannot be used (listed above); nothing was issued.`,
            'Fix those lines, or pass --skip-invalid to issue for the good lines only.',
          );
        }
        skipped = parsed.problems.length;
        hosts = parsed.hosts.map((h) => h.host);
        if (hosts.length === 0)
          throw new OnboardError(
            'no-hosts',
            `${csvPath} holds no usable host names.`,
            'Put one host name per line, e.g. MAC01.local.',
          );
      } else {
        hosts = v.hostname!;
      }
      const ca = (await caPassword(io, v)) ?? '';
      const pfxPassword = (await readPasswordOption(io, v, '', 'PFX password for the devices')) ?? '';
      const issued = await issueDevices(lab, {
        hosts,
        outDir: out,
        caPassword: ca,
        pfxPassword,
        profile,
        days,
        force: v.force ?? false,
      });
      say({ issued, skipped, profile }, [
        ...issued.map((d) => `${d.host}: ${d.pfxPath}, ${d.pemPath} (serial ${d.serial})`),
        `Issued ${issued.length} device certificate${issued.length === 1 ? '' : 's'} (profile ${profile})${skipped ? `; skipped ${skipped} bad line${skipped === 1 ? '' : 's'}` : ''}.`,
      ]);
      return skipped ? EXIT.failed : EXIT.ok;
    }
    case 'server-cert': {
      const lab = await openLab(dir);
      const out = resolvePath(io, requireOption(v.out, 'out'));
      if (!v.dns?.length && !v.ip?.length)
        throw new UsageError('--dns NAME is required (and --ip ADDR if clients connect by address).');
      const ca = (await caPassword(io, v)) ?? '';
      const r = await issueServerCert(lab, {
        dnsNames: v.dns ?? [],
        ipAddresses: v.ip ?? [],
        outDir: out,
        caPassword: ca,
        force: v.force ?? false,
        days: parseDays(v.days, 397, 397),
      });
      say(r, [
        `Wrote ${r.certPath} (certificate and issuing CA) and ${r.keyPath} (key, mode 0600); serial ${r.serial}.`,
      ]);
      return EXIT.ok;
    }
    case 'revoke': {
      const lab = await openLab(dir);
      if ((v.serial === undefined) === (v.cert === undefined))
        throw new UsageError('Give either --serial HEX or --cert FILE.');
      let certificate: X509Certificate | undefined;
      if (v.cert !== undefined) {
        certificate = (await loadFile(resolvePath(io, v.cert))).certificates[0];
        if (!certificate)
          throw new OnboardError(
            'no-certificates',
            `${v.cert} holds no certificate.`,
            "Give the device's .pem file from `onboard lab issue`.",
          );
      }
      const { record, alreadyRevoked } = await revoke(lab, certificate ? { certificate } : { serial: v.serial! });
      const subject = subjectLine(record);
      const isIntermediate =
        record.kind === 'ca' &&
        lab.intermediate !== undefined &&
        record.serial === serialOf(lab.intermediate.serialNumber);
      say({ ...record, subject, alreadyRevoked }, [
        alreadyRevoked
          ? `${subject} (serial ${record.serial}) was already revoked on ${record.revokedAt}.`
          : `Revoked ${subject} (serial ${record.serial}).`,
        ...(lab.config.ocspUrl
          ? [`The OCSP responder (${lab.config.ocspUrl}) answers "revoked" now, while \`lab serve\` runs.`]
          : []),
        'Run `onboard lab crl --dir ' +
          dir +
          '` to publish the revocation' +
          (lab.config.ocspUrl ? ' in the CRLs.' : '.'),
        ...(isIntermediate
          ? [
              "This was the lab's issuing CA: before issuing again, run `onboard lab intermediate --dir " +
                dir +
                '` for a new one.',
            ]
          : []),
      ]);
      return EXIT.ok;
    }
    case 'intermediate': {
      const lab = await openLab(dir);
      const ca = (await caPassword(io, v)) ?? '';
      const r = await renewIntermediate(lab, ca);
      say(r, [
        `New issuing CA ${r.subject} (serial ${r.serial}): ${r.certPath}`,
        `  replaces the revoked ${r.replaced.subject} (serial ${r.replaced.serial}), kept in ${r.replaced.certPath}`,
        ...r.crls.map((p) => `  signed ${p}`),
        'Next: issue the devices again (onboard lab issue --dir ' +
          dir +
          ' ... --force); the root is unchanged, so Macs keep their trusted root.',
      ]);
      return EXIT.ok;
    }
    case 'crl': {
      const lab = await openLab(dir);
      const ca = (await caPassword(io, v)) ?? '';
      const written = await writeCrls(lab, ca, { days: parseDays(v.days, 7, 365) });
      const revoked = lab.index.issued.filter((r) => r.revokedAt).length;
      say({ written, revoked }, [
        ...written.map((p) => `Wrote ${p}`),
        `${revoked} revoked certificate${revoked === 1 ? '' : 's'} listed.`,
      ]);
      return EXIT.ok;
    }
    case 'serve': {
      const lab = await openLab(dir);
      const base = new URL(lab.config.crlBaseUrl);
      const httpPort =
        parsePort(v.port, 'port') ?? (base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80);
      const switchPort = parsePort(v['switch-port'], 'switch-port') ?? 4000;
      const ocspPort = ocspPortOf(lab.config.ocspUrl, base, parsePort(v['ocsp-port'], 'ocsp-port'));
      if ((v.cert === undefined) !== (v.key === undefined))
        throw new UsageError('--cert and --key go together (a server certificate from `onboard lab server-cert`).');
      let serverCertificate: { certPem: string; keyPem: string } | undefined;
      let ca: string | undefined;
      if (v.cert !== undefined && v.key !== undefined) {
        serverCertificate = {
          certPem: (await readInputFile(resolvePath(io, v.cert))).toString('utf8'),
          keyPem: (await readInputFile(resolvePath(io, v.key))).toString('utf8'),
        };
      }
      // The OCSP responder's certificates are issued by the lab CAs, so OCSP needs the CA password even with --cert.
      if (!serverCertificate || lab.config.ocspUrl) ca = (await caPassword(io, v)) ?? '';
      const onEvent = (e: LabServerEvent) => {
        if (v.json) io.stdout.write(JSON.stringify(e) + '\n');
        else io.stdout.write(`${e.time} ${e.message}\n`);
      };
      const server = await startLabServer({
        dir,
        host: v.host ?? '127.0.0.1',
        httpPort,
        switchPort,
        ...(ocspPort !== undefined ? { ocspPort } : {}),
        log: onEvent,
        ...(serverCertificate ? { serverCertificate } : {}),
        ...(ca !== undefined ? { caPassword: ca } : {}),
      });
      const banner = {
        kind: 'listening',
        crlUrl: server.crlUrl,
        switchUrl: server.switchUrl,
        ...(server.ocspUrl ? { ocspUrl: server.ocspUrl } : {}),
      };
      if (v.json) io.stdout.write(JSON.stringify(banner) + '\n');
      else
        writeLines(io, [
          `CRLs:   ${server.crlUrl}/root.crl${lab.intermediate ? ` and ${server.crlUrl}/intermediate.crl` : ''}`,
          ...(server.ocspUrl ? [`OCSP:   ${server.ocspUrl}`] : []),
          `Switch: ${server.switchUrl} (stand-in; requires a client certificate)`,
          'Press Ctrl-C to stop.',
        ]);
      await waitForStop();
      await server.close();
      if (!v.json) writeLines(io, ['Stopped.']);
      return EXIT.ok;
    }
  }
  return EXIT.usage;
}
