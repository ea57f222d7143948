// Specification: the awk program that merges 1E.Client.conf on the Mac gives exactly what the TypeScript twin (and so the simulated Mac) gives.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONF_MERGE_PROGRAM,
  confHoldsMerge,
  confSettingsFile,
  mergedConfText,
} from '../../../src/core/macos/conf-merge';

let dir: string;
let program: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onboard-conf-merge-'));
  program = join(dir, 'merge.awk');
  await writeFile(program, CONF_MERGE_PROGRAM);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function awk(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/awk',
      ['-f', program, ...args],
      { env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' }, timeout: 10_000 },
      (err, _stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr });
      },
    );
  });
}

let n = 0;
async function file(content: string): Promise<string> {
  const p = join(dir, `f${n++}`);
  await writeFile(p, content);
  return p;
}

/** Runs the real awk merge and returns the file it wrote. */
async function realMerge(settings: Record<string, string>, bases: (string | null)[]): Promise<string> {
  const s = await file(confSettingsFile(settings));
  const paths = await Promise.all(bases.map((b) => (b === null ? join(dir, `missing-${n++}`) : file(b))));
  const out = join(dir, `out${n++}`);
  const r = await awk(['merge', s, out, ...paths]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return readFile(out, 'utf8');
}

// A small deterministic generator: files with comments, odd spacing, repeated and unknown names, CRLF and no final newline.
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}
const NAMES = [
  'Switch',
  'switch',
  'BackgroundChannelUrl',
  'LoggingLevel',
  'LogPath',
  'AuthenticationPolicy',
  'Custom.Key',
  'Other_1',
];
const VALUES = [
  '',
  'x',
  'tachyon.acme.local:4000',
  'a=b=c',
  ' spaced ',
  'it\'s "$(id)" `x`',
  'ü ñ 東京',
  'https://h/B/?q=1&r=2',
];
function randomConf(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const lines: string[] = [];
  const count = Math.floor(r() * 9);
  for (let i = 0; i < count; i++) {
    const kind = r();
    if (kind < 0.15) lines.push(pick(['# comment', '; other comment', '  # indented = comment']));
    else if (kind < 0.25) lines.push(pick(['', '   ', 'not a setting', '=novalue']));
    else
      lines.push(
        `${pick(['', ' ', '\t'])}${pick(NAMES)}${pick(['', ' ', '\t '])}=${pick(['', ' ', '\t'])}${pick(VALUES)}${pick(['', ' '])}`,
      );
  }
  const eol = r() < 0.25 ? '\r\n' : '\n';
  const finalNewline = r() < 0.8;
  return lines.length === 0 ? '' : lines.join(eol) + (finalNewline ? eol : '');
}

