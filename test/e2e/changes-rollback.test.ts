// A failure injected into the identity import: the whole step is rolled back and the screen says
// what failed, what to do, and which changes were undone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreviewServer } from '../../electron/preview/server';
import { SimulatedMac } from '../../electron/core/macos/executors/simulated';
import { initLab } from '../../electron/core/lab/pki';
import {
  applyInstall, continueTo, launchChromium, openWizard, planInstallWith, screenshotWholeStep, startPreview, walkSetupWithLabCa, writeInstallerPackage,
} from './support/harness';

const CA_PASSWORD = 'rollback-lab-pw';
let work: string;
let labDir: string;
let installer: string;
let mac: SimulatedMac;
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-e2e-rollback-'));
  labDir = join(work, 'lab');
  await initLab({ dir: labDir, name: 'Rollback Lab', intermediate: true, crlBaseUrl: 'http://127.0.0.1:9/crl', caPassword: CA_PASSWORD });
  installer = await writeInstallerPackage(work);
  server = await startPreview(() => {
    mac = new SimulatedMac({ arch: 'x86_64' });
    mac.failWhen({ actionId: 'identity-import', exitCode: 1, stderr: 'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)' });
    return mac;
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a failed trust import', () => {
  it('is rolled back: the CA changes are undone, the Mac is as before, and the technician cannot continue', async () => {
    const page = await openWizard(browser, server, { width: 900, height: 640 });
    await walkSetupWithLabCa(page, { mode: 'New setup', switchAddress: 'tachyon.acme.local:4000', backgroundUrl: 'https://tachyon.acme.local/Background/', labDir, caPassword: CA_PASSWORD });
    await planInstallWith(page, installer);
    await applyInstall(page);
    await continueTo(page, 'Trust & identity');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'MAC verification failed' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/failed \(exit 1\)/);
    const rollback = page.locator('.rollback');
    expect(await rollback.getByRole('heading', { name: 'Put back as it was' }).count()).toBe(1);
    const undone = await rollback.locator('li').allInnerTexts();
    expect(undone).toHaveLength(2);
    expect(undone[0]).toMatch(/^Undone\s+Add the intermediate CA "Rollback Lab Issuing CA"/);
    expect(undone[1]).toMatch(/^Undone\s+Trust the root CA "Rollback Lab Root CA"/);
    const identityItem = page.locator('li.action').filter({ hasText: 'Import the identity' });
    expect(await identityItem.locator('.status').innerText()).toBe('Failed');

    const go = page.getByRole('button', { name: 'Continue' });
    expect(await go.isDisabled()).toBe(true);
    // The reason is shown beside the button and is its accessible description.
    const reasonId = await go.getAttribute('aria-describedby');
    expect(await page.locator(`#${reasonId}`).innerText()).toMatch(/did not complete/);
    await screenshotWholeStep(page, 'changes-rollback-trust-failed');

    const snap = mac.snapshot();
    expect(snap.certificates).toEqual([]);
    expect(snap.identities).toEqual([]);
    // The install's prompt, then the trust step's.
    expect(snap.adminPrompts).toHaveLength(2);

    // The spent plan cannot be pressed again: the way on is a fresh plan from the Mac as it is now.
    await page.getByRole('button', { name: 'Make a fresh plan' }).click();
    await page.getByRole('button', { name: 'Apply', exact: true }).waitFor();
    expect(await page.getByText('4 changes. macOS asks for an administrator\'s password once.').count()).toBe(1);

    // The summary tells the same story, with nothing left to undo.
    await page.getByRole('navigation', { name: 'Onboarding steps' }).getByRole('button', { name: /Summary/ }).click();
    const list = page.locator('.change-list');
    await list.waitFor();
    expect(await list.getByText('Undone', { exact: true }).count()).toBe(2);
    expect(await list.getByText('Failed', { exact: true }).count()).toBe(1);
    // Only the install's changes are left to undo; nothing of the failed step is offered.
    const offered = await list.locator('li').filter({ has: page.getByRole('checkbox') }).allInnerTexts();
    expect(offered.some((t) => /identity|CA/.test(t))).toBe(false);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
