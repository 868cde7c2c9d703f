// Shared jest settings for every project. Sources are run through ts-jest in transpile-only mode
// (isolatedModules): type errors are the typecheck target's job, and transpiling alone keeps test
// start-up fast on two cores.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  // Resolve workspace libs to their TypeScript sources, as tsc does through customConditions.
  testEnvironmentOptions: { customExportConditions: ['@flexgrid/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  reporters: ['default', path.join(__dirname, 'tools/test-report/jest-reporter.js')],
  // Integration tests talk to a real broker and database; they need more than jest's 5 s default.
  testTimeout: 60_000,
};
