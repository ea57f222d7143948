#!/usr/bin/env node
'use strict';
// The `onboard` command. The code lives in dist/, built by `npm run build` (run by `npm ci` via prepare).
const { existsSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const args = process.argv.slice(2);

/**
 * `onboard --version` needs only the version, so it is answered here, before the dispatcher and Node's stream
 * modules load (a third of the command's time beyond Node's own start-up). Any trouble writing it (a closed pipe,
 * a full disk) goes to the dispatcher, which prints the same line and reports such trouble as for every verb.
 */
function versionAnswered() {
  if (args.length !== 1 || (args[0] !== '--version' && args[0] !== '-v')) return false;
  try {
    writeSync(1, require('../package.json').version + '\n');
    return true;
  } catch {
    return false;
  }
}

if (!versionAnswered()) {
  const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) {
    process.stderr.write(
      'onboard: not built yet. Run `npm run build` in ' + join(__dirname, '..') + ' and try again.\n',
    );
    process.exit(2);
  }
  require(entry)
    .main(args)
    .then((code) => {
      process.exitCode = code;
    });
}
