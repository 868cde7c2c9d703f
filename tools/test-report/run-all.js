#!/usr/bin/env node
// `npm test`: lint, typecheck and every project's tests (unit, integration and e2e against real Kafka and
// PostgreSQL), then one closing line with the totals over all test runs: `N passed, N failed, N skipped`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// What CI runs and `engines` asks for; on an older release jest and Nx would load every jest.config.ts another way.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 24) {
  console.error(`npm test needs Node.js 24, this is ${process.version}: run \`bash tools/node/node.sh exec npm test\``);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const root = path.join(__dirname, '../..');
const resultsDir = path.join(root, 'tmp/test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
};
const nx = path.join(root, 'node_modules/.bin/nx');
const extra = process.argv.slice(2);

// Lint and typecheck are cheap and parallel. On two cores jest runs a project's specs in band (its default is
// one worker less than the cores), and most of a spec's time is spent waiting on the broker, the database or a
// browser: two projects at a time share the one broker and database server and nearly halve the test phase
// (9 min 42 s → 5 min 40 s on 2 vCPUs). Only when both are given, though: else each project's global setup finds
// or starts its own (libs/testing), and two setups at once could each start a container.
const testsInParallel = process.env.KAFKA_BROKERS && process.env.DATABASE_URL ? 2 : 1;
const steps = [
  // Files no project's lint covers (JSON, workspace scripts) are held to the same formatter.
  ['format:check', '--all'],
  ['run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=stream', ...extra],
  ['run-many', '-t', 'test', `--parallel=${testsInParallel}`, '--outputStyle=stream', ...extra],
];
let status = 0;
for (const args of steps) {
  const run = spawnSync(nx, args, { cwd: root, stdio: 'inherit', env });
  if (run.status !== 0) status = run.status ?? 1;
}

const totals = { passed: 0, failed: 0, skipped: 0, failedSuites: 0 };
const reported = new Set();
for (const file of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : []) {
  const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  reported.add(r.project);
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped + r.todo;
  totals.failedSuites += r.failedSuites;
}
// A project whose jest died before running anything (a failed global setup, say) writes no summary:
// count it as a failure, or the totals would look clean.
const filter = extra.flatMap((a, i) =>
  a === '-p' || a === '--projects' ? ['--projects', extra[i + 1]] : a.startsWith('--projects=') ? [a] : [],
);
const listed = spawnSync(nx, ['show', 'projects', '--with-target', 'test', '--json', ...filter], {
  cwd: root,
  env,
  encoding: 'utf8',
});
const testProjects = JSON.parse(listed.stdout || '[]');
for (const project of testProjects.filter((p) => !reported.has(p))) {
  console.error(`project ${project} ran no tests (see its output above)`);
  totals.failedSuites += 1;
  status = status || 1;
}
if (reported.size === 0) {
  console.error('no test run reported results');
  status = status || 1;
}
if (totals.failedSuites > 0) {
  console.error(`${totals.failedSuites} test suite(s) failed to run`);
  status = status || 1;
}
console.log(`${totals.passed} passed, ${totals.failed + totals.failedSuites} failed, ${totals.skipped} skipped`);
process.exit(status);
