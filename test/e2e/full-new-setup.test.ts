// The whole new-setup flow as a technician walks it, against a real Switch stand-in, a real
// Background Channel over HTTPS and real CRLs, on a simulated Apple-silicon Mac: it must end all green.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimulatedMac } from '../../src/core/macos/executors/simulated';
import { issueServerCert } from '../../src/core/lab/pki';
import { startLabServer, type LabServer } from '../../src/core/lab/serve';
import {
  applyInstall,
  axeSeriousViolations,
  continueTo,
  freeLoopbackPort,
  openWizard,
  planInstallWith,
  screenshotWholeStep as screenshot,
  startBackgroundChannel,
  startLabBench,
  walkSetupWithLabCa,
  type LabBench,
} from './support/harness';

const CA_PASSWORD = 'lab-ca-password-7f3e';
let bench: LabBench;
let labServer: LabServer;
let background: Awaited<ReturnType<typeof startBackgroundChannel>>;
let switchAddress: string;
let mac: SimulatedMac;

beforeAll(async () => {
  const crlPort = await freeLoopbackPort();
  bench = await startLabBench({
    name: 'Acme Lab',
    caPassword: CA_PASSWORD,
    crlBaseUrl: `http://127.0.0.1:${crlPort}/crl`,
    makeExecutor: () => (mac = new SimulatedMac({ arch: 'arm64', rosetta: false, localHostName: 'MAC01' })),
  });
  labServer = await startLabServer({ dir: bench.labDir, httpPort: crlPort, switchPort: 0, caPassword: CA_PASSWORD });
  switchAddress = new URL(labServer.switchUrl).host;
  const bgCert = await issueServerCert(bench.lab, {
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    outDir: join(bench.work, 'bg'),
    caPassword: CA_PASSWORD,
  });
  background = await startBackgroundChannel(
    await readFile(bgCert.certPath, 'utf8'),
    await readFile(bgCert.keyPath, 'utf8'),
  );
});
afterAll(async () => {
  await background?.close();
  await labServer?.close();
  await bench?.close();
});

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

describe('a new setup with a lab CA, end to end', () => {
  it('installs, imports, starts and verifies all green against the real stand-ins, and downloads the report', async () => {
    const page = await openWizard(bench.browser, bench.server, { width: 900, height: 640 });
    // Welcome, CA certificates, and a client certificate from the lab CA made for this bench.
    await walkSetupWithLabCa(page, {
      mode: 'New setup',
      switchAddress,
      backgroundUrl: background.url,
      labDir: bench.labDir,
      caPassword: CA_PASSWORD,
    });

    // Install first: the identity's key is granted to the 1E Client's binary, so it must exist.
    await page.getByLabel('Installer file on this Mac').fill(bench.installer);
    // Back and forth keeps both what was chosen and what was typed.
    await page.getByRole('button', { name: 'Back' }).click();
    await h1(page).filter({ hasText: 'Client certificate' }).waitFor();
    expect(await page.getByText('CN=MAC01.local').count()).toBeGreaterThan(0);
    await continueTo(page, 'Install');
    expect(await page.getByLabel('Installer file on this Mac').inputValue()).toBe(bench.installer);
    await planInstallWith(page, bench.installer);
    const table = page.getByRole('table');
    expect(
      await table.getByRole('row', { name: new RegExp(`Switch .*${switchAddress.replace(/\./g, '\\.')}`) }).count(),
    ).toBe(1);
    expect(
      await page.getByText(/Not installed: the 1E Client is Intel code, so Rosetta is installed first/).count(),
    ).toBe(1);
    await applyInstall(page);
    await screenshot(page, 'full-new-setup-1-installed');
    await continueTo(page, 'Trust & identity');

    // Trust & identity: the plan with masked password, one Apply, then the client restarted to read it.
    const apply = page.getByRole('button', { name: 'Apply', exact: true });
    await apply.waitFor({ timeout: 30_000 });
    expect(await page.getByText(/security import .* -P •••• -T/).count()).toBe(1);
    expect(await page.getByText(/add-trusted-cert -d -r trustRoot/).count()).toBe(1);
    expect(await page.getByText('/bin/launchctl kickstart -k system/com.1e.pkg.1E.Client').count()).toBe(1);
    await screenshot(page, 'full-new-setup-2-trust-plan');
    await apply.click();
    await page
      .getByText(
        /The root CAs are trusted, and the CAs and this Mac's identity are in the System keychain \(5 changes made/,
      )
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'full-new-setup-3-trust-applied');
    // Going back to Install shows it done, not a plan to run again.
    await page.getByRole('button', { name: 'Back' }).click();
    await h1(page).filter({ hasText: 'Install' }).waitFor();
    expect(await page.getByRole('button', { name: 'Installed' }).isDisabled()).toBe(true);
    await continueTo(page, 'Trust & identity');
    expect(await page.getByRole('button', { name: 'Applied' }).isDisabled()).toBe(true);
    await continueTo(page, 'Verify');

    // Verify: every check against the real Switch stand-in, Background Channel and CRLs.
    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByText('All green', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.locator('.finding.fail').count()).toBe(0);
    expect(
      await page
        .getByText(/Switch/)
        .first()
        .isVisible(),
    ).toBe(true);
    await screenshot(page, 'full-new-setup-4-verified');

    // The report, downloaded as a technician would attach it to the ticket.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save the report (HTML)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^onboard-report-MAC01-.*\.html$/);
    const html = await readFile((await download.path())!, 'utf8');
    expect(html).toContain(switchAddress);
    expect(html).toContain('MAC01.local');
    expect(html).toMatch(/Trust the root CA/);
    expect(html).not.toContain(CA_PASSWORD);
    expect(html).not.toMatch(/PRIVATE KEY/);
    const [jsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save as JSON' }).click(),
    ]);
    const report = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as {
      verification: { ok: boolean; switchAnswer?: string };
      findings: { status: string }[];
      changes: { status: string }[];
    };
    expect(report.verification.ok).toBe(true);
    expect(report.verification.switchAnswer).toMatch(/101/);
    expect(report.findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(report.changes.filter((c) => c.status === 'done').length).toBeGreaterThanOrEqual(6);

    await continueTo(page, 'Summary');
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
