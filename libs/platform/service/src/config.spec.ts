import { spawnSync } from 'node:child_process';
import { ConfigError, type ConfigOf, defineConfig, env, loadConfig } from './index';

const schema = defineConfig({
  port: env.port('PORT', { default: 8080 }),
  databaseUrl: env.url('DATABASE_URL', { optional: true, protocols: ['postgres:', 'postgresql:'] }),
  logLevel: env.enum('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], { default: 'info' }),
  brokers: env.list('KAFKA_BROKERS', { optional: true }),
  adminToken: env.secret('ADMIN_TOKEN', { optional: true, minLength: 16 }),
  gridId: env.string('GRID_ID'),
  intervalMs: env.int('INTERVAL_MS', { default: 900_000, min: 1_000 }),
  tls: env.boolean('TLS', { default: false }),
});

type Config = ConfigOf<typeof schema>;

/** true when A and B are the same type, false otherwise (also for `any`). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('config from the environment', () => {
  it('infers each value type from its variable', () => {
    // Compiles only while every inferred type is exactly the one expected.
    const inferred: { [K in keyof Config]: true } = {
      port: true satisfies Same<Config['port'], number>,
      databaseUrl: true satisfies Same<Config['databaseUrl'], string | undefined>,
      logLevel: true satisfies Same<Config['logLevel'], 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>,
      brokers: true satisfies Same<Config['brokers'], string[] | undefined>,
      adminToken: true satisfies Same<Config['adminToken'], string | undefined>,
      gridId: true satisfies Same<Config['gridId'], string>,
      intervalMs: true satisfies Same<Config['intervalMs'], number>,
      tls: true satisfies Same<Config['tls'], boolean>,
    };
    expect(Object.keys(inferred)).toEqual(Object.keys(schema));
  });

  it('reads valid values and fills in defaults', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://flexgrid:pw@db:5432/grid',
      KAFKA_BROKERS: 'k1:9092, k2:9092,',
      ADMIN_TOKEN: ' 0123456789abcdef\n',
      GRID_ID: 'grid-1',
      TLS: 'yes',
      LOG_LEVEL: '',
    });
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://flexgrid:pw@db:5432/grid',
      logLevel: 'info',
      brokers: ['k1:9092', 'k2:9092'],
      adminToken: '0123456789abcdef',
      gridId: 'grid-1',
      intervalMs: 900_000,
      tls: true,
    });
  });

  it('collects every bad variable into one error that names the value and what was expected', () => {
    const error = catchConfigError(() =>
      loadConfig(schema, {
        PORT: '80a',
        DATABASE_URL: 'mysql://root:hunter2@db/grid',
        LOG_LEVEL: 'loud',
        INTERVAL_MS: '5',
        TLS: 'maybe',
      }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'GRID_ID',
      'INTERVAL_MS',
      'TLS',
    ]);
    expect(error.message).toBe(
      [
        'Invalid configuration (6 problems):',
        '  - PORT="80a" is invalid; expected a TCP port (an integer from 0 to 65535)',
        '  - DATABASE_URL="mysql://root:***@db/grid" is invalid; expected an absolute URL with scheme postgres: or postgresql:',
        '  - LOG_LEVEL="loud" is invalid; expected one of fatal, error, warn, info, debug, trace',
        '  - GRID_ID is not set; expected a non-empty string',
        '  - INTERVAL_MS="5" is invalid; expected an integer of at least 1000',
        '  - TLS="maybe" is invalid; expected true or false (also 1/0, yes/no)',
      ].join('\n'),
    );
  });

  it('holds a string or a secret to its pattern, and shows the pattern but never the secret', () => {
    const patterned = defineConfig({
      id: env.string('METER_ID', { pattern: /^[A-Z0-9]{8,}$/ }),
      key: env.secret('SIDE_KEY', { minLength: 16, pattern: /^[A-Za-z0-9_-]+$/ }),
    });
    expect(loadConfig(patterned, { METER_ID: 'FLAT00001', SIDE_KEY: 'side-key-0000000001' })).toEqual({
      id: 'FLAT00001',
      key: 'side-key-0000000001',
    });
    const error = catchConfigError(() => loadConfig(patterned, { METER_ID: 'ab', SIDE_KEY: 'has spaces in it, long' }));
    expect(error.message).toBe(
      [
        'Invalid configuration (2 problems):',
        '  - METER_ID="ab" is invalid; expected a string matching /^[A-Z0-9]{8,}$/',
        '  - SIDE_KEY=(secret, not shown) is invalid; expected a secret of at least 16 characters matching /^[A-Za-z0-9_-]+$/',
      ].join('\n'),
    );
  });

  it('never prints the value of a secret', () => {
    const error = catchConfigError(() => loadConfig(schema, { GRID_ID: 'g', ADMIN_TOKEN: 'too-short-token' }));
    expect(error.message).toBe(
      'Invalid configuration (1 problem):\n  - ADMIN_TOKEN=(secret, not shown) is invalid; expected a secret of at least 16 characters',
    );
    expect(error.message).not.toContain('too-short');
  });

  it('loadConfigOrExit prints the message to stderr and exits with code 1', () => {
    const script = `
      const { defineConfig, env, loadConfigOrExit } = require(${JSON.stringify(require.resolve('./config'))});
      loadConfigOrExit(defineConfig({ port: env.port('PORT'), token: env.secret('ADMIN_TOKEN', { minLength: 32 }) }));
      console.log('started anyway');
    `;
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      env: { ...process.env, PORT: '99999', ADMIN_TOKEN: 'swordfish' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe(
      'Invalid configuration (2 problems):\n' +
        '  - PORT="99999" is invalid; expected a TCP port (an integer from 0 to 65535)\n' +
        '  - ADMIN_TOKEN=(secret, not shown) is invalid; expected a secret of at least 32 characters\n',
    );
  });
});

function catchConfigError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
