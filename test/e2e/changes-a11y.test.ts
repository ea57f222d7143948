// axe-core on Install, Trust & identity, Verify and Summary, in light and dark, each with its
// content showing (plans, diff, findings, changes); and the Trust step operated by keyboard only.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import {
  applyInstall,
  applyTrust,
  axeSeriousViolations,
  continueTo,
  freeLoopbackPort,
  inStep,
  type LabBench,
  openWizard,
  planInstallWith,
  screenshotWholeStep,
  startLabBench,
  textContrast,
  walkSetupWithLabCa,
} from './support/harness';

const CA_PASSWORD = 'a11y-lab-pw';
let closedPort: number;
let bench: LabBench;

beforeAll(async () => {
  closedPort = await freeLoopbackPort();
  bench = await startLabBench({
    name: 'A11y Lab',
    caPassword: CA_PASSWORD,
    crlBaseUrl: `http://127.0.0.1:${closedPort}/crl`,
    makeExecutor: () => new SimulatedMac({ arch: 'arm64', rosetta: false }),
  });
});
afterAll(async () => {
  await bench?.close();
});

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  // Moderate findings too (landmark-unique, heading-order, region): the wizard has none left.
  const found = await axeSeriousViolations(page, true);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}

/** Tabs forward until `name` has focus (bounded), as a keyboard-only technician would. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
    if (focused === name) return;
  }
  throw new Error(`"${name}" never got keyboard focus`);
}

describe.each(['light', 'dark'] as const)('the changes steps in %s appearance', (colorScheme) => {
  it("have no moderate, serious or critical accessibility violations, with every step's content showing", async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640, colorScheme });
    // Nothing listens on closedPort: the network checks fail fast, so Verify shows failures with fixes.
    await walkSetupWithLabCa(page, {
      mode: 'New setup',
      switchAddress: `127.0.0.1:${closedPort}`,
      backgroundUrl: `https://127.0.0.1:${closedPort}/Background/`,
      labDir: bench.labDir,
      caPassword: CA_PASSWORD,
    });
    await planInstallWith(page, bench.installer);
    await expectNoSeriousViolations(page, 'Install (plan)');
    await applyInstall(page);
    await expectNoSeriousViolations(page, 'Install (done)');
    await screenshotWholeStep(page, `changes-a11y-${colorScheme}-install`);

    await continueTo(page, 'Trust & identity');
    await inStep(page, 'Import into the keychain').waitFor({ timeout: 30_000 });
    // Until the plan is applied the footer offers the step's action instead of Continue, with the reason beside it:
    // both readable (a greyed Continue was faded to 2:1 in dark).
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    const footer = page.getByRole('contentinfo');
    expect(await textContrast(footer.getByRole('button', { name: 'Import into the keychain' }))).toBeGreaterThanOrEqual(
      4.5,
    );
    expect(await textContrast(page.locator('#continue-reason'))).toBeGreaterThanOrEqual(4.5);
    if (colorScheme === 'light') {
      // Keyboard only: from the step heading to the step's action, with a visible focus ring.
      await tabTo(page, 'Import into the keychain');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).toBe('solid');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 2, name: /are in the System keychain/ }).waitFor({ timeout: 30_000 });
      // Focus went to the result, with its ring showing, not to the page body.
      await page.waitForFunction(() => document.activeElement?.id === 'trust-plan');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    } else {
      await applyTrust(page);
    }
    await expectNoSeriousViolations(page, 'Trust & identity');
    await screenshotWholeStep(page, `changes-a11y-${colorScheme}-trust`);

    await continueTo(page, 'Verify');
    await inStep(page, 'Run the checks').click();
    await page.getByRole('heading', { level: 2, name: 'Not yet' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Plan debug logging' }).click();
    await page.getByRole('button', { name: 'Turn on debug logging and restart' }).waitFor({ timeout: 30_000 });
    await expectNoSeriousViolations(page, 'Verify');
    await screenshotWholeStep(page, `changes-a11y-${colorScheme}-verify`);

    await continueTo(page, 'Summary');
    await page.locator('.change-list').waitFor();
    await page.getByRole('checkbox').first().check();
    await page.getByRole('button', { name: /Plan undo of 1 change/ }).click();
    await page.getByRole('button', { name: 'Undo these changes' }).waitFor({ timeout: 30_000 });
    await expectNoSeriousViolations(page, 'Summary');
    await screenshotWholeStep(page, `changes-a11y-${colorScheme}-summary`);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
