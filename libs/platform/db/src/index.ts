export { type Database, DEFAULT_POOL_SIZE, inTransaction, openDatabase, type OpenDatabaseOptions } from './database';
export { loadMigrations, migrate, type Migration, MigrationError, type MigrationResult } from './migrations';
export {
  enqueue,
  type EnqueueOptions,
  type KeptRows,
  OutboxRelay,
  type OutboxEntry,
  prepareEnqueue,
  type PreparedEnqueue,
  outboxMigrations,
  type OutboxRelayOptions,
  startOutboxRelay,
} from './outbox';
export {
  type AppMigrations,
  isMigrateCommand,
  migrateAndExit,
  migrateCommandEnv,
  migrateApp,
  runMigrateCommand,
} from './migrate-command';
