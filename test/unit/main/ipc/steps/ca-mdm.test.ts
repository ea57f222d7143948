// "Export for MDM" through the real router: the profile of the CAs on the CA step, the kit's files once the Switch is known.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { makeTestPki, type TestPki } from '../../../../support/openssl';
import { parsePlist } from '../../../../../src/core/plist';
import { stepDriver, upload } from './support';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
});
afterAll(async () => {
  await pki?.cleanup();
});

describe('Export for MDM in main', () => {
  it('makes the CA profile of the certificates the technician added', async () => {
    const d = stepDriver();
    const none = await d.call('exportForMdm', { file: 'profile' });
    expect(none.ok || none.error.code).toBe('no-ca-certificates');
    await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme-chain.pem')] });
    const r = await d.ok('exportForMdm', { file: 'profile' });
    expect(r.fileName).toBe('onboard-ca-trust.mobileconfig');
    const plist = parsePlist(r.content) as { PayloadScope: string; PayloadContent: { PayloadType: string }[] };
    expect(plist.PayloadScope).toBe('System');
    expect(plist.PayloadContent.map((p) => p.PayloadType).sort()).toEqual([
      'com.apple.security.pkcs1',
      'com.apple.security.root',
    ]);
  });

  it("makes the kit's files with this session's Switch, and asks for it first", async () => {
    const d = stepDriver();
    await d.ok('addCaFiles', { files: [await upload(pki.caBundlePath, 'acme-chain.pem')] });
    const early = await d.call('exportForMdm', { file: 'install' });
    expect(early.ok || early.error.code).toBe('no-endpoints');
    await d.ok('setEndpoints', {
      switchAddress: 'tachyon.acme.local:4000',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
    });
    const install = await d.ok('exportForMdm', { file: 'install' });
    expect(install.fileName).toBe('install.sh');
    expect(install.content).toMatch(/^#!\/bin\/sh\n/);
    expect(install.content).toContain('Switch=tachyon.acme.local:4000');
    expect((await d.ok('exportForMdm', { file: 'attribute' })).content).toContain('<result>');
    expect((await d.ok('exportForMdm', { file: 'readme' })).content).toContain('# Onboard fleet kit');
  });
});
