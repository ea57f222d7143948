// The command line's advice: every code it has advice for exists, each entry says it with the CLI's options and
// verbs, and the CLI prints it where it prints an error or a finding's fix.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES, OnboardError, type ErrorCode } from '../../../src/core/errors';
import { FIX_CODES, type Finding, type FixCode } from '../../../src/core/pki/requirements';
import { CLI_ADVICE, CLI_FIXES, cliError, cliFinding } from '../../../src/cli/advice';
import { main } from '../../../src/cli/main';
import { runInMemory } from '../../support/cli-io';
import { commandLineSyntax } from '../../support/front-end-words';
import { makeTestPki, type TestPki } from '../../support/openssl';

/** For each code with CLI advice, details such as the core gives, so every entry's words can be seen. */
const DETAILS: Record<string, Record<string, string>> = {
  'bad-serial': { serial: 'XYZ', source: 'lab' },
  'lab-intermediate-not-revoked': { dir: '/tmp/lab', serial: '1a' },
  'lab-issuer-revoked': { issuer: 'CN=Lab Issuing CA', serial: '1a', revokedAt: '2026-01-01', dir: '/tmp/lab' },
  'not-a-lab': { dir: '/tmp/x', reason: 'not-a-lab' },
};

describe('the CLI advice table', () => {
  it('has advice only for codes that exist', () => {
    expect(Object.keys(CLI_ADVICE).filter((c) => !ERROR_CODES.includes(c as ErrorCode))).toEqual([]);
    expect(Object.keys(CLI_FIXES).filter((c) => !FIX_CODES.includes(c as FixCode))).toEqual([]);
  });

  it('says each piece of advice with an option or a verb, keeping the code', () => {
    for (const code of Object.keys(CLI_ADVICE) as ErrorCode[]) {
      const e = new OnboardError(code, 'Something is wrong.', 'Do the neutral thing.', DETAILS[code]);
      const said = cliError(e);
      expect({ code, syntax: commandLineSyntax(`${said.message} ${said.hint}`) !== null }).toEqual({
        code,
        syntax: true,
      });
    }
    for (const fixCode of FIX_CODES) {
      const f: Finding = {
        id: 'x',
        status: 'fail',
        title: 't',
        detail: 'd',
        fix: 'Do it.',
        fixCode,
        details: { issuer: 'CN=I' },
      };
      expect({ fixCode, syntax: commandLineSyntax(cliFinding(f).fix) !== null }).toEqual({ fixCode, syntax: true });
    }
  });

  it("keeps the core's words where the CLI has nothing to add, or a detail it needs is missing", () => {
    const plain = new OnboardError('pfx-wrong-password', 'The password does not open this .pfx file.', 'Check it.');
    expect(cliError(plain)).toEqual({ message: plain.message, hint: plain.hint });
    const bare = new OnboardError('lab-intermediate-not-revoked', 'Not revoked.', 'Revoke it first.');
    expect(cliError(bare).hint).toBe('Revoke it first.');
  });

  it('prints a finding as the documented JSON shape, with the fix in its own words', () => {
    const f: Finding = {
      id: 'subject-hostname',
      status: 'fail',
      title: 't',
      detail: 'd',
      fix: 'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local".',
      fixCode: 'request-for-hostname',
      details: { hostname: 'MAC01.local' },
    };
    expect(cliFinding(f)).toEqual({
      id: 'subject-hostname',
      status: 'fail',
      title: 't',
      detail: 'd',
      fix: 'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local"; check the host name with `scutil --get LocalHostName` (add .local).',
    });
  });
});

describe('the CLI prints its advice', () => {
  let dir: string;
  let pki: TestPki;
  const env = { PW: 'Corr3ct-Horse!' };
  const cli = (argv: string[]) => runInMemory(main, argv, env, { cwd: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onboard-advice-'));
    pki = await makeTestPki({ name: 'Advice' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await pki?.cleanup();
  });

  it('for an error, on the line under its message', async () => {
    const r = await cli(['lab', 'issue', '--dir', '.', '--hostname', 'MAC01.local', '--ca-password-env', 'PW']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^onboard lab: .* is not an Onboard lab directory .*\n {2}Give the folder made by `onboard lab init`, or create one with it\.\n$/,
    );
  });

  it("for an existing output, adding the option that replaces it to the core's hint", async () => {
    await writeFile(join(dir, 'taken.key'), 'x');
    const r = await cli(['csr', '--hostname', 'MAC01.local', '--out-key', 'taken.key', '--out-csr', 'new.csr']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('taken.key already exists.\n  Choose another name, or pass --force to replace it.\n');
  });

  it("for a finding's fix, in the text and in the JSON", async () => {
    const device = await pki.root.issue('other', { cn: 'other.local' });
    const args = ['check', '--cert', device.certPath, '--hostname', 'MAC01.local'];
    const text = await cli(args);
    expect(text.out).toContain(
      'Fix: Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local"; check the host name with `scutil --get LocalHostName` (add .local).',
    );
    expect(text.out).toContain('Fix: Pass the CA certificates (root and intermediates) with --ca FILE');
    const json = JSON.parse((await cli([...args, '--json'])).out) as { findings: Finding[] };
    const host = json.findings.find((f) => f.id === 'subject-hostname')!;
    // The fix code and its parameters stay inside; the 1E document a requirement comes from is part of the JSON.
    expect(Object.keys(host)).toEqual(['id', 'status', 'title', 'detail', 'fix', 'source']);
    expect(host.fix).toContain('`scutil --get LocalHostName`');
  });
});
