// The project's size rule: no tracked source, test, bench or script file over 450 lines, offenders named.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const LIMIT = 450;
const FOLDERS = ['src', 'renderer', 'test', 'bench', 'scripts'];
const KINDS = /\.(ts|tsx|mjs|css)$/;

/** Lines as `wc -l` and an editor count them: a last line without a newline still counts. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** The files over the limit, longest first, each as "path (N lines)". */
function oversized(files: readonly string[], base: string, limit: number): string[] {
  return files
    .map((file) => ({ file, lines: lineCount(readFileSync(join(base, file), 'utf8')) }))
    .filter((f) => f.lines > limit)
    .sort((a, b) => b.lines - a.lines)
    .map((f) => `${f.file} (${f.lines} lines)`);
}

/** What git tracks: files someone is still writing and has not added are not yet the project's. */
function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--', ...FOLDERS], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((f) => KINDS.test(f));
}

describe('file size', () => {
  it(`keeps every tracked .ts, .tsx, .mjs and .css file under ${FOLDERS.join(', ')} at ${LIMIT} lines or fewer`, () => {
    const files = trackedFiles();
    // A listing that found nothing would pass for the wrong reason: it must see this very file and the stylesheet.
    expect(files).toContain('test/unit/project/file-size.test.ts');
    expect(files).toContain('renderer/styles.css');
    const over = oversized(files, root, LIMIT);
    expect(over, `over ${LIMIT} lines, split by concern: ${over.join(', ')}`).toEqual([]);
  });

  it('counts lines as wc -l does and names each offender with its length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onboard-file-size-'));
    try {
      writeFileSync(join(dir, 'at-limit.ts'), 'x\n'.repeat(LIMIT));
      writeFileSync(join(dir, 'one-over.css'), 'x\n'.repeat(LIMIT) + 'y');
      writeFileSync(join(dir, 'far-over.mjs'), 'x\n'.repeat(LIMIT * 2));
      writeFileSync(join(dir, 'empty.tsx'), '');
      expect(oversized(['at-limit.ts', 'one-over.css', 'far-over.mjs', 'empty.tsx'], dir, LIMIT)).toEqual([
        `far-over.mjs (${LIMIT * 2} lines)`,
        `one-over.css (${LIMIT + 1} lines)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
