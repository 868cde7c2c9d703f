import nx from '@nx/eslint-plugin';

// Forbidden in pure code: anything that does I/O. type:protocol and type:contracts must stay testable
// without a network, a disk or a clock-driven timer.
const ioModules = [
  'ws', 'express', 'kafkajs', 'pg', 'pino', 'prom-client', 'testcontainers',
  '@electric-sql/pglite', '@electric-sql/pglite-socket',
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http',
  'https', 'node:https', 'http2', 'node:http2', 'tls', 'node:tls', 'dgram', 'node:dgram',
  'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads',
];

// DESIGN.md "Dependency rules". `testing` lists what tests may use on top of production code.
function depConstraints({ testing }) {
  const withTesting = (tags) => (testing ? [...tags, 'type:testing'] : tags);
  // Pure libs' own tests may read fixtures and run external validators (xmllint) beside the code under test.
  const pure = testing ? {} : { bannedExternalImports: ioModules };
  return [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: withTesting(['type:protocol', 'type:contracts', 'type:platform']) },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:protocol', 'type:contracts', 'type:platform', 'type:testing'] },
    { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: ['type:protocol'], ...pure },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], ...pure },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: withTesting(['type:platform', 'type:contracts']) },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:app', 'type:protocol', 'type:contracts', 'type:platform', 'type:testing'] },
    // An app uses its own scope's protocol lib; shared libs are open to all.
    { sourceTag: 'scope:openadr', onlyDependOnLibsWithTags: ['scope:openadr', 'scope:shared'] },
    { sourceTag: 'scope:powermatcher', onlyDependOnLibsWithTags: ['scope:powermatcher', 'scope:shared'] },
    { sourceTag: 'scope:s2', onlyDependOnLibsWithTags: ['scope:s2', 'scope:shared'] },
    { sourceTag: 'scope:p2p', onlyDependOnLibsWithTags: ['scope:p2p', 'scope:shared'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:openadr', 'scope:powermatcher', 'scope:s2', 'scope:p2p'] },
  ];
}

const boundaries = (testing) => [
  'error',
  { enforceBuildableLibDependency: true, banTransitiveDependencies: true, allow: [], depConstraints: depConstraints({ testing }) },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/target', '**/tmp', '**/.data'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs'],
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
