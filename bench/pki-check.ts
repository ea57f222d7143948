// Checking 1,000 device certificates against their chain in one process, versus one `openssl verify` per certificate.
import { execFile } from 'node:child_process';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { withPrivateTempDir } from '../src/core/fsutil';
import { buildCertificate } from '../src/core/pki/build';
import { checkClientCertificate, summarise } from '../src/core/pki/requirements';
import type { BenchSection } from './types';

const OPENSSL = '/usr/bin/openssl';
const DEVICES = 1000;
/** OpenSSL processes actually run; the per-certificate time is extrapolated to all devices. */
const OPENSSL_RUNS = 200;
const DAY = 86_400_000;

function openssl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export async function run(): Promise<BenchSection> {
  return withPrivateTempDir(async (dir) => {
    // A site's PKI: root, issuing CA, and device certificates that share one RSA key so generation stays fast.
    const rootKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const issuingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const deviceKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const notAfter = new Date(Date.now() + 365 * DAY);
    const root = buildCertificate({
      subject: { organization: 'Bench', commonName: 'Bench Root CA' },
      publicKey: rootKey,
      signer: { key: rootKey },
      notAfter: new Date(Date.now() + 3650 * DAY),
      ca: true,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const issuing = buildCertificate({
      subject: { organization: 'Bench', commonName: 'Bench Issuing CA' },
      publicKey: issuingKey,
      signer: { key: rootKey, certificate: root },
      notAfter: new Date(Date.now() + 1825 * DAY),
      ca: { pathLength: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const devicePems: string[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < DEVICES; i++) {
      const host = `MAC${String(i).padStart(4, '0')}.local`;
      devicePems.push(
        buildCertificate({
          subject: { commonName: host },
          publicKey: deviceKey,
          signer: { key: issuingKey, certificate: issuing },
          notAfter,
          keyUsage: ['digitalSignature', 'keyEncipherment'],
          extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
          dnsNames: [host],
          crlUrls: ['http://pki.bench.example/issuing.crl'],
        }).toString(),
      );
    }
    const makeMs = ms(t0);
    const caFile = join(dir, 'cas.pem');
    await writeFile(caFile, root.toString() + issuing.toString());
    const devicePaths = devicePems.map((_, i) => join(dir, `device-${i}.pem`));
    await Promise.all(devicePems.map((p, i) => writeFile(devicePaths[i]!, p)));

    // Ours, as a site-wide check would run: CA certificates read once, each device certificate parsed and fully checked.
    const cas = [new X509Certificate(root.toString()), new X509Certificate(issuing.toString())];
    let failures = 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < DEVICES; i++) {
      const cert = new X509Certificate(devicePems[i]!);
      const findings = checkClientCertificate({
        certificate: cert,
        privateKey: deviceKey,
        caCertificates: cas,
        hostname: `MAC${String(i).padStart(4, '0')}.local`,
      });
      if (!summarise(findings).ok) failures++;
    }
    const oursMs = ms(t1);

    // Ours again with nothing shared between certificates: CA files re-parsed for every device (no cached CA signatures).
    const caPem = root.toString() + issuing.toString();
    const t2 = process.hrtime.bigint();
    for (let i = 0; i < DEVICES; i++) {
      const fresh = caPem
        .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
        .map((p) => new X509Certificate(p));
      checkClientCertificate({
        certificate: new X509Certificate(devicePems[i]!),
        privateKey: deviceKey,
        caCertificates: fresh,
        hostname: `MAC${String(i).padStart(4, '0')}.local`,
      });
    }
    const oursColdMs = ms(t2);

    // OpenSSL, once per certificate, the way a script would loop over devices.
    let opensslRejected = 0;
    await openssl(['version']); // warm the binary into the page cache
    const t3 = process.hrtime.bigint();
    for (let i = 0; i < OPENSSL_RUNS; i++) {
      const r = await openssl(['verify', '-purpose', 'sslclient', '-CAfile', caFile, devicePaths[i]!]);
      if (r.code !== 0) opensslRejected++;
    }
    const opensslPerCert = ms(t3) / OPENSSL_RUNS;
    const opensslTotal = opensslPerCert * DEVICES;

    // OpenSSL verifying all 1,000 files in a single process, for a fair floor.
    const t4 = process.hrtime.bigint();
    const batch = await openssl(['verify', '-purpose', 'sslclient', '-CAfile', caFile, ...devicePaths]);
    const opensslBatchMs = ms(t4);
    const batchOk = (batch.out.match(/: OK$/gm) ?? []).length;

    const ratio = opensslTotal / oursMs;
    return {
      title: 'Checking 1,000 device certificates (`checkClientCertificate` vs `openssl verify`)',
      markdown: [
        `${DEVICES} RSA-2048 device certificates (one shared key, CN and SAN \`MACnnnn.local\`, HTTP CDP) issued by an RSA issuing CA under an RSA root, made natively in ${makeMs.toFixed(0)} ms.`,
        '',
        "- **Onboard**: one Node process; each certificate is parsed from PEM and gets the full 1E check (14 findings: chain with signatures, validity, EKU, KU, key, private key match, CDP, host name, signature algorithm). CA certificates are read once, so the issuing CA's signature is verified once (the cache a site-wide check really has).",
        '- **Onboard, nothing shared**: the same, but the CA PEM is re-parsed for every device, so every CA signature is verified again.',
        `- **OpenSSL per certificate**: \`openssl verify -purpose sslclient -CAfile cas.pem device.pem\`, one process per device, as a shell loop would; ${OPENSSL_RUNS} runs timed and the per-certificate time extrapolated to ${DEVICES}.`,
        '- **OpenSSL, one process**: `openssl verify` given all 1,000 files at once (chain, purpose and validity only).',
        '',
        '| method | total ms for 1,000 | ms per certificate | OpenSSL-per-certificate ÷ this |',
        '| --- | ---: | ---: | ---: |',
        `| Onboard (CAs read once) | ${oursMs.toFixed(0)} | ${(oursMs / DEVICES).toFixed(3)} | ${ratio.toFixed(1)}× |`,
        `| Onboard, nothing shared | ${oursColdMs.toFixed(0)} | ${(oursColdMs / DEVICES).toFixed(3)} | ${(opensslTotal / oursColdMs).toFixed(1)}× |`,
        `| OpenSSL, one process per certificate (extrapolated) | ${opensslTotal.toFixed(0)} | ${opensslPerCert.toFixed(3)} | 1.0× |`,
        `| OpenSSL, one process for all | ${opensslBatchMs.toFixed(0)} | ${(opensslBatchMs / DEVICES).toFixed(3)} | ${(opensslTotal / opensslBatchMs).toFixed(1)}× |`,
        '',
        `Machine load average during the run: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')} (1/5/15 min); other work on the machine slows every row alike.`,
        '',
        `Verdicts: Onboard failed ${failures} of ${DEVICES}; OpenSSL rejected ${opensslRejected} of ${OPENSSL_RUNS} single runs and accepted ${batchOk} of ${DEVICES} in the batch run.`,
        `Result: checking in one process is **${ratio.toFixed(0)}× faster** than one \`openssl verify\` per certificate; most of OpenSSL's time is process start-up, as the one-process OpenSSL row shows.`,
      ].join('\n'),
    };
  }, 'onboard-bench-');
}
