#!/usr/bin/env node
// Launcher for the compiled CLI (`npx nx build s2-analyze` first); the logic lives in src/main.ts.
'use strict';
const { main } = require('../dist/main.js');

process.exitCode = main(process.argv.slice(2));
