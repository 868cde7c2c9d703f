import { defineConfig, env, logLevels, serviceEnv } from '@flexgrid/platform-service';

export const devHostEnv = defineConfig({
  port: env.port('DEV_PORT', { default: 8080 }),
  host: env.string('DEV_HOST', { default: '127.0.0.1' }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  databaseUrl: env.url('DATABASE_URL', { optional: true, protocols: ['postgres:', 'postgresql:'] }),
  dataDir: env.string('DEV_DATA_DIR', { optional: true }),
  logLevel: env.enum('LOG_LEVEL', logLevels, { default: 'warn' }),
  shutdownTimeoutMs: serviceEnv.shutdownTimeoutMs,
});
