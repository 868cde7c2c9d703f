#!/usr/bin/env node
// Launcher for the compiled simulators (`npx nx build simulators` first); the logic lives in src/cli.ts.
'use strict';
const { main } = require('../dist/cli.js');

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`flexgrid-sim: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
