// A stand-in program that answers as the simulated Mac (kept in a JSON file between calls), so generated sh runs against macOS 11+'s keychain and trust rules.
// Bundled by the test (esbuild) and called by a recording wrapper as: node BUNDLE STATE-FILE PROGRAM ARGS...
// The caller is root in the Mac's session (`sudo /bin/sh script` typed in Terminal keeps the
// audit session: see SimulatedMac.asRoot). STATE-FILE.approve holding "no" makes the person at
// the Mac cancel every trust dialog; each dialog shown is appended to STATE-FILE.dialogs.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SimulatedMac } from '../../../src/core/macos/executors/simulated';

async function main(): Promise<number> {
  const [stateFile, program, ...args] = process.argv.slice(2);
  if (!stateFile || !program) {
    process.stderr.write('usage: sim-standin STATE-FILE PROGRAM ARGS...\n');
    return 2;
  }
  const mac = SimulatedMac.fromJSON(JSON.parse(readFileSync(stateFile, 'utf8')));
  const approve = `${stateFile}.approve`;
  mac.grantTrustDialogs = !(existsSync(approve) && readFileSync(approve, 'utf8').trim() === 'no');
  const r = await mac.asRoot().run({ program, args });
  writeFileSync(stateFile, JSON.stringify(mac.toJSON()));
  for (const d of mac.snapshot().trustDialogs) appendFileSync(`${stateFile}.dialogs`, JSON.stringify(d) + '\n');
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sim-standin: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