describe('the 1E.Client.conf merge program, run by the real awk', () => {
  it("gives the same bytes as the planner's merge for 150 generated files", async () => {
    const r = rng(7);
    for (let i = 0; i < 150; i++) {
      const base = randomConf(r);
      const settings: Record<string, string> = {
        Switch: 'new.acme.local:4000',
        LoggingLevel: i % 2 ? 'debug' : 'Info',
      };
      if (i % 3 === 0) settings['Brand.New'] = "v'$x";
      expect(await realMerge(settings, [base]), JSON.stringify(base)).toBe(mergedConfText(base, settings));
    }
  });

  it('keeps comments, unknown settings and their order, and appends new names at the end', async () => {
    const before =
      '# 1E Client\nSwitch=old:4000\n  loggingLevel = Info\nUnknownKey=keep me\n; other comment\nLogPath=/Library/Logs/1E.Client.log\n';
    const out = await realMerge(
      { Switch: 'new.acme.local:4000', LoggingLevel: 'debug', BackgroundChannelUrl: "https://x/B?q='$(id)'" },
      [before],
    );
    expect(out).toBe(
      "# 1E Client\nSwitch=new.acme.local:4000\n  loggingLevel = debug\nUnknownKey=keep me\n; other comment\nLogPath=/Library/Logs/1E.Client.log\nBackgroundChannelUrl=https://x/B?q='$(id)'\n",
    );
  });

  it('merges into the first base file that exists, and into nothing when none does', async () => {
    const settings = { Switch: 's:1' };
    expect(await realMerge(settings, [null, 'LogPath=/x\n', 'Other=1\n'])).toBe('LogPath=/x\nSwitch=s:1\n');
    expect(await realMerge(settings, ['Kept=1\n', 'LogPath=/x\n'])).toBe('Kept=1\nSwitch=s:1\n');
    expect(await realMerge(settings, [null, null])).toBe('Switch=s:1\n');
    expect(mergedConfText(null, settings)).toBe('Switch=s:1\n');
  });

  it('keeps a CRLF file CRLF', async () => {
    expect(await realMerge({ Switch: 'n:1' }, ['Switch=o:1\r\nA=1\r\n'])).toBe('Switch=n:1\r\nA=1\r\n');
  });

  it('check answers "already done" exactly when the target holds the merge, as the twin says', async () => {
    const settings = { Switch: 'n:1', LoggingLevel: 'debug' };
    const s = await file(confSettingsFile(settings));
    const base = 'A=1\nSwitch=o:1\n';
    const merged = mergedConfText(base, settings);
    const cases: [string | null, string][] = [
      [merged, 'merged'],
      [merged.slice(0, -1), 'merged without its final newline'],
      [base, 'the base'],
      [null, 'missing'],
      [merged + 'Extra=1\n', 'merged plus a line'],
      ['', 'empty'],
    ];
    for (const [target, what] of cases) {
      const t = target === null ? join(dir, `missing-${n++}`) : await file(target);
      const real = await awk(['check', s, t, await file(base)]);
      expect(real.code === 0, what).toBe(confHoldsMerge(target, merged));
    }
    // The target is its own base once configured: a second run has nothing to do.
    const configured = await file(merged);
    expect((await awk(['check', s, configured, configured])).code).toBe(0);
  });

  it('refuses an unknown mode and an unreadable settings file, writing nothing', async () => {
    const out = join(dir, `out${n++}`);
    expect((await awk(['replace', await file('A=1\n'), out])).code).toBe(2);
    const r = await awk(['merge', join(dir, 'no-settings'), out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read');
    await expect(readFile(out)).rejects.toThrow();
  });
});

/** Apple's awk (awk-40, macOS 11-15) built for this machine, when it is here (see its README). */
const APPLE_AWK = [
  process.env.ONBOARD_MACOS_USERLAND,
  join(__dirname, '..', '..', '..', '..', 'shared', 'macos-userland', 'bin'),
  join(__dirname, '..', '..', '..', '..', '..', 'shared', 'macos-userland', 'bin'),
]
  .filter((d): d is string => !!d)
  .map((d) => join(d, 'awk'))
  .find((p) => existsSync(p));

describe("the merge under macOS's own awk", () => {
  if (!APPLE_AWK) it.skip("SKIPPED: macOS's awk is not at ../shared/macos-userland/bin", () => {});
  // A Latin-1 1E.Client.conf: bytes that are not UTF-8 made Apple's awk abort ("towc: multibyte
  // conversion failure", awk-40 src/tran.c#L545-560) in the UTF-8 locale sudo keeps.
  const latin1 = Buffer.from(
    '# Configur\xe9 par Fran\xe7ois\r\nSwitch = old:1\r\nOwner=M\xfcller\xa0\r\nswitch=dup:2\r\n',
    'latin1',
  );
  it.each(APPLE_AWK ? ['C.UTF-8', 'C'] : [])(
    "gives the planner's bytes for a Latin-1 file in the %s locale",
    async (locale) => {
      const settings = { Switch: 'tachyon.acme.local:4000', LoggingLevel: 'debug' };
      const s = await file(confSettingsFile(settings));
      const base = join(dir, `latin1-${n++}`);
      await writeFile(base, latin1);
      const out = join(dir, `out${n++}`);
      const r = await new Promise<{ code: number; stderr: string }>((done) =>
        execFile(APPLE_AWK!, ['-f', program, 'merge', s, out, base], { env: { LC_ALL: locale } }, (err, _o, stderr) =>
          done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const want = Buffer.from(mergedConfText(latin1.toString('latin1'), settings), 'latin1');
      expect((await readFile(out)).equals(want)).toBe(true);
    },
  );
});
