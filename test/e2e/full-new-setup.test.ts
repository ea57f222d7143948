// The whole new-setup flow as a technician walks it, against a real Switch stand-in, a real
// Background Channel over HTTPS and real CRLs, on a simulated Apple-silicon Mac: it must end all green.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreviewServer } from '../../electron/preview/server';
import { SimulatedMac } from '../../electron/core/macos/executors/simulated';
import { initLab, issueServerCert } from '../../electron/core/lab/pki';
import { startLabServer, type LabServer } from '../../electron/core/lab/server';
import {
  axeSeriousViolations, freeLoopbackPort, launchChromium, openWizard, screenshotWholeStep as screenshot, startBackgroundChannel, startPreview, writeInstallerPackage,
} from './support/harness';

const CA_PASSWORD = 'lab-ca-password-7f3e';
let work: string;
let labDir: string;
let labServer: LabServer;
let background: Awaited<ReturnType<typeof startBackgroundChannel>>;
let switchAddress: string;
let installer: string;
let mac: SimulatedMac;
let server: PreviewServer;
let browser: Browser;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'onboard-e2e-full-'));
  labDir = join(work, 'lab');
  const crlPort = await freeLoopbackPort();
  const lab = await initLab({ dir: labDir, name: 'Acme Lab', intermediate: true, crlBaseUrl: `http://127.0.0.1:${crlPort}/crl`, caPassword: CA_PASSWORD });
  labServer = await startLabServer({ dir: labDir, httpPort: crlPort, switchPort: 0, caPassword: CA_PASSWORD });
  switchAddress = new URL(labServer.switchUrl).host;
  const bgCert = await issueServerCert(lab, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], outDir: join(work, 'bg'), caPassword: CA_PASSWORD });
  background = await startBackgroundChannel(await readFile(bgCert.certPath, 'utf8'), await readFile(bgCert.keyPath, 'utf8'));
  installer = await writeInstallerPackage(work);
  server = await startPreview(() => (mac = new SimulatedMac({ arch: 'arm64', rosetta: false, localHostName: 'MAC01' })));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await background?.close();
  await labServer?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const next = async (page: Page, title: string) => {
  await page.getByRole('button', { name: 'Continue' }).click();
  await h1(page).filter({ hasText: title }).waitFor();
};

describe('a new setup with a lab CA, end to end', () => {
  it('imports, installs, starts and verifies all green against the real stand-ins, and downloads the report', async () => {
    const page = await openWizard(browser, server, { width: 900, height: 640 });

    // Welcome: the job and where the 1E servers are.
    await page.getByRole('radio', { name: /New setup/ }).check();
    await page.getByLabel('Switch address').fill(switchAddress);
    await page.getByLabel('Background Channel URL').fill(background.url);
    await page.getByText(`Valid: ${background.url}`, { exact: false }).waitFor();
    await next(page, 'CA certificates');
    await next(page, 'Client certificate');

    // Client certificate from the lab CA made for this bench.
    await page.getByRole('radio', { name: /A lab CA/ }).check();
    await page.getByRole('radio', { name: /Use one made before/ }).check();
    await page.getByLabel('Lab folder').fill(labDir);
    await page.getByLabel('CA password').fill(CA_PASSWORD);
    await page.getByRole('button', { name: 'Open lab CA' }).click();
    await page.getByLabel('Host name for this Mac\'s certificate').fill('MAC01.local');
    await page.getByRole('button', { name: 'Issue a certificate for MAC01.local' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Continue' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await next(page, 'Trust & identity');

    // Trust & identity: the plan with masked password, one Apply.
    const apply = page.getByRole('button', { name: 'Apply', exact: true });
    await apply.waitFor({ timeout: 30_000 });
    expect(await page.getByText(/security import .* -P •••• -T/).count()).toBe(1);
    expect(await page.getByText(/add-trusted-cert -d -r trustRoot/).count()).toBe(1);
    await screenshot(page, 'full-new-setup-1-trust-plan');
    await apply.click();
    await page.getByText(/The CAs and this Mac's identity are in the System keychain \(3 changes made\)/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'full-new-setup-2-trust-applied');
    await next(page, 'Install');

    // Install: the package on this computer, the configuration diff, Rosetta first.
    await page.getByLabel('Installer file on this Mac').fill(installer);
    // Back and forth keeps both what was applied and what was typed.
    await page.getByRole('button', { name: 'Back' }).click();
    await h1(page).filter({ hasText: 'Trust & identity' }).waitFor();
    expect(await page.getByRole('button', { name: 'Applied' }).isDisabled()).toBe(true);
    await next(page, 'Install');
    expect(await page.getByLabel('Installer file on this Mac').inputValue()).toBe(installer);
    await page.getByRole('button', { name: 'Review the changes' }).click();
    const table = page.getByRole('table');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.getByRole('row', { name: new RegExp(`Switch .*${switchAddress.replace(/\./g, '\\.')}`) }).count()).toBe(1);
    expect(await page.getByText(/Not installed: the 1E Client is Intel code, so Rosetta is installed first/).count()).toBe(1);
    await page.getByRole('button', { name: 'Install and start' }).click();
    await page.getByText(/The 1E Client is installed, configured and started/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'full-new-setup-3-installed');
    await next(page, 'Verify');

    // Verify: every check against the real Switch stand-in, Background Channel and CRLs.
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByText('All green', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.finding.fail').count()).toBe(0);
    expect(await page.getByText(/Switch/).first().isVisible()).toBe(true);
    await screenshot(page, 'full-new-setup-4-verified');

    // The report, downloaded as a technician would attach it to the ticket.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save the report (HTML)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^onboard-report-MAC01-.*\.html$/);
    const html = await readFile((await download.path())!, 'utf8');
    expect(html).toContain(switchAddress);
    expect(html).toContain('MAC01.local');
    expect(html).toMatch(/Trust the root CA/);
    expect(html).not.toContain(CA_PASSWORD);
    expect(html).not.toMatch(/PRIVATE KEY/);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as JSON' }).click()]);
    const report = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { verification: { ok: boolean; switchAnswer?: string }; findings: { status: string }[]; changes: { status: string }[] };
    expect(report.verification.ok).toBe(true);
    expect(report.verification.switchAnswer).toMatch(/101/);
    expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(report.changes.filter((c) => c.status === 'done').length).toBeGreaterThanOrEqual(6);

    await next(page, 'Summary');
    await page.getByText(/This Mac is onboarded/).waitFor();
    await screenshot(page, 'full-new-setup-5-summary');

    // What the simulated Mac ended with, and that it cost one prompt per step.
    const snap = mac.snapshot();
    expect(snap.identities).toHaveLength(1);
    expect(snap.rosetta).toBe(true);
    expect(snap.launchd[0]!.running).toBe(true);
    expect(snap.adminPrompts).toHaveLength(2);
    expect(background.requests.some((r) => r.startsWith('/Background/'))).toBe(true);
    expect(await axeSeriousViolations(page)).toEqual([]);
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  });
});
