import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import type { PreviewServer } from '../../src/preview/server';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import { analysePfx } from '../../src/core/pki/pkcs12';
import { makePfx, makeTestPki, openssl, opensslOk, type TestPki } from '../support/openssl';
import { axeSeriousViolations, launchChromium, screenshot, startPreview } from './support/harness';
import { addCaFiles, continueButton, heading, pastWelcome } from './setup-support';

const PASSWORD = 'Acme-Pfx-2024!';
let server: PreviewServer;
let browser: Browser;
let pki: TestPki;
const NEW_PASSWORD = 'Other-Macs-2024!';
const pfx = { legacy: '', openssl3: '', lowerCase: '', emptyPassword: '' };

beforeAll(async () => {
  pki = await makeTestPki({ intermediate: true, name: 'Acme' });
  const good = await pki.issuer.issue('mac01', { cn: 'MAC01.local', sans: ['MAC01.local'] });
  const lower = await pki.issuer.issue('mac01-lower', { cn: 'mac01.local' });
  pfx.legacy = join(pki.dir, 'MAC01.pfx');
  pfx.openssl3 = join(pki.dir, 'MAC01-openssl3.pfx');
  pfx.lowerCase = join(pki.dir, 'mac01-lower.pfx');
  await makePfx(pfx.legacy, good.certPath, good.keyPath, PASSWORD, { legacy: true });
  await makePfx(pfx.openssl3, good.certPath, good.keyPath, PASSWORD);
  await makePfx(pfx.lowerCase, lower.certPath, lower.keyPath, PASSWORD, { legacy: true });
  // Some export tools write a .pfx with no password at all: macOS refuses to import such a file.
  pfx.emptyPassword = join(pki.dir, 'MAC01-nopass.pfx');
  await opensslOk([
    'pkcs12',
    '-export',
    '-in',
    good.certPath,
    '-inkey',
    good.keyPath,
    '-out',
    pfx.emptyPassword,
    '-passout',
    'pass:',
  ]);
  server = await startPreview(() => new SimulatedMac({ localHostName: 'MAC01' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pki?.cleanup();
});

async function toClientStep(colorScheme: 'light' | 'dark' = 'light') {
  const page = await pastWelcome(browser, server, { colorScheme });
  await addCaFiles(page, [pki.caBundlePath], 2);
  await continueButton(page).click();
  await page.getByRole('heading', { level: 1, name: 'Client certificate' }).waitFor();
  return page;
}

describe('the client certificate step in the preview', () => {
  it('says plainly that the .pfx password is wrong, keeps nothing typed, and lets the technician try again', async () => {
    const page = await toClientStep();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfx.legacy);
    await page.getByLabel('Password of the .pfx').fill('not-the-password');
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The password does not open this .pfx file.' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('passwords are case-sensitive');
    expect(await page.getByLabel('Password of the .pfx').inputValue()).toBe('');
    expect(await page.getByLabel('Password of the .pfx').getAttribute('aria-invalid')).toBe('true');
    expect(await continueButton(page).isDisabled()).toBe(true);
    await screenshot(page, 'setup-pfx-wrong-password');

    await page.getByLabel('Password of the .pfx').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
    expect(await continueButton(page).isEnabled()).toBe(true);
    // Nothing secret was left in the page or its storage.
    expect(await page.content()).not.toContain(PASSWORD);
    expect(
      await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })),
    ).not.toContain(PASSWORD);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });

  it('recognises an OpenSSL 3 .pfx as one other Macs refuse, lets this Mac go on, re-wraps it in one click, and saves a file every macOS imports', async () => {
    const page = await toClientStep();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfx.openssl3);
    await page.getByLabel('Password of the .pfx').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    await page.getByRole('heading', { name: 'Fine for this Mac' }).waitFor();
    // Trust & identity imports Onboard's own compatible copy, so the source file's protection only warns: the verdict
    // for this Mac in one plain sentence, the cipher names folded.
    expect(await page.getByRole('heading', { level: 2, name: 'Every 1E requirement is met' }).count()).toBe(1);
    expect(await page.getByText('Onboard imports its own compatible copy.').count()).toBe(1);
    expect(await page.getByText('Why other Macs refuse this file').count()).toBe(1);
    expect(await page.getByText(/^Protection now:/).isVisible()).toBe(false);
    expect(await page.locator('footer [role=status]').textContent()).toMatch(
      /^Every 1E requirement is met; 1 warning to read: /,
    );
    expect(
      await page.locator('li.finding.warn').filter({ hasText: 'PFX protection that every macOS imports' }).innerText(),
    ).toContain('This Mac is not affected');
    expect(await page.getByLabel('New password').count()).toBe(0);
    expect(await continueButton(page).isEnabled()).toBe(true);
    await screenshot(page, 'setup-pfx-openssl3-detected');

    await page.getByRole('button', { name: 'Re-wrap for other Macs' }).click();
    await page.getByRole('heading', { name: 'Re-wrapped: every macOS imports this .pfx now' }).waitFor();
    expect(await continueButton(page).isEnabled()).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save the re-wrapped .pfx…' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('MAC01-openssl3-macos.pfx');
    const saved = await readFile((await download.path())!);
    expect(analysePfx(saved, PASSWORD).macOsCompatible).toBe(true);
    await screenshot(page, 'setup-pfx-openssl3-rewrapped');
  });

  it('asks a new password to re-wrap a .pfx whose password is empty, and saves a file that opens with it', async () => {
    const page = await toClientStep();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfx.emptyPassword);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    await page.getByRole('heading', { name: 'Fine for this Mac' }).waitFor();
    expect(await page.getByText('The file has an empty password', { exact: false }).count()).toBeGreaterThan(0);
    expect(await continueButton(page).isEnabled()).toBe(true);

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill('something else');
    await page.getByRole('button', { name: 'Re-wrap for other Macs' }).click();
    await page.getByRole('alert').filter({ hasText: 'The two passwords differ' }).waitFor();
    expect(await page.getByLabel('New password again').getAttribute('aria-invalid')).toBe('true');
    expect(await axeSeriousViolations(page)).toEqual([]);
    await screenshot(page, 'setup-pfx-empty-password-mismatch');

    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Re-wrap for other Macs' }).click();
    await page.getByRole('heading', { name: 'Re-wrapped: every macOS imports this .pfx now' }).waitFor();
    expect(await page.getByText('It opens with the new password you chose.', { exact: false }).count()).toBe(1);
    expect(await continueButton(page).isEnabled()).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save the re-wrapped .pfx…' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('MAC01-nopass-macos.pfx');
    const saved = join(pki.dir, 'from-wizard-nopass.pfx');
    await writeFile(saved, await readFile((await download.path())!));
    expect(await opensslOk(['pkcs12', '-in', saved, '-info', '-noout', '-passin', `pass:${NEW_PASSWORD}`])).toBe('');
    expect((await openssl(['pkcs12', '-in', saved, '-info', '-noout', '-passin', 'pass:'])).code).not.toBe(0);
    expect(analysePfx(await readFile(saved), NEW_PASSWORD).macOsCompatible).toBe(true);
    // The new password went to main once and is nowhere in the page or its storage.
    expect(await page.content()).not.toContain(NEW_PASSWORD);
    expect(
      await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })),
    ).not.toContain(NEW_PASSWORD);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    await screenshot(page, 'setup-pfx-empty-password-rewrapped');
  });

  it('shows both spellings of a host name that differs only in capitals, with the fix', async () => {
    const page = await toClientStep();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfx.lowerCase);
    await page.getByLabel('Password of the .pfx').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    const comparison = page.getByLabel('Host name comparison');
    await comparison.waitFor();
    const text = await comparison.innerText();
    expect(text).toContain('MAC01.local');
    expect(text).toContain('mac01.local');
    expect(text).toContain('Differs only in capitals');
    const finding = page.locator('li.finding.fail').filter({ hasText: 'Names this Mac exactly' });
    expect(await finding.innerText()).toContain('Request the certificate again with CN exactly "MAC01.local"');
    expect(await continueButton(page).isDisabled()).toBe(true);
    await screenshot(page, 'setup-hostname-case-mismatch');
  });

  it('keeps the chosen certificate when the technician goes back and forth', async () => {
    const page = await toClientStep();
    await page.getByLabel('.pfx or .p12 file').setInputFiles(pfx.legacy);
    await page.getByLabel('Password of the .pfx').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open .pfx' }).click();
    await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    expect(await heading(page).innerText()).toBe('Welcome');
    expect(await page.getByLabel('Switch address').inputValue()).toBe('tachyon.acme.local:4000');
    await continueButton(page).click();
    expect(await page.getByRole('heading', { level: 2, name: '2 CA certificates' }).count()).toBe(1);
    await continueButton(page).click();
    await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
    expect(await continueButton(page).isEnabled()).toBe(true);
  });

  it('makes a key and request on the Mac, saves the request for the CA, and builds the identity from the certificate it issues', async () => {
    const page = await toClientStep();
    await page.getByLabel('A key and request made on this Mac').check();
    expect(await page.getByLabel('Host name for the certificate (CN and DNS name)').inputValue()).toBe('MAC01.local');
    await page.getByRole('button', { name: 'Make key and request' }).click();
    const save = page.getByRole('button', { name: 'Save MAC01.local.csr…' });
    await save.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    expect(download.suggestedFilename()).toBe('MAC01.local.csr');
    const csrPath = join(pki.dir, 'from-wizard.csr');
    await writeFile(csrPath, await readFile((await download.path())!));

    // The CA answers the request with the extensions 1E asks for.
    const certPath = join(pki.dir, 'from-wizard.cer');
    const extPath = join(pki.dir, 'from-wizard.ext');
    await writeFile(
      extPath,
      `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:MAC01.local\ncrlDistributionPoints=URI:${pki.issuer.crlUrl}\n`,
    );
    await opensslOk([
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      pki.issuer.certPath,
      '-CAkey',
      pki.issuer.keyPath,
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ]);
    await page.getByLabel('Issued certificate file').setInputFiles(certPath);
    await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
    expect(await page.getByText('from-wizard.cer with the key made on this Mac').count()).toBe(1);
    expect(await continueButton(page).isEnabled()).toBe(true);
    await screenshot(page, 'setup-csr-issued');
  });

  it('creates a lab CA, adds its root to the CA list, and issues this Mac a certificate that meets every requirement', async () => {
    const page = await pastWelcome(browser, server);
    await continueButton(page).click();
    await page.getByLabel('A lab CA').check();
    await page.getByLabel('Lab name').fill('Bench');
    await page.getByLabel('CA password').fill('lab-ca-secret');
    await page.getByRole('button', { name: 'Create lab CA' }).click();
    await page.getByRole('heading', { name: 'Lab CA “Bench”' }).waitFor();
    const folder = await page.locator('dd code').first().innerText();
    try {
      await page.getByRole('button', { name: 'Issue a certificate for MAC01.local' }).click();
      await page.getByRole('status').filter({ hasText: 'Every 1E requirement is met' }).waitFor();
      expect(await continueButton(page).isEnabled()).toBe(true);
      await screenshot(page, 'setup-lab-issued');
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('heading', { level: 2, name: 'One CA certificate' }).waitFor();
      expect(await page.locator('.ca-card h3').allInnerTexts()).toEqual(['Bench Root CA']);
      expect(await page.content()).not.toContain('lab-ca-secret');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
