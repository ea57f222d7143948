// Whole journeys over the preview: a setup then a Replace in the same session (the Mac read again, no Install step,
// a fresh plan), jumping ahead without any step turning done, and the Summary's finish (Done, Onboard another Mac).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import {
  applyInstall,
  applyTrust,
  continueTo,
  focusLandsOn,
  freeLoopbackPort,
  inStep,
  type LabBench,
  openWizard,
  planInstallWith,
  screenshotWholeStep,
  startLabBench,
  walkSetupWithLabCa,
} from './support/harness';

const CA_PASSWORD = 'journeys-lab-pw';
let closedPort: number;
let bench: LabBench;

beforeAll(async () => {
  closedPort = await freeLoopbackPort();
  bench = await startLabBench({
    name: 'Journeys Lab',
    caPassword: CA_PASSWORD,
    intermediate: false,
    makeExecutor: () => new SimulatedMac({ arch: 'x86_64' }),
  });
});
afterAll(async () => {
  await bench?.close();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Onboarding steps' });
const stepNames = async (page: Page) => (await nav(page).locator('.step-title').allTextContents()).map((t) => t.trim());

describe('a setup, then Replace the certificate in the same session', () => {
  it('moves focus to each result, then reads the Mac again, skips Install and shows a fresh plan instead of the finished one', async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640 });
    await walkSetupWithLabCa(page, {
      mode: 'New setup',
      switchAddress: `127.0.0.1:${closedPort}`,
      backgroundUrl: `https://127.0.0.1:${closedPort}/Background/`,
      labDir: bench.labDir,
      caPassword: CA_PASSWORD,
      checkFocus: true,
    });
    // Each background action's result takes focus, and the footer's live region says it.
    await planInstallWith(page, bench.installer);
    await focusLandsOn(page, 'install-plan');
    expect(await page.locator('footer [role=status]').textContent()).toMatch(/^The plan is ready: \d+ changes · /);
    await applyInstall(page);
    await focusLandsOn(page, 'install-plan');
    expect(await page.locator('footer [role=status]').textContent()).toBe(
      'The 1E Client is installed, configured and started.',
    );
    await continueTo(page, 'Trust & identity');
    await applyTrust(page);
    await focusLandsOn(page, 'trust-plan');

    // Back on Welcome the Mac is read again: the client just installed shows, not the reading from page load.
    await nav(page)
      .getByRole('button', { name: /^Welcome/ })
      .click();
    await page.getByText(/^Version [\d.]+ installed/).waitFor({ timeout: 30_000 });
    await page.getByRole('radio', { name: /Replace the certificate/ }).check();
    expect(await stepNames(page)).toEqual([
      'Welcome',
      'CA certificates',
      'New certificate',
      'Trust & identity',
      'Verify',
      'Summary',
    ]);
    await continueTo(page, 'CA certificates');
    await continueTo(page, 'New certificate');
    await continueTo(page, 'Trust & identity');
    // A fresh plan for this job: not the setup's finished one, and not refused for want of a client.
    await page
      .getByRole('heading', { level: 2, name: /^(Ready to import the new certificate|Nothing to import)/ })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByText(/no 1E Client installed/i).count()).toBe(0);
    expect(await page.getByRole('heading', { name: /are in the System keychain$/ }).count()).toBe(0);
    await screenshotWholeStep(page, 'journeys-replace-trust');
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});

describe.each(['light', 'dark'] as const)('jumping ahead and finishing, in %s appearance', (colorScheme) => {
  it('marks no step done that was only passed, and the Summary ends the job and starts afresh', async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640, colorScheme });
    await page.getByRole('heading', { level: 1, name: 'Welcome' }).waitFor();
    await nav(page)
      .getByRole('button', { name: /^Summary/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Summary' }).waitFor();
    const labels = await nav(page)
      .getByRole('button')
      .evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
    // Every step before Summary was passed without its work: each says so, none says done.
    expect(labels.slice(0, -1)).toEqual([
      'Welcome: not done',
      'CA certificates: not done',
      'Client certificate: not done',
      'Install: not done',
      'Trust & identity: not done',
      'Verify: not done',
    ]);
    await page.getByRole('heading', { level: 2, name: 'Not verified' }).waitFor();
    await screenshotWholeStep(page, `journeys-${colorScheme}-summary-jumped`);

    // Nothing verified, so no report: Done is the one action, then a fresh start reads the Mac again.
    expect(await inStep(page, 'Save the report').count()).toBe(0);
    await inStep(page, 'Done').click();
    await page.getByText(/This job is done/).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'summary-finished');
    await inStep(page, 'Onboard another Mac').click();
    await page.getByRole('heading', { level: 1, name: 'Welcome' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'welcome-facts');
    expect(await page.locator('footer [role=status]').textContent()).toBe('Starting afresh: this Mac was read again.');
    expect(
      await nav(page)
        .getByRole('button', { name: /: not done$/ })
        .count(),
    ).toBe(0);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
