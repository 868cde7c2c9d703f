// Writes one summary file per jest run into tmp/test-results/, so `npm test` can print the totals of
// every project's run on one line: Nx runs each project's jest separately and prints no grand total.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const RESULTS_DIR = path.join(__dirname, '../../tmp/test-results');

class SummaryFileReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(contexts, results) {
    const project = [...contexts][0]?.config.displayName?.name ?? path.basename(this.globalConfig.rootDir);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const summary = {
      project,
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests,
      todo: results.numTodoTests,
      // A suite that failed to load (a syntax error, a throwing import) has no failed test but is a failure.
      failedSuites: results.numRuntimeErrorTestSuites,
      success: results.success,
    };
    fs.writeFileSync(path.join(RESULTS_DIR, `${project}-${process.pid}.json`), JSON.stringify(summary));
  }
}

module.exports = SummaryFileReporter;
