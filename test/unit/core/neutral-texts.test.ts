// The core speaks to every front end: no error message or hint, and no 1E requirement's detail or fix, names a
// command-line option, an `onboard` verb, or a wizard step or button. Read from the source, so a path no test
// exercises is held to it too; the front ends' own words live in src/cli/advice.ts and renderer/ui/advice.ts.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreTexts, type CoreText } from '../../support/core-texts';
import { commandLineSyntax, wizardWords } from '../../support/front-end-words';

function offenders(texts: CoreText[]): string[] {
  return texts.flatMap((t) =>
    t.parts.flatMap((text) => {
      const word = commandLineSyntax(text) ?? wizardWords(text);
      return word ? [`${t.at} (${t.kind}): ${word} in "${text}"`] : [];
    }),
  );
}

const planted = mkdtempSync(join(tmpdir(), 'onboard-neutral-'));
afterAll(() => rmSync(planted, { recursive: true, force: true }));

describe("the core's words", () => {
  it('name no option, no verb, no step and no button', () => {
    const texts = coreTexts();
    // Every kind of text is read (a scan that finds nothing to read would pass for the wrong reason).
    expect(texts.length).toBeGreaterThan(250);
    expect(new Set(texts.map((t) => t.kind))).toEqual(new Set(['message', 'hint', 'detail', 'fix']));
    expect(offenders(texts)).toEqual([]);
  }, 30_000); // parses every file of src/core: a few seconds on a busy machine

  it('are read wherever a hint may hide: literals, templates, constants, imports, defaults, fixes, data', () => {
    const core = join(planted, 'src', 'core');
    mkdirSync(join(core, 'pki'), { recursive: true });
    const file = (name: string, text: string) => writeFileSync(join(core, name), text);
    file('errors.ts', 'export class OnboardError extends Error {}\nexport function fail(): never { throw 0; }\n');
    file('hints.ts', "export const SHARED = 'Give the password with --password-env VAR.';\n");
    file('pki/requirement-findings.ts', 'export function finding(...a: unknown[]) { return a; }\n');
    file(
      'a.ts',
      [
        "import { OnboardError, fail } from './errors';",
        "import { SHARED } from './hints';",
        "import { finding } from './pki/requirement-findings';",
        "const LOCAL = 'Run `onboard lab crl` first.';",
        "export function f(dir: string, hint = 'Open it on the Client certificate step.') {",
        "  if (dir) throw new OnboardError('x', `${dir} is bad`, `Pass --dir ${dir}.`);",
        "  if (!dir) fail('x', 'Bad.', LOCAL);",
        "  if (dir === '') throw new OnboardError('x', 'Bad.', SHARED);",
        "  if (dir === '.') throw new OnboardError('x', 'Bad.', hint);",
        "  return [finding('id', 'fail', 'd', { text: 'Pass it with --ca.', code: 'c' }), { hint: 'Click the Save button.' }];",
        '}',
      ].join('\n'),
    );
    expect(offenders(coreTexts(planted)).map((o) => o.replace(/ in ".*/, ''))).toEqual([
      'src/core/a.ts:6 (hint): --dir',
      'src/core/a.ts:7 (hint): `onboard lab crl`',
      'src/core/a.ts:8 (hint): --password-env',
      'src/core/a.ts:9 (hint): Client certificate step',
      'src/core/a.ts:10 (fix): --ca',
      'src/core/a.ts:10 (hint): button',
    ]);
  });

  it('are told apart from the commands Onboard runs and the words of other programs', () => {
    expect(commandLineSyntax('Export it again with OpenSSL (`openssl pkcs12 -export`).')).toBeNull();
    expect(commandLineSyntax('Onboard imports its own macOS-compatible copy -- nothing to do.')).toBeNull();
    expect(commandLineSyntax('Make the request again (onboard csr).')).toBe('onboard csr');
    expect(wizardWords('Run the step again and enter an administrator name and password when macOS asks.')).toBeNull();
  });
});
