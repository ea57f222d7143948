import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { version } from '../../../src/core/version';

const root = join(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('the electron-builder configuration', () => {
  const config = JSON.parse(read('electron-builder.json'));

  it("is valid against electron-builder's own JSON schema", () => {
    const schema = JSON.parse(read('node_modules/app-builder-lib/scheme.json'));
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('builds a signed, hardened macOS dmg and zip, notarised only when Apple credentials are in the environment', () => {
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe('Onboard');
    expect(config.mac.target.map((t: { target: string }) => t.target).sort()).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    // `notarize: true` only enables the step; it runs when APPLE_* variables are set, and no credential is in the file.
    expect(config.mac.notarize).toBe(true);
    expect(JSON.stringify(config)).not.toMatch(/APPLE_ID|password|teamId/i);
  });

  it("asks for no entitlement beyond what Electron's JIT needs", () => {
    const plist = read(config.mac.entitlements);
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
  });

  it('packages the built app and turns off Electron fuses that would let it run arbitrary Node', () => {
    expect(config.files).toContain('dist/**/*');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('the package', () => {
  const pkg = JSON.parse(read('package.json'));

  it('keeps the version shown by the app and CLI in step with package.json', () => {
    expect(version).toBe(pkg.version);
  });

  it('installs the onboard command and builds it on npm ci', () => {
    expect(pkg.bin.onboard).toBe('bin/onboard.js');
    expect(pkg.scripts.prepare).toContain('build');
    expect(pkg.main).toBe('dist/src/main/main.js');
  });

  it("runs the README's test command in CI", () => {
    const ci = read('.ci/run');
    const readme = read('README.md');
    expect(readme).toContain('npm test');
    expect(ci.trim().split('\n').at(-1)).toBe('npm test');
  });
});
