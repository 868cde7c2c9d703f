export { type Database, inTransaction, openDatabase, type OpenDatabaseOptions } from './database';
export { loadMigrations, migrate, type Migration, MigrationError, type MigrationResult } from './migrations';
export {
  enqueue,
  OutboxRelay,
  type OutboxEntry,
  outboxMigrations,
  type OutboxRelayOptions,
  startOutboxRelay,
} from './outbox';
export { type AppMigrations, isMigrateCommand, migrateAndExit, migrateApp, runMigrateCommand } from './migrate-command';
