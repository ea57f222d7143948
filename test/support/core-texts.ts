// Reads src/core's syntax and collects every text a technician may read from an error or a 1E requirement finding:
// the message and hint of each `new OnboardError(...)` and `fail(...)`, the detail and fix of each requirement
// `finding(...)`, and every `hint:` written as data. A name is followed to the constant or default parameter that
// gives its value (in the same file, or the file it is imported from), so a hint kept in a constant is read too;
// text computed at run time (an errno, a file name) is not a literal and is not read.
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface CoreText {
  /** Where it is written, e.g. src/core/fsutil.ts:54. */
  at: string;
  kind: 'message' | 'hint' | 'detail' | 'fix';
  /** The literal pieces of the expression (a template's fixed parts; both branches of a condition). */
  parts: string[];
}

const PROJECT = join(__dirname, '..', '..');

interface Parsed {
  sf: ts.SourceFile;
  /** Every initialised variable or parameter of the file by name (a name used twice keeps both values). */
  values: Map<string, ts.Expression[]>;
  /** Imported names: local name → [file, exported name]. */
  imports: Map<string, [string, string]>;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function parse(file: string): Parsed {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const values = new Map<string, ts.Expression[]>();
  const imports = new Map<string, [string, string]>();
  const visit = (n: ts.Node): void => {
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n)) && ts.isIdentifier(n.name) && n.initializer)
      values.set(n.name.text, [...(values.get(n.name.text) ?? []), n.initializer]);
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith('.')) {
      const from = resolve(dirname(file), n.moduleSpecifier.text);
      const target = [`${from}.ts`, join(from, 'index.ts')].find((f) => ts.sys.fileExists(f)) ?? `${from}.ts`;
      const named = n.importClause?.namedBindings;
      if (named && ts.isNamedImports(named))
        for (const el of named.elements) imports.set(el.name.text, [target, (el.propertyName ?? el.name).text]);
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return { sf, values, imports };
}

/** The texts of `root`/src/core (this project's by default; a test plants a small tree of its own elsewhere). */
/** Values that are text, or choose or join texts: what a constant or a default parameter holding a hint looks like. */
function textLike(v: ts.Expression): boolean {
  return (
    ts.isStringLiteralLike(v) ||
    ts.isTemplateExpression(v) ||
    ts.isConditionalExpression(v) ||
    ts.isBinaryExpression(v) ||
    ts.isParenthesizedExpression(v) ||
    ts.isIdentifier(v) ||
    ts.isObjectLiteralExpression(v) ||
    ts.isAsExpression(v)
  );
}

export function coreTexts(root = PROJECT): CoreText[] {
  const parsed = new Map(tsFiles(join(root, 'src', 'core')).map((f) => [f, parse(f)]));
  const out: CoreText[] = [];

  /** The literal pieces of an expression, following names to their values (not too deep: names can be cyclic). */
  const parts = (p: Parsed, node: ts.Node, depth = 0): string[] => {
    if (ts.isStringLiteralLike(node)) return [node.text];
    if (ts.isTemplateExpression(node))
      return [node.head.text, ...node.templateSpans.flatMap((s) => [s.literal.text, ...parts(p, s.expression, depth)])];
    if (ts.isIdentifier(node)) {
      if (depth > 4) return [];
      const own = p.values.get(node.text);
      if (own) return own.filter(textLike).flatMap((v) => parts(p, v, depth + 1));
      const imported = p.imports.get(node.text);
      const there = imported && parsed.get(imported[0]);
      return there
        ? (there.values.get(imported[1]) ?? []).filter(textLike).flatMap((v) => parts(there, v, depth + 1))
        : [];
    }
    // A property's object and a function are not the text; a call's arguments may be (`describeError(e)` is not).
    if (ts.isPropertyAccessExpression(node)) return [];
    if (ts.isCallExpression(node)) return node.arguments.flatMap((a) => parts(p, a, depth));
    const found: string[] = [];
    node.forEachChild((child) => {
      found.push(...parts(p, child, depth));
    });
    return found;
  };

  /** True when `name` in this file is the one exported by `file` (or this is that file). */
  const isFrom = (p: Parsed, name: string, file: string) =>
    p.sf.fileName === join(root, file) || p.imports.get(name)?.[0] === join(root, file);

  for (const p of parsed.values()) {
    const where = (n: ts.Node) =>
      `${relative(root, p.sf.fileName)}:${p.sf.getLineAndCharacterOfPosition(n.getStart(p.sf)).line + 1}`;
    const add = (n: ts.Node, kind: CoreText['kind'], arg: ts.Expression | undefined) => {
      if (arg) out.push({ at: where(n), kind, parts: parts(p, arg) });
    };
    const visit = (n: ts.Node): void => {
      if (
        (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
        ts.isIdentifier(n.expression) &&
        ((ts.isNewExpression(n) && n.expression.text === 'OnboardError') ||
          (ts.isCallExpression(n) && n.expression.text === 'fail')) &&
        isFrom(p, n.expression.text, 'src/core/errors.ts')
      ) {
        add(n, 'message', n.arguments?.[1]);
        add(n, 'hint', n.arguments?.[2]);
      }
      if (
        ts.isCallExpression(n) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'finding' &&
        isFrom(p, 'finding', 'src/core/pki/requirement-findings.ts')
      ) {
        add(n, 'detail', n.arguments[2]);
        add(n, 'fix', n.arguments[3]);
      }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'hint')
        add(n, 'hint', n.initializer);
      n.forEachChild(visit);
    };
    visit(p.sf);
  }
  return out;
}
