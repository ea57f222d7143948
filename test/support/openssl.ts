// Test fixtures made by the reference tool: a real PKI built with the openssl CLI at test time.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, rm, copyFile, rename } from 'node:fs/promises';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `openssl ...args`; never throws for a non-zero exit. */
export function openssl(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      args,
      { cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs openssl and throws with its stderr when it fails. */
export async function opensslOk(
  args: string[],
  opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const r = await openssl(args, opts);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export type KeyType = 'rsa' | 'rsa4096' | 'ec';

/** Which pooled key this test file takes next: keys are distinct within a file (slot n is the file's n-th key). */
let nextSlot = 0;

/** The run's shared folder of RSA-2048 keys (test/support/key-pool-setup.ts), or null outside such a run. */
function keyPoolDir(): string | null {
  try {
    return inject('rsaKeyPool') ?? null;
  } catch {
    return null;
  }
}

/**
 * Writes a new private key to `path`. RSA-2048 keys come from the run's pool: slot n holds the key the first test
 * file to reach it made with openssl, and every later file's n-th key is a copy of it. Each file still gets
 * distinct keys, and each key was made by openssl in this run.
 */
export async function makeKey(path: string, type: KeyType = 'rsa'): Promise<void> {
  const pool = type === 'rsa' ? keyPoolDir() : null;
  if (!pool) return generateKey(path, type);
  const slot = join(pool, `rsa-${nextSlot++}.pem`);
  try {
    await copyFile(slot, path);
    return;
  } catch {
    // Not made yet: make it, then publish it under its slot name in one rename (another worker may race; either
    // key is fine, since a file only needs its own keys to be distinct).
  }
  await generateKey(path, type);
  const temp = `${slot}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await copyFile(path, temp);
  await rename(temp, slot);
}

async function generateKey(path: string, type: KeyType): Promise<void> {
  const algo =
    type === 'ec'
      ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${type === 'rsa4096' ? 4096 : 2048}`];
  await opensslOk(['genpkey', ...algo, '-out', path]);
}

/** Options for a certificate issued by a test CA. Defaults give a valid 1E device certificate. */
export interface LeafOptions {
  cn?: string;
  sans?: string[];
  /** extendedKeyUsage value; default "clientAuth". Empty string omits the extension. */
  eku?: string;
  /** keyUsage value; default "critical,digitalSignature,keyEncipherment". Empty string omits it. */
  ku?: string;
  keyType?: KeyType;
  /** CDP URL; default the CA's CRL URL. Empty string omits the extension. */
  cdp?: string;
  /** OCSP responder URL in Authority Information Access. */
  ocsp?: string;
  /** openssl ca -startdate / -enddate (YYMMDDHHMMSSZ). Default: now-1h .. now+365d. */
  startDate?: string;
  endDate?: string;
  md?: 'sha256' | 'sha1' | 'sha512' | 'sha384';
  /** Extra raw extension lines. */
  extra?: string[];
}

export interface IssuedCert {
  certPath: string;
  keyPath: string;
  certPem: string;
  serialHex: string;
}

export interface TestCa {
  name: string;
  dir: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  crlUrl: string;
  /** Issue a leaf (or, with `ca: true` in extra, a sub-CA) certificate. */
  issue(fileBase: string, opts?: LeafOptions): Promise<IssuedCert>;
  /** Marks a certificate revoked in the CA database, with a CRL reason (e.g. keyCompromise) when given. */
  revoke(certPath: string, reason?: string): Promise<void>;
  /** Writes a fresh CRL (PEM and DER) and returns the paths. */
  crl(opts?: {
    days?: number;
    lastUpdate?: string;
    nextUpdate?: string;
    /** sign with RSASSA-PSS (SHA-256, 32-byte salt) */ pss?: boolean;
  }): Promise<{ pemPath: string; derPath: string }>;
}

export interface TestPki {
  dir: string;
  root: TestCa;
  /** Present when created with `intermediate: true`; issues device certificates. */
  intermediate?: TestCa;
  /** The CA that issues device certificates: the intermediate if any, else the root. */
  issuer: TestCa;
  /** Root (+ intermediate) PEM concatenated, for -CAfile. */
  caBundlePath: string;
  cleanup(): Promise<void>;
}

const ts = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

function caConfig(dir: string): string {
  return [
    '[ca]',
    'default_ca = CA_default',
    '[CA_default]',
    `dir = ${dir}`,
    'database = $dir/index.txt',
    'new_certs_dir = $dir/newcerts',
    'serial = $dir/serial',
    'crlnumber = $dir/crlnumber',
    'default_md = sha256',
    'policy = policy_any',
    'unique_subject = no',
    'copy_extensions = none',
    'default_crl_days = 7',
    '[policy_any]',
    'commonName = optional',
    'organizationName = optional',
    'countryName = optional',
    '[req]',
    'distinguished_name = dn',
    '[dn]',
    '',
  ].join('\n');
}

async function initCaDir(dir: string): Promise<void> {
  await mkdir(join(dir, 'newcerts'), { recursive: true });
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(
    join(dir, 'serial'),
    Math.floor(0x1000 + Math.random() * 0xefff)
      .toString(16)
      .padStart(4, '0') + '\n',
  );
  await writeFile(join(dir, 'crlnumber'), '01\n');
  await writeFile(join(dir, 'ca.cnf'), caConfig(dir));
}

function makeCa(name: string, dir: string, certPath: string, keyPath: string, certPem: string, crlUrl: string): TestCa {
  const cnf = join(dir, 'ca.cnf');
  let n = 0;
  return {
    name,
    dir,
    certPath,
    keyPath,
    certPem,
    crlUrl,
    async issue(fileBase, o = {}) {
      const keyFile = join(dir, `${fileBase}.key`);
      const csrFile = join(dir, `${fileBase}.csr`);
      const certFile = join(dir, `${fileBase}.pem`);
      const extFile = join(dir, `${fileBase}.ext.${n++}`);
      await makeKey(keyFile, o.keyType ?? 'rsa');
      await opensslOk([
        'req',
        '-new',
        '-key',
        keyFile,
        '-subj',
        o.cn === undefined ? `/CN=${fileBase}` : o.cn === '' ? '/O=No Common Name' : `/CN=${o.cn}`,
        '-out',
        csrFile,
      ]);
      const ext: string[] = [
        '[v3]',
        'basicConstraints = CA:FALSE',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
      ];
      const ku = o.ku ?? 'critical,digitalSignature,keyEncipherment';
      if (ku) ext.push(`keyUsage = ${ku}`);
      const eku = o.eku ?? 'clientAuth';
      if (eku) ext.push(`extendedKeyUsage = ${eku}`);
      if (o.sans?.length)
        ext.push(`subjectAltName = ${o.sans.map((s) => (s.includes(':') ? s : `DNS:${s}`)).join(',')}`);
      const cdp = o.cdp ?? crlUrl;
      if (cdp) ext.push(`crlDistributionPoints = URI:${cdp}`);
      if (o.ocsp) ext.push(`authorityInfoAccess = OCSP;URI:${o.ocsp}`);
      ext.push(...(o.extra ?? []));
      await writeFile(extFile, ext.join('\n') + '\n');
      const now = Date.now();
      await opensslOk([
        'ca',
        '-batch',
        '-config',
        cnf,
        '-cert',
        certPath,
        '-keyfile',
        keyPath,
        '-in',
        csrFile,
        '-out',
        certFile,
        '-notext',
        '-md',
        o.md ?? 'sha256',
        '-extfile',
        extFile,
        '-extensions',
        'v3',
        '-startdate',
        o.startDate ?? ts(new Date(now - 3600_000)),
        '-enddate',
        o.endDate ?? ts(new Date(now + 365 * 86400_000)),
      ]);
      const certPem = await readFile(certFile, 'utf8');
      const serialHex = (await opensslOk(['x509', '-in', certFile, '-noout', '-serial']))
        .trim()
        .replace(/^serial=/, '')
        .toLowerCase();
      return { certPath: certFile, keyPath: keyFile, certPem, serialHex };
    },
    async revoke(p, reason) {
      const why = reason ? ['-crl_reason', reason] : [];
      await opensslOk(['ca', '-batch', '-config', cnf, '-cert', certPath, '-keyfile', keyPath, '-revoke', p, ...why]);
    },
    async crl(o = {}) {
      const pemPath = join(dir, `${name}.crl.pem`);
      const derPath = join(dir, `${name}.crl`);
      const args = ['ca', '-batch', '-config', cnf, '-cert', certPath, '-keyfile', keyPath, '-gencrl', '-out', pemPath];
      if (o.lastUpdate) args.push('-crl_lastupdate', o.lastUpdate);
      if (o.nextUpdate) args.push('-crl_nextupdate', o.nextUpdate);
      else args.push('-crldays', String(o.days ?? 7));
      if (o.pss) args.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest');
      await opensslOk(args);
      await opensslOk(['crl', '-in', pemPath, '-outform', 'DER', '-out', derPath]);
      return { pemPath, derPath };
    },
  };
}

/**
 * Builds a throw-away PKI with OpenSSL: a root, optionally an issuing intermediate, CA
 * databases for revocation, and CRL URLs under `crlBaseUrl` (default http://127.0.0.1:1/).
 */
export async function makeTestPki(
  opts: {
    intermediate?: boolean;
    keyType?: KeyType;
    crlBaseUrl?: string;
    name?: string;
    rootDays?: number;
    intermediateEndDate?: string;
  } = {},
): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'onboard-testpki-'));
  const base = (opts.crlBaseUrl ?? 'http://127.0.0.1:1').replace(/\/$/, '');
  const name = opts.name ?? 'Onboard Test';
  const rootDir = join(dir, 'root');
  await initCaDir(rootDir);
  const rootKey = join(rootDir, 'root.key');
  const rootCert = join(rootDir, 'root.pem');
  await makeKey(rootKey, opts.keyType ?? 'rsa');
  await opensslOk([
    'req',
    '-x509',
    '-new',
    '-key',
    rootKey,
    '-subj',
    `/O=${name}/CN=${name} Root CA`,
    '-days',
    String(opts.rootDays ?? 3650),
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    rootCert,
    '-config',
    join(rootDir, 'ca.cnf'),
  ]);
  const root = makeCa('root', rootDir, rootCert, rootKey, await readFile(rootCert, 'utf8'), `${base}/root.crl`);
  let intermediate: TestCa | undefined;
  if (opts.intermediate) {
    const intDir = join(dir, 'intermediate');
    await initCaDir(intDir);
    const issued = await root.issue('intermediate', {
      cn: `${name} Issuing CA`,
      keyType: opts.keyType ?? 'rsa',
      eku: '',
      ku: 'critical,keyCertSign,cRLSign',
      extra: ['basicConstraints = critical,CA:TRUE,pathlen:0'],
      endDate: opts.intermediateEndDate,
    });
    // The leaf-style "basicConstraints = CA:FALSE" line comes first; openssl keeps the last value.
    intermediate = makeCa(
      'intermediate',
      intDir,
      issued.certPath,
      issued.keyPath,
      issued.certPem,
      `${base}/intermediate.crl`,
    );
  }
  const caBundlePath = join(dir, 'ca-bundle.pem');
  await writeFile(caBundlePath, root.certPem + (intermediate?.certPem ?? ''));
  return {
    dir,
    root,
    intermediate,
    issuer: intermediate ?? root,
    caBundlePath,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Packs a certificate and key into a PFX with OpenSSL. `legacy` gives the 3DES/SHA-1 (or RC2) format. */
export async function makePfx(
  out: string,
  certPath: string,
  keyPath: string,
  password: string,
  opts: { legacy?: boolean; chainPaths?: string[]; name?: string; extra?: string[] } = {},
): Promise<void> {
  const args = [
    'pkcs12',
    '-export',
    '-in',
    certPath,
    '-inkey',
    keyPath,
    '-out',
    out,
    '-passout',
    'env:ONBOARD_TEST_PFX_PW',
  ];
  // openssl keeps only the last -certfile, so several chain files go in as one bundle.
  if (opts.chainPaths?.length) {
    const bundle = `${out}.chain.pem`;
    await writeFile(bundle, (await Promise.all(opts.chainPaths.map((c) => readFile(c, 'utf8')))).join(''));
    args.push('-certfile', bundle);
  }
  if (opts.legacy) args.push('-legacy');
  if (opts.name) args.push('-name', opts.name);
  args.push(...(opts.extra ?? []));
  try {
    await opensslOk(args, { env: { ONBOARD_TEST_PFX_PW: password } });
  } finally {
    if (opts.chainPaths?.length) await rm(`${out}.chain.pem`, { force: true });
  }
}
