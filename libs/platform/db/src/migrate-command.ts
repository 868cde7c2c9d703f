import {
  ConfigError,
  createLogger,
  defineConfig,
  env,
  loadConfig,
  type LoggerOptions,
  logLevels,
} from '@flexgrid/platform-service';
import type pg from 'pg';
import { openDatabase } from './database';
import { loadMigrations, migrate, type MigrationResult } from './migrations';
import { outboxMigrations } from './outbox';

/** Everything an app migrates: its start and its `migrate` command both run exactly this. */
export interface AppMigrations {
  /** The app's migration set in flexgrid_migrations (its service name). */
  app: string;
  /** Where its NNNN_name.sql files are. */
  directory: string;
  /** It writes through the transactional outbox, whose tables (set `platform`) come first. */
  outbox: boolean;
}

/** Applies the outbox's migrations when the app uses it, then the app's own; each set under its advisory lock. */
export async function migrateApp(pool: pg.Pool, migrations: AppMigrations): Promise<MigrationResult> {
  const none: MigrationResult = { applied: [], alreadyApplied: 0 };
  const platform = migrations.outbox ? await migrate(pool, 'platform', outboxMigrations) : none;
  const own = await migrate(pool, migrations.app, await loadMigrations(migrations.directory));
  return {
    applied: [...platform.applied.map((m) => `platform/${m}`), ...own.applied.map((m) => `${migrations.app}/${m}`)],
    alreadyApplied: platform.alreadyApplied + own.alreadyApplied,
  };
}

/** What the `migrate` command reads: a migrate container needs these and nothing else (k8s-validate). */
export const migrateCommandEnv = defineConfig({
  // Required here, unlike at start: migrating an embedded in-memory database would be lost on exit.
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] }),
  logLevel: env.enum('LOG_LEVEL', logLevels, { default: 'info' }),
});

/** `node apps/<app>/dist/main.js migrate`: main.ts asks this before it reads the app's configuration. */
export function isMigrateCommand(argv: readonly string[] = process.argv): boolean {
  return argv[2] === 'migrate';
}

/**
 * The `migrate` command (a Kubernetes Job or init container before a rollout): migrates DATABASE_URL as the
 * app's start would and answers the exit code, 0 also when another runner got there first. It reads only
 * DATABASE_URL and LOG_LEVEL, so that it runs without the app's secrets and certificates.
 */
export async function runMigrateCommand(
  migrations: AppMigrations,
  environment: NodeJS.ProcessEnv = process.env,
  logDestination?: LoggerOptions['destination'],
): Promise<number> {
  let config;
  try {
    config = loadConfig(migrateCommandEnv, environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${migrations.app} migrate: ${error.message}\n`);
    return 1;
  }
  const logger = createLogger({ service: migrations.app, level: config.logLevel, destination: logDestination }).child({
    module: 'migrate',
  });
  const database = await openDatabase({ url: config.databaseUrl, applicationName: `${migrations.app}-migrate` });
  try {
    const result = await migrateApp(database.pool, migrations);
    logger.info(
      { applied: result.applied, alreadyApplied: result.alreadyApplied, database: database.description },
      result.applied.length > 0 ? `applied ${result.applied.length} migrations` : 'the database was up to date',
    );
    return 0;
  } catch (error) {
    logger.error(
      { err: error, database: database.description },
      `${migrations.app} migrations failed: ${(error as Error).message}`,
    );
    return 1;
  } finally {
    await database.close();
  }
}

/** For main.ts: runs the command and lets the process end with its code once the pool has closed. */
export function migrateAndExit(migrations: AppMigrations): void {
  void runMigrateCommand(migrations).then((code) => (process.exitCode = code));
}
