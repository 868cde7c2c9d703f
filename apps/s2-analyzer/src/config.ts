import { kafkaAuthEnv } from '@flexgrid/platform-kafka';
import { type ConfigOf, defineConfig, env, serviceEnv } from '@flexgrid/platform-service';

/** The analyzer's configuration, from environment variables (README.md "Configuration"). */
export const analyzerEnv = defineConfig({
  ...serviceEnv,
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'] }),
  kafkaBrokers: env.list('KAFKA_BROKERS'),
  ...kafkaAuthEnv,
  /** Bearer token for the API, the live stream and the RM/CEM endpoints; open when unset. */
  apiToken: env.secret('S2_API_TOKEN', { minLength: 16, optional: true }),
  rsTimeoutMs: env.int('S2_RS_TIMEOUT_MS', { default: 5000, min: 0 }),
  strictUuid: env.boolean('S2_STRICT_UUID', { default: true }),
  semantic: env.boolean('S2_SEMANTIC', { default: true }),
  maxFrameBytes: env.int('S2_MAX_FRAME_BYTES', { default: 1024 * 1024, min: 1024 }),
  peerBufferBytes: env.int('S2_PEER_BUFFER_BYTES', { default: 4 * 1024 * 1024, min: 0 }),
  sendBufferBytes: env.int('S2_SEND_BUFFER_BYTES', { default: 8 * 1024 * 1024, min: 64 * 1024 }),
  analysisQueueFrames: env.int('S2_ANALYSIS_QUEUE_FRAMES', { default: 20_000, min: 100 }),
  storeBatchFrames: env.int('S2_STORE_BATCH_FRAMES', { default: 20_000, min: 1 }),
  storeFlushMs: env.int('S2_STORE_FLUSH_MS', { default: 50, min: 1 }),
  storeBufferBytes: env.int('S2_STORE_BUFFER_BYTES', { default: 512 * 1024 * 1024, min: 1024 * 1024 }),
  /** The storage backlog PostgreSQL did not take before a shutdown, stored at the next start. */
  spillDir: env.string('S2_SPILL_DIR', { default: '.data/s2-analyzer' }),
  /** RULES §2.1: S2 keep-alive pings no more often than every 50 s. */
  dialPingIntervalMs: env.int('S2_DIAL_PING_INTERVAL_MS', { default: 50_000, min: 50_000 }),
  maxTranscriptBytes: env.int('S2_MAX_TRANSCRIPT_BYTES', { default: 256 * 1024 * 1024, min: 1024 }),
  perMessageDeflate: env.boolean('S2_PERMESSAGE_DEFLATE', { default: true }),
});

export type AnalyzerConfig = ConfigOf<typeof analyzerEnv>;
