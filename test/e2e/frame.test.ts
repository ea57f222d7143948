import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import type { PreviewServer } from '../../src/preview/server';
import { launchChromium, openWizard, screenshot, startPreview } from './support/harness';

let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  server = await startPreview();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the wizard frame in the preview', () => {
  it('shows the simulated-Mac banner, all seven steps, and walks from Welcome to Summary and back', async () => {
    const page = await openWizard(browser, server);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Preview: simulated Mac' }).count(), { timeout: 15_000 })
      .toBe(1);
    const nav = page.getByRole('navigation', { name: 'Onboarding steps' });
    const titles = await nav.getByRole('button').allInnerTexts();
    expect(titles.map((t) => t.replace(/^\d+\s*/, '').trim())).toEqual([
      'Welcome',
      'CA certificates',
      'Client certificate',
      'Install',
      'Trust & identity',
      'Verify',
      'Summary',
    ]);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText(), { timeout: 15_000 }).toBe('Welcome');

    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');

    await nav.getByRole('button', { name: /Summary/ }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Summary');
    expect(await nav.locator('[aria-current="step"]').innerText()).toContain('Summary');
    await page.getByRole('button', { name: 'Back' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Verify');
    const shot = await screenshot(page, 'frame-verify-step');
    expect(existsSync(shot)).toBe(true);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
