// Certificates for path-validation cases, made by the openssl CLI at test time: any subject, any extensions, keys shared on purpose.
import { X509Certificate, createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { der, children, readTlv, whole } from '../../src/core/pki/der';
import { checkClientCertificate } from '../../src/core/pki/requirements';
import { openssl, opensslOk } from './openssl';

// The findings `openssl verify -purpose sslclient` also judges.
const JUDGED = ['chain-trusted', 'chain-complete', 'validity', 'eku-client-auth', 'ku-digital-signature'];

/** Extensions of a well-formed CA: what each case starts from before it breaks one rule. */
export const CA_EXTENSIONS = [
  'basicConstraints = critical,CA:TRUE',
  'keyUsage = critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
];
/** Extensions of a well-formed device (client) certificate. */
export const LEAF_EXTENSIONS = [
  'basicConstraints = CA:FALSE',
  'keyUsage = critical,digitalSignature',
  'extendedKeyUsage = clientAuth',
  'authorityKeyIdentifier = keyid',
];

export interface MadeCert {
  name: string;
  path: string;
  keyPath: string;
  pem: string;
  x509: X509Certificate;
}

export interface IssueOptions {
  /** Reuse this key file instead of making a new one (a renewal or a key rollover). */
  keyPath?: string;
  /** openssl string_mask for the subject: "nombstr" writes PrintableString where it can. */
  stringMask?: string;
  /** Validity in days from now (default 365 for roots, 30 for the others). */
  days?: number;
}

/** A scratch folder of certificates made with `openssl req` / `openssl x509 -req`, removed by cleanup(). */
export class CertForge {
  private n = 0;
  private constructor(readonly dir: string) {}

  static async create(): Promise<CertForge> {
    return new CertForge(await mkdtemp(join(tmpdir(), 'onboard-chain-')));
  }

  cleanup(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }

  /** A new key: EC P-256 (fast), RSA 2048, or DSA 2048 with its parameters. */
  async key(name: string, type: 'ec' | 'rsa' | 'dsa' = 'ec'): Promise<string> {
    const path = join(this.dir, `${name}.key`);
    if (type === 'dsa') {
      const params = join(this.dir, `${name}.dsaparam`);
      await opensslOk([
        'genpkey',
        '-genparam',
        '-algorithm',
        'DSA',
        '-pkeyopt',
        'dsa_paramgen_bits:2048',
        '-out',
        params,
      ]);
      await opensslOk(['genpkey', '-paramfile', params, '-out', path]);
    } else {
      const algo =
        type === 'ec'
          ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
          : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
      await opensslOk(['genpkey', ...algo, '-out', path]);
    }
    return path;
  }

  private async config(ext: string[], stringMask = 'utf8only'): Promise<string> {
    const path = join(this.dir, `cfg-${this.n++}.cnf`);
    await writeFile(
      path,
      ['[req]', 'distinguished_name = dn', `string_mask = ${stringMask}`, '[dn]', '[v3]', ...ext, ''].join('\n'),
    );
    return path;
  }

  private async load(name: string, path: string, keyPath: string): Promise<MadeCert> {
    const pem = await readFile(path, 'utf8');
    return { name, path, keyPath, pem, x509: new X509Certificate(pem) };
  }

  /** A self-signed CA certificate with subject `subj` ("/O=Acme/CN=Root") and extension lines `ext`. */
  async root(name: string, subj: string, ext: string[], o: IssueOptions = {}): Promise<MadeCert> {
    const keyPath = o.keyPath ?? (await this.key(name));
    const path = join(this.dir, `${name}.pem`);
    const cfg = await this.config(ext, o.stringMask);
    await opensslOk([
      'req',
      '-x509',
      '-new',
      '-key',
      keyPath,
      '-subj',
      subj,
      '-days',
      String(o.days ?? 365),
      '-config',
      cfg,
      '-extensions',
      'v3',
      '-out',
      path,
    ]);
    return this.load(name, path, keyPath);
  }

  /** A certificate for `subj` signed by `issuer` (its subject becomes the issuer name, byte for byte). */
  async issue(name: string, subj: string, issuer: MadeCert, ext: string[], o: IssueOptions = {}): Promise<MadeCert> {
    const keyPath = o.keyPath ?? (await this.key(name));
    const csr = join(this.dir, `${name}.csr`);
    const path = join(this.dir, `${name}.pem`);
    const cfg = await this.config(ext, o.stringMask);
    await opensslOk(['req', '-new', '-key', keyPath, '-subj', subj, '-config', cfg, '-out', csr]);
    await opensslOk([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      issuer.path,
      '-CAkey',
      issuer.keyPath,
      '-set_serial',
      `0x${(0x1000 + this.n++).toString(16)}${Date.now().toString(16)}`,
      '-days',
      String(o.days ?? 30),
      '-extfile',
      cfg,
      '-extensions',
      'v3',
      '-out',
      path,
    ]);
    return this.load(name, path, keyPath);
  }

  /**
   * Re-signs `cert` with `issuer`'s DSA key after taking the DSA parameters out of its public key, as
   * RFC 3279 allows (the key then inherits the issuer's parameters). OpenSSL cannot make such a
   * certificate, so the DER is edited here; the signature is a real DSA signature by the issuer.
   */
  async withoutDsaParameters(name: string, cert: MadeCert, issuer: MadeCert): Promise<MadeCert> {
    const [tbsT] = children(readTlv(cert.x509.raw));
    const fields = children(tbsT!);
    const spkiIndex = (fields[0]?.tag === 0xa0 ? 1 : 0) + 5;
    const [algT, keyT] = children(fields[spkiIndex]!);
    const [oidT] = children(algT!);
    const bare = der.seq(der.seq(whole(oidT!)), whole(keyT!));
    const sigAlg = der.seq(der.oid('2.16.840.1.101.3.4.3.2')); // dsa-with-SHA256
    const sigIndex = (fields[0]?.tag === 0xa0 ? 1 : 0) + 1;
    const tbs = der.seq(...fields.map((f, i) => (i === spkiIndex ? bare : i === sigIndex ? sigAlg : whole(f))));
    const signature = sign('sha256', tbs, createPrivateKey(await readFile(issuer.keyPath)));
    const certDer = der.seq(tbs, sigAlg, der.bits(signature));
    const path = join(this.dir, `${name}.pem`);
    await writeFile(
      path,
      `-----BEGIN CERTIFICATE-----\n${certDer.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`,
    );
    return this.load(name, path, cert.keyPath);
  }

  /** Writes PEM bundles for openssl's -CAfile / -untrusted. */
  async bundle(name: string, certs: MadeCert[]): Promise<string> {
    const path = join(this.dir, `${name}.bundle.pem`);
    await writeFile(path, certs.map((c) => c.pem).join(''));
    return path;
  }
}

/** `openssl verify -purpose sslclient` over `leaf` with `root` trusted and `untrusted` as intermediates; true for OK. */
export async function opensslAccepts(
  forge: CertForge,
  leaf: MadeCert,
  root: MadeCert,
  untrusted: MadeCert[],
  extra: string[] = [],
): Promise<{ ok: boolean; output: string }> {
  const args = ['verify', '-purpose', 'sslclient', '-CAfile', root.path, ...extra];
  if (untrusted.length) args.push('-untrusted', await forge.bundle(`${leaf.name}-untrusted`, untrusted));
  const r = await openssl([...args, leaf.path]);
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** Onboard's verdict on the part OpenSSL judges, and the detail of chain-trusted. */
export function onboardVerdict(leaf: MadeCert, cas: MadeCert[]): { ok: boolean; detail: string } {
  const findings = checkClientCertificate({
    certificate: leaf.x509,
    caCertificates: cas.map((c) => c.x509),
    hostname: 'MAC01.local',
  });
  const failed = findings.filter((f) => JUDGED.includes(f.id) && f.status === 'fail');
  return { ok: failed.length === 0, detail: failed.map((f) => `${f.id}: ${f.detail}`).join('\n') };
}

/** Words the chain-trusted detail uses for each problem, so a refusal for the wrong reason fails the test. */
export const CODE_WORDS: Record<string, RegExp> = {
  'issuer-missing': /is not among the CA certificates given/,
  'path-length': /allows at most 0 CA certificate\(s\) below it/,
  'critical-extension': /critical extension that OpenSSL does not process/,
  'ca-purpose': /without Client Authentication/,
  'not-a-ca': /is not marked as a CA/,
  'key-unusable': /DSA key without its own parameters/,
  'name-constraints': /name constraints/,
};
