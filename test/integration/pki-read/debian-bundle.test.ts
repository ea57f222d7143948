import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { openssl } from '../../support/openssl';
import { loadFile } from '../../../src/core/pki/load';
import { inspectCertificate } from '../../../src/core/pki/inspect';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

describe.skipIf(!existsSync(BUNDLE))("Debian's CA bundle, a real PEM file of public roots", () => {
  it('splits into exactly as many certificates as OpenSSL counts, every one a root, in the same order', async () => {
    const m = await loadFile(BUNDLE);
    const p7 = await openssl(['crl2pkcs7', '-nocrl', '-certfile', BUNDLE]);
    expect(p7.code).toBe(0);
    const printed = await openssl(['pkcs7', '-print_certs', '-noout'], { input: p7.stdout });
    // OpenSSL escapes UTF-8 bytes as \XX; undo that to compare names.
    const opensslSubjects = printed.stdout
      .split('\n')
      .filter((l) => l.startsWith('subject='))
      .map((l) =>
        Buffer.from(
          l.replace(/\\([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
      );
    expect(opensslSubjects.length).toBeGreaterThan(50);
    expect(m.certificates).toHaveLength(opensslSubjects.length);
    const infos = m.certificates.map(inspectCertificate);
    expect(infos.filter((i) => i.role !== 'root').map((i) => i.subject)).toEqual([]);
    // Same order: each of our common names appears in OpenSSL's subject line at the same position.
    infos.forEach((info, n) => {
      if (info.commonName) expect(opensslSubjects[n]).toContain(info.commonName);
    });
    expect(m.warnings).toEqual([]);
  });
});
