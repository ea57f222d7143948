// A failure injected into the identity import: the whole step is rolled back and the screen says
// what failed, what to do, and which changes were undone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import {
  applyInstall,
  continueTo,
  inStep,
  type LabBench,
  openWizard,
  planInstallWith,
  screenshotWholeStep,
  startLabBench,
  walkSetupWithLabCa,
} from './support/harness';

const CA_PASSWORD = 'rollback-lab-pw';
let bench: LabBench;
let mac: SimulatedMac;

beforeAll(async () => {
  bench = await startLabBench({
    name: 'Rollback Lab',
    caPassword: CA_PASSWORD,
    makeExecutor: () => {
      mac = new SimulatedMac({ arch: 'x86_64' });
      mac.failWhen({
        actionId: 'identity-import',
        exitCode: 1,
        stderr: 'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)',
      });
      return mac;
    },
  });
});
afterAll(async () => {
  await bench?.close();
});

describe('a failed trust import', () => {
  it('is rolled back: the CA changes are undone, the Mac is as before, and the technician cannot continue', async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640 });
    await walkSetupWithLabCa(page, {
      mode: 'New setup',
      switchAddress: 'tachyon.acme.local:4000',
      backgroundUrl: 'https://tachyon.acme.local/Background/',
      labDir: bench.labDir,
      caPassword: CA_PASSWORD,
    });
    await planInstallWith(page, bench.installer);
    await applyInstall(page);
    await continueTo(page, 'Trust & identity');
    await inStep(page, 'Import into the keychain').click();

    const alert = page.getByRole('alert').filter({ hasText: 'MAC verification failed' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/failed \(exit 1\)/);
    const rollback = page.locator('.rollback');
    expect(await rollback.getByRole('heading', { name: 'Put back as it was' }).count()).toBe(1);
    const undone = await rollback.locator('li').allInnerTexts();
    // The trust is set first (its own dialog), then the batch adds both certificates: undone newest first.
    expect(undone).toHaveLength(3);
    expect(undone[0]).toMatch(/^Undone\s+Add the intermediate CA "Rollback Lab Issuing CA"/);
    expect(undone[1]).toMatch(/^Undone\s+Add the root CA "Rollback Lab Root CA"/);
    expect(undone[2]).toMatch(/^Undone\s+Trust the root CA "Rollback Lab Root CA"/);
    const order = page.getByRole('list', { name: 'The changes, in the order they run' });
    const identityItem = order.getByRole('listitem').filter({ hasText: 'Import the identity' });
    expect(await identityItem.locator('.status').innerText()).toBe('Failed');

    // No Continue: the footer offers the step's way on instead, with the reason beside it.
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    expect(await page.locator('#continue-reason').innerText()).toMatch(/did not complete/);
    expect(await page.getByRole('contentinfo').getByRole('button', { name: 'Make a fresh plan' }).count()).toBe(1);
    await screenshotWholeStep(page, 'changes-rollback-trust-failed');

    const snap = mac.snapshot();
    expect(snap.certificates).toEqual([]);
    expect(snap.identities).toEqual([]);
    // The install's prompt, then the trust step's.
    expect(snap.adminPrompts).toHaveLength(2);

    // The spent plan cannot be pressed again: the way on is a fresh plan from the Mac as it is now.
    await inStep(page, 'Make a fresh plan').click();
    await inStep(page, 'Import into the keychain').waitFor();
    expect(
      await page
        .getByRole('main')
        .getByText('5 changes · one administrator prompt, plus one macOS dialog for the root CA')
        .count(),
    ).toBe(1);
    // The fresh plan takes focus, and the live region says what it is.
    await page.waitForFunction(() => document.activeElement?.id === 'trust-plan');
    expect(await page.getByRole('status').filter({ hasText: 'The plan is ready: 5 changes' }).count()).toBe(1);

    // The summary tells the same story, with nothing left to undo.
    await page
      .getByRole('navigation', { name: 'Onboarding steps' })
      .getByRole('button', { name: /Summary/ })
      .click();
    const list = page.locator('.change-list');
    await list.waitFor();
    expect(await list.getByText('Undone', { exact: true }).count()).toBe(3);
    expect(await list.getByText('Failed', { exact: true }).count()).toBe(1);
    // Only the install's changes are left to undo; nothing of the failed step is offered.
    const offered = await list
      .locator('li')
      .filter({ has: page.getByRole('checkbox') })
      .allInnerTexts();
    expect(offered.some((t) => /identity|CA/.test(t))).toBe(false);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
