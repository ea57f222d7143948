#!/usr/bin/env node
'use strict';
// The `onboard` command. The code lives in dist/, built by `npm run build` (run by `npm ci` via prepare).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('onboard: not built yet. Run `npm run build` in ' + join(__dirname, '..') + ' and try again.\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
