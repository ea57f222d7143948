// Uninstall, chosen on Welcome: three steps (Welcome, Uninstall, Summary), the removal's verdict with its one action,
// applied with one prompt, focus on the result, and its own summary.
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
    // An uninstall is three steps: Welcome, Uninstall, Summary.
    const nav = page.getByRole('navigation', { name: 'Onboarding steps' });
    await nav.getByRole('listitem').nth(2).waitFor();
    expect(await nav.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Welcome'),
      expect.stringContaining('Uninstall'),
      expect.stringContaining('Summary'),
    ]);
    await continueTo(page, 'Uninstall');

    // The verdict first, with its one action; the commands folded.
    await page.getByRole('heading', { name: 'Uninstall the 1E Client', level: 2 }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('main').locator('.plan-line').innerText()).toMatch(
      /^3 changes · one administrator prompt · some changes cannot be undone\.$/,
    );
    expect(await page.getByText(/Removing files cannot be undone/).count()).toBe(1);
    const commands = page.getByText('/usr/sbin/pkgutil --forget com.1e.pkg.1E.Client');
    expect(await commands.isVisible()).toBe(false);
    await page.getByText('Show the commands').click();
    expect(await commands.isVisible()).toBe(true);
    expect(await page.getByText(/Remove 4 files of the 1E Client package/).count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    await screenshotWholeStep(page, 'changes-uninstall-plan');

    // The footer mirrors the step's action under the same name.
    expect(await page.getByRole('contentinfo').getByRole('button', { name: 'Uninstall', exact: true }).count()).toBe(1);
    await page.getByRole('main').getByRole('button', { name: 'Uninstall', exact: true }).click();
    await page
      .getByRole('heading', { name: 'The 1E Client is removed from this Mac', level: 2 })
      .waitFor({ timeout: 30_000 });
    // Focus is on the result, and the live region says it.
    await page.waitForFunction(() => document.activeElement?.id === 'uninstall-plan');
    expect(await page.getByRole('status').filter({ hasText: 'The 1E Client is removed' }).count()).toBe(1);
    const snap = mac.snapshot();
    expect(snap.packages).toEqual([]);
    expect(snap.launchd).toEqual([]);
    expect(snap.adminPrompts).toHaveLength(1);
    expect(await nav.getByRole('button', { name: 'Uninstall: done' }).count()).toBe(1);

    await continueTo(page, 'Summary');
    await page.getByText(/The 1E Client is no longer on this Mac/).waitFor();
    expect(await page.locator('.change-list li').count()).toBe(3);
    await screenshotWholeStep(page, 'changes-uninstall-summary');
    // Back on Welcome, the Mac is read again: the client is gone.
    await nav.getByRole('button', { name: /^Welcome/ }).click();
    await page.getByRole('main').getByText('Not installed', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
