// Uninstall, chosen on Welcome: the removal plan read, applied with one prompt, and its own summary.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import type { PreviewServer } from '../../src/preview/server';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import { continueTo, launchChromium, openWizard, screenshotWholeStep, startPreview } from './support/harness';

let mac: SimulatedMac;
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  server = await startPreview(
    () => (mac = new SimulatedMac({ arch: 'arm64', rosetta: true, client: { version: '23.7.0.1', running: true } })),
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('an uninstall', () => {
  it('shows the removal plan, removes the client behind one prompt, and sums up what was removed', async () => {
    const page = await openWizard(browser, server, { width: 900, height: 640 });
    await page.getByRole('radio', { name: /Uninstall/ }).check();
    await continueTo(page, 'CA certificates');
    await continueTo(page, 'Client certificate');
    await continueTo(page, 'Install');

    await page.getByRole('heading', { name: 'Uninstall the 1E Client', level: 2 }).waitFor();
    await page.getByText('Stop the 1E Client and unregister its daemon').waitFor({ timeout: 30_000 });
    expect(await page.getByText(/Remove 4 files of the 1E Client package/).count()).toBe(1);
    expect(await page.getByText('/usr/sbin/pkgutil --forget com.1e.pkg.1E.Client').count()).toBe(1);
    expect(await page.getByText(/Removing files cannot be undone/).count()).toBe(1);
    const go = page.getByRole('button', { name: 'Continue' });
    expect(await go.isDisabled()).toBe(true);
    await screenshotWholeStep(page, 'changes-uninstall-plan');

    await page.getByRole('button', { name: 'Uninstall', exact: true }).click();
    await page.getByText(/The 1E Client is removed from this Mac/).waitFor({ timeout: 30_000 });
    const snap = mac.snapshot();
    expect(snap.packages).toEqual([]);
    expect(snap.launchd).toEqual([]);
    expect(snap.adminPrompts).toHaveLength(1);

    await continueTo(page, 'Trust & identity');
    expect(await page.getByRole('heading', { name: 'Nothing to add when uninstalling' }).count()).toBe(1);
    await continueTo(page, 'Verify');
    expect(await page.getByRole('heading', { name: 'Nothing to verify' }).count()).toBe(1);
    await continueTo(page, 'Summary');
    await page.getByText(/The 1E Client is no longer on this Mac/).waitFor();
    expect(await page.locator('.change-list li').count()).toBe(3);
    await screenshotWholeStep(page, 'changes-uninstall-summary');
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
