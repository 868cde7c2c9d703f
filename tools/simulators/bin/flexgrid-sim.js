#!/usr/bin/env -S node --disable-warning=TimeoutNegativeWarning
// Launcher for the compiled simulators (`npx nx build simulators` first); the logic lives in src/cli.ts. kafkajs
// sets negative timeouts that Node has always clamped to 1 ms (kafkajs#1751): its warning says nothing to a user.
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
