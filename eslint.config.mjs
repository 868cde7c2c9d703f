import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';

// Packages forbidden in pure code: anything that does I/O. type:protocol and type:contracts must stay
// testable without a network, a disk or a clock-driven timer. Node's built-ins: see pureSource below.
const ioModules = [
  'ws',
  'express',
  'kafkajs',
  'pg',
  'pino',
  'prom-client',
  'testcontainers',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'xmllint-wasm',
];

// DESIGN.md "Dependency rules". `testing` lists what tests may use on top of production code.
function depConstraints({ testing }) {
  const withTesting = (tags) => (testing ? [...tags, 'type:testing'] : tags);
  // Pure libs' own tests may read fixtures and run external validators (xmllint) beside the code under test.
  const pure = testing ? {} : { bannedExternalImports: ioModules };
  return [
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: withTesting([
        'type:protocol',
        'type:contracts',
        'type:platform',
        'type:ui',
        'type:client',
        'type:service',
      ]),
    },
    {
      sourceTag: 'type:e2e',
      onlyDependOnLibsWithTags: ['type:protocol', 'type:contracts', 'type:platform', 'type:client', 'type:testing'],
    },
    // A protocol's client over the network (an agent SDK for device makers): its protocol lib and sockets.
    { sourceTag: 'type:client', onlyDependOnLibsWithTags: withTesting(['type:protocol', 'type:client']) },
    { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: withTesting(['type:protocol']), ...pure },
    {
      sourceTag: 'type:contracts',
      // Its tests check the protocol libs' records against the catalog (DESIGN.md "records"); its source imports none.
      onlyDependOnLibsWithTags: testing ? ['type:contracts', 'type:protocol', 'type:testing'] : ['type:contracts'],
      ...pure,
    },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: withTesting(['type:platform', 'type:contracts']) },
    // I/O shared by the apps of one scope (the P2P producer and grid): its protocol lib over the platform.
    {
      sourceTag: 'type:service',
      onlyDependOnLibsWithTags: withTesting(['type:service', 'type:protocol', 'type:contracts', 'type:platform']),
    },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing'] },
    // Browser code: talks to its own service over HTTP only. Its tests may serve a page with the platform.
    {
      sourceTag: 'type:ui',
      onlyDependOnLibsWithTags: testing ? ['type:ui', 'type:platform', 'type:testing'] : ['type:ui'],
      ...(testing ? {} : { bannedExternalImports: ioModules }),
    },
    {
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: [
        'type:tool',
        'type:app',
        'type:client',
        'type:protocol',
        'type:contracts',
        'type:platform',
        'type:service',
        'type:testing',
      ],
    },
    // An app uses its own scope's protocol lib; shared libs are open to all.
    { sourceTag: 'scope:openadr', onlyDependOnLibsWithTags: ['scope:openadr', 'scope:shared'] },
    { sourceTag: 'scope:powermatcher', onlyDependOnLibsWithTags: ['scope:powermatcher', 'scope:shared'] },
    { sourceTag: 'scope:s2', onlyDependOnLibsWithTags: ['scope:s2', 'scope:shared'] },
    { sourceTag: 'scope:p2p', onlyDependOnLibsWithTags: ['scope:p2p', 'scope:shared'] },
    {
      sourceTag: 'scope:shared',
      onlyDependOnLibsWithTags: ['scope:shared', 'scope:openadr', 'scope:powermatcher', 'scope:s2', 'scope:p2p'],
    },
  ];
}

const boundaries = (testing) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    allow: [],
    depConstraints: depConstraints({ testing }),
  },
];

/**
 * For the source of a pure lib (type:protocol, type:contracts), added by its own eslint.config.mjs: the
 * boundary rule above sees only packages, not Node's built-in I/O modules, and a pure lib reads no clock
 * either (clocks are injected). Its tests may do both.
 */
const ioBuiltins = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'child_process',
  'worker_threads',
  'cluster',
  'timers',
  'timers/promises',
  'readline',
  'inspector',
];
export const pureSource = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/**/*.test-util.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'pure libs do no I/O' })),
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
          name,
          message: 'clocks are injected',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'clocks are injected' },
        { object: 'performance', property: 'now', message: 'clocks are injected' },
      ],
    },
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  // One formatter (.prettierrc.json): an unformatted file fails lint; `npx prettier --write .` fixes it.
  prettierRecommended,
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/target', '**/tmp', '**/.data'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.cjs'],
    ignores: ['**/eslint.config.mjs', '**/jest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(false) },
  },
  {
    files: ['**/*.spec.ts', '**/*.test-util.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': boundaries(true),
    },
  },
];
