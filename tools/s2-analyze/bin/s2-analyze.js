#!/usr/bin/env node
// Launcher for the compiled CLI (`npx nx build s2-analyze` first); the logic lives in src/main.ts.
'use strict';
const { main } = require('../dist/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Status 1 means "error findings" to the CI jobs that call us; a crash must not look like a verdict.
    process.stderr.write(`s2-analyze: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
