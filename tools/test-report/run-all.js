#!/usr/bin/env node
// `npm test`: lint, typecheck and every project's tests (unit, integration and e2e against real Kafka and
// PostgreSQL), then one closing line with the totals over all test runs: `N passed, N failed, N skipped`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '../..');
const resultsDir = path.join(root, 'tmp/test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
const nx = path.join(root, 'node_modules/.bin/nx');
const extra = process.argv.slice(2);

// Lint and typecheck are cheap and parallel; tests share one broker and one database server on two cores,
// so projects run one at a time and each jest spreads over the cores itself.
const steps = [
  ['run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=stream', ...extra],
  ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream', ...extra],
];
let status = 0;
for (const args of steps) {
  const run = spawnSync(nx, args, { cwd: root, stdio: 'inherit', env });
  if (run.status !== 0) status = run.status ?? 1;
}

const totals = { passed: 0, failed: 0, skipped: 0, failedSuites: 0, runs: 0 };
for (const file of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : []) {
  const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  totals.runs += 1;
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped + r.todo;
  totals.failedSuites += r.failedSuites;
}
if (totals.runs === 0) {
  console.error('no test run reported results');
  status = status || 1;
}
if (totals.failedSuites > 0) {
  console.error(`${totals.failedSuites} test suite(s) failed to run`);
  status = status || 1;
}
console.log(`${totals.passed} passed, ${totals.failed + totals.failedSuites} failed, ${totals.skipped} skipped`);
process.exit(status);
