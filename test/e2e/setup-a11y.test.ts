import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from '../../src/preview/server';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import { makePfx, makeTestPki, type TestPki } from '../support/openssl';
import {
  axeSeriousViolations,
  launchChromium,
  openWizard,
  screenshot,
  startPreview,
  textContrast,
} from './support/harness';
import { BACKGROUND, SWITCH, addCaFiles, continueButton, heading } from './setup-support';

const PASSWORD = 'Acme-Pfx-2024!';
const INSTALLED_CONF = `# written by install.sh\nSwitch=${SWITCH}\nBackgroundChannelUrl=${BACKGROUND}\nLoggingLevel=info\n`;
let server: PreviewServer;
let browser: Browser;
let pki: TestPki;
let strangers: TestPki;
let pfxPath: string;

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  strangers = await makeTestPki({ intermediate: true, name: 'Elsewhere' });
  const leaf = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  pfxPath = join(pki.dir, 'MAC01.pfx');
  await makePfx(pfxPath, leaf.certPath, leaf.keyPath, PASSWORD, { legacy: true });
  // An Intel Mac with the 1E Client already installed and configured: the upgrade case.
  server = await startPreview(
    () =>
      new SimulatedMac({
        localHostName: 'MAC01',
        arch: 'x86_64',
        client: { version: '5.1.0.920', running: true, conf: INSTALLED_CONF },
      }),
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pki?.cleanup();
  await strangers?.cleanup();
});

async function expectAccessible(page: Page, where: string): Promise<void> {
  // Moderate findings too (landmark-unique, heading-order, region): the wizard has none left.
  const found = await axeSeriousViolations(page, true);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}

/** Scrolls the step's content so a screenshot shows what the flow is about. */
async function reveal(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
}

describe.each(['light', 'dark'] as const)('the setup steps at 900×640 in %s mode', (colorScheme) => {
  it('have no moderate, serious or critical accessibility violations on Welcome, CA certificates and Client certificate', async () => {
    const page = await openWizard(browser, server, { width: 900, height: 640, colorScheme });
    await page.getByText('Name 1E expects').waitFor();
    await expectAccessible(page, 'Welcome');
    // Placeholders read as placeholders (italic) yet stay readable: at least 4.5:1 in both appearances.
    const empty = page.getByLabel('Switch address');
    expect(await empty.getAttribute('placeholder')).toMatch(/^e\.g\. /);
    expect(await textContrast(empty, '::placeholder')).toBeGreaterThanOrEqual(4.5);
    await screenshot(page, `setup-welcome-${colorScheme}`);

    await page.getByLabel('Switch address').fill('tachyon.acme.local:port');
    await page.getByLabel('Background Channel URL').focus();
    await page.locator('.field-error').first().waitFor();
    await expectAccessible(page, 'Welcome with a field error');
    await page.getByLabel('Switch address').fill(SWITCH);
    await page.getByLabel('Background Channel URL').fill(BACKGROUND);
    await page.getByText(`Valid: ${BACKGROUND}`).waitFor();
    await continueButton(page).click();

    expect(await heading(page).innerText()).toBe('CA certificates');
    await expectAccessible(page, 'CA certificates, empty');
    await addCaFiles(page, [pki.caBundlePath, strangers.intermediate!.certPath], 3);
    await expectAccessible(page, 'CA certificates with cards and a problem');
    await reveal(page, '.ca-card.fail');
    await screenshot(page, `setup-ca-${colorScheme}`);
    expect(await continueButton(page).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Remove Elsewhere Issuing CA' }).click();
    await page.getByRole('heading', { level: 2, name: '2 CA certificates' }).waitFor();
    await continueButton(page).click();

    expect(await heading(page).innerText()).toBe('Client certificate');
    await expectAccessible(page, 'Client certificate, choosing');
    await page.getByLabel('A key and request made on this Mac').check();
    await expectAccessible(page, 'Client certificate, CSR path');
    await page.getByLabel('A lab CA').check();
    await expectAccessible(page, 'Client certificate, lab path');
    await page.getByLabel('An existing .pfx').check();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfxPath);
    await page.getByLabel('Password of the .pfx').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
    await expectAccessible(page, 'Client certificate with the checklist');
    await screenshot(page, `setup-client-${colorScheme}`);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});

describe('the setup steps by keyboard alone', () => {
  it('choose a mode with the arrow keys, fill in the endpoints and continue, with a visible focus ring on the way', async () => {
    const page = await openWizard(browser, server, { width: 900, height: 640 });
    await page.getByText('Name 1E expects').waitFor();
    const focusRing = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return {
          tag: el.tagName,
          name: el.getAttribute('name') ?? el.id,
          outline: style.outlineStyle,
          width: style.outlineWidth,
        };
      });

    // From the step heading, Tab reaches the mode choice first.
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('Tab');
    expect(await focusRing()).toMatchObject({ tag: 'INPUT', name: 'mode', outline: 'solid', width: '3px' });
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Upgrade').isChecked()).toBe(true);

    // Upgrade fills the endpoints from the installed configuration.
    await page.getByText('Filled in from the installed configuration').waitFor();
    expect(await page.getByLabel('Switch address').inputValue()).toBe(SWITCH);
    expect(await page.getByLabel('Background Channel URL').inputValue()).toBe(BACKGROUND);

    // Then the platform question (on premises is chosen), then the endpoints.
    await page.keyboard.press('Tab');
    expect(await focusRing()).toMatchObject({ tag: 'INPUT', name: 'platform', outline: 'solid' });
    expect(await page.getByLabel('1E on premises (your own 1E servers)').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusRing()).toMatchObject({ tag: 'INPUT', name: 'endpoint-switchAddress', outline: 'solid' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('tachyon.acme.local:4001');
    await page.keyboard.press('Tab');
    expect(await focusRing()).toMatchObject({ name: 'endpoint-backgroundUrl' });
    await page.getByText('Valid: tachyon.acme.local:4001').waitFor();

    // Tab on through the page to Continue and press it.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => (document.activeElement as HTMLElement).innerText);
      if (f === 'Continue') break;
    }
    expect(await focusRing()).toMatchObject({ tag: 'BUTTON', outline: 'solid' });
    await page.keyboard.press('Enter');
    expect(await heading(page).innerText()).toBe('CA certificates');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-heading');
    await screenshot(page, 'setup-keyboard-ca');
  });
});
