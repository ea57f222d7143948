// What the setup flows share: the wizard opened on a simulated MAC01 and the Welcome answers (axe-core is in the harness).
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from '../../src/preview/server';
import { focusLandsOn, openWizard } from './support/harness';

export const SWITCH = 'tachyon.acme.local:4000';
export const BACKGROUND = 'https://tachyon.acme.local/Background/';

export function heading(page: Page) {
  return page.getByRole('heading', { level: 1 });
}

export function continueButton(page: Page) {
  return page.getByRole('button', { name: 'Continue' });
}

/** Opens the wizard and answers Welcome as a technician would, ending on the CA certificates step. */
export async function pastWelcome(
  browser: Browser,
  server: PreviewServer,
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<Page> {
  const page = await openWizard(browser, server, opts);
  await page.getByLabel('Switch address').fill(SWITCH);
  await page.getByLabel('Background Channel URL').fill(BACKGROUND);
  await page.getByText(`Valid: ${BACKGROUND}`, { exact: false }).waitFor();
  await continueButton(page).click();
  await page.getByRole('heading', { level: 1, name: 'CA certificates' }).waitFor();
  return page;
}

/** Adds CA files on the CA step and waits for their cards. */
export async function addCaFiles(page: Page, paths: string[], expectedCards: number): Promise<void> {
  await page.getByLabel('CA certificate files').setInputFiles(paths);
  await page
    .getByRole('heading', {
      level: 2,
      name: expectedCards === 1 ? 'One CA certificate' : `${expectedCards} CA certificates`,
    })
    .waitFor();
  // The files' outcome takes focus, so keyboard and screen-reader users are taken to what happened.
  await focusLandsOn(page, 'ca-result');
}
