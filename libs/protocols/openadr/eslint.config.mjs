import baseConfig from '../../../eslint.config.mjs';

// The root boundary rule bans I/O packages but not Node's built-in I/O modules, so the lib adds its own
// guard: runtime code does no I/O and reads no clock (clocks are injected).
const ioBuiltins = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'child_process', 'worker_threads', 'cluster', 'timers', 'timers/promises', 'readline', 'inspector'];

export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/**/*.test-util.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'protocol libs do no I/O' })) }],
      'no-restricted-globals': ['error', ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({ name, message: 'clocks are injected' }))],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'clocks are injected' }, { object: 'performance', property: 'now', message: 'clocks are injected' }],
    },
  },
];
