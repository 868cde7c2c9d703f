/** SPEC §13: the VTN's one typed configuration, read from the environment and checked at start. */
import { parseDuration, vtnIdProblem } from '@flexgrid/protocol-openadr';
import { kafkaAuthEnv } from '@flexgrid/platform-kafka';
import { type ConfigOf, defineConfig, env, type EnvVar, logLevels } from '@flexgrid/platform-service';

/** An OpenADR duration (FMT-2) as whole seconds within [min, max]. */
function duration(variable: string, fallback: string, min: number, max: number): EnvVar<number> {
  const parse = (raw: string): number | undefined => {
    try {
      const seconds = parseDuration(raw).seconds;
      return seconds >= min && seconds <= max ? seconds : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    variable,
    expected: `an ISO 8601 duration from ${min} s to ${max} s (e.g. PT10S)`,
    secret: false,
    optional: false,
    default: parse(fallback),
    parse,
    show: (raw) => JSON.stringify(raw),
  };
}

function checked<T>(base: EnvVar<T>, expected: string, accept: (value: T) => boolean): EnvVar<T> {
  return {
    ...base,
    expected,
    parse: (raw) => {
      const value = base.parse(raw);
      return value !== undefined && accept(value) ? value : undefined;
    },
  };
}

/** SEC-8: the operator API's bearer tokens, a comma list, each ≥ 32 characters; never shown. */
const apiTokens: EnvVar<string[]> = {
  variable: 'OADR_API_TOKENS',
  expected: 'a comma-separated list of tokens of at least 32 characters each',
  secret: true,
  optional: false,
  parse: (raw) => {
    const tokens = raw
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    return tokens.length > 0 && tokens.every((t) => t.length >= 32) ? tokens : undefined;
  },
  show: () => '(secret, not shown)',
};

/** OADR_TRUSTED_PROXIES: IPv4/IPv6 CIDRs (SEC-7). */
const cidrs = checked(env.list('OADR_TRUSTED_PROXIES', { default: [] }), 'a comma list of CIDRs', (list) =>
  list.every((cidr) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)),
);

export const vtnEnv = defineConfig({
  vtnId: checked(
    env.string('OADR_VTN_ID', { default: 'FlexgridVTN' }),
    '1-128 characters of A-Z a-z 0-9 . _ : - with an upper-case letter (ID-1)',
    () => true,
  ),
  vtnIdAllowAny: env.boolean('OADR_VTN_ID_ALLOW_ANY', { default: false }),
  pollFreq: duration('OADR_POLL_FREQ', 'PT10S', 1, 86_400),
  registrationPolicy: env.enum('OADR_REGISTRATION_POLICY', ['allow-list', 'auto-accept'] as const, {
    default: 'allow-list',
  }),
  tls: env.enum('OADR_TLS', ['on', 'off'] as const, { default: 'on' }),
  allowInsecureHttp: env.boolean('OADR_ALLOW_INSECURE_HTTP', { default: false }),
  port: env.port('OADR_PORT', { optional: true }),
  host: env.string('OADR_HOST', { optional: true }),
  apiPort: env.port('OADR_API_PORT', { default: 8081 }),
  apiHost: env.string('OADR_API_HOST', { default: '0.0.0.0' }),
  tlsCert: env.list('OADR_TLS_CERT', { optional: true }),
  tlsKey: env.list('OADR_TLS_KEY', { optional: true }),
  tlsCa: env.list('OADR_TLS_CA', { optional: true }),
  tlsMaxVersion: env.enum('OADR_TLS_MAX_VERSION', ['TLSv1.2', 'TLSv1.3'] as const, { default: 'TLSv1.3' }),
  clientCertHeader: env.string('OADR_CLIENT_CERT_HEADER', { optional: true }),
  trustedProxies: cidrs,
  maxBodyBytes: env.int('OADR_MAX_BODY_BYTES', { default: 1_048_576, min: 1024 }),
  rateLimitPerVen: env.int('OADR_RATE_LIMIT_PER_VEN', { default: 0, min: 0 }),
  defaultMarketContext: checked(
    env.url('OADR_DEFAULT_MARKET_CONTEXT', { default: 'http://flexgrid.local/programs/default' }),
    'an absolute URI',
    () => true,
  ),
  requestedReports: env.list('OADR_REQUESTED_REPORTS', { default: ['TELEMETRY_USAGE', 'TELEMETRY_STATUS'] }),
  reportGranularity: duration('OADR_REPORT_GRANULARITY', 'PT60S', 1, 86_400),
  reportBackMultiple: env.int('OADR_REPORT_BACK_MULTIPLE', { default: 1, min: 1, max: 1000 }),
  sendVtnMetadata: env.boolean('OADR_SEND_VTN_METADATA', { default: false }),
  redeliveryAfter: duration('OADR_REDELIVERY_AFTER', 'PT30S', 1, 86_400),
  maxDeliveries: env.int('OADR_MAX_DELIVERIES', { default: 5, min: 1 }),
  cancelledRetention: duration('OADR_CANCELLED_RETENTION', 'PT24H', 0, 365 * 86_400),
  offlineMissedPolls: env.int('OADR_OFFLINE_MISSED_POLLS', { default: 3, min: 1 }),
  offlineSweep: duration('OADR_OFFLINE_SWEEP', 'PT1S', 1, 3600),
  lastSeenResolution: duration('OADR_LAST_SEEN_RESOLUTION', 'PT1S', 0, 3600),
  apiTokens,
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
  /** Connections to PostgreSQL per process: every OpenADR request and the sweeper and relay share them. */
  databasePoolSize: env.int('DATABASE_POOL_SIZE', { default: 20, min: 2, max: 500 }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  ...kafkaAuthEnv,
  logLevel: env.enum('LOG_LEVEL', logLevels, { default: 'info' }),
});

export type VtnConfig = ConfigOf<typeof vtnEnv>;

/** The checks that span several keys (ID-1, SEC-6, the TLS files); each message names its key. */
export function configProblems(config: VtnConfig): string[] {
  const problems: string[] = [];
  const idProblem = vtnIdProblem(config.vtnId);
  if (idProblem && !(config.vtnIdAllowAny && /^[A-Za-z0-9._:-]{1,128}$/.test(config.vtnId)))
    problems.push(`OADR_VTN_ID: ${idProblem} (set OADR_VTN_ID_ALLOW_ANY=true to accept it anyway)`);
  if (config.tls === 'off' && !config.allowInsecureHttp)
    problems.push('OADR_TLS=off needs OADR_ALLOW_INSECURE_HTTP=true: plain HTTP trusts every venID (SEC-6)');
  if (config.tls === 'on') {
    if (!config.tlsCert?.length || !config.tlsKey?.length)
      problems.push('OADR_TLS_CERT and OADR_TLS_KEY are required when OADR_TLS=on');
    else if (config.tlsCert.length !== config.tlsKey.length)
      problems.push('OADR_TLS_CERT and OADR_TLS_KEY must list as many files each');
    if (!config.tlsCa?.length) problems.push('OADR_TLS_CA is required when OADR_TLS=on (mutual TLS, SEC-2)');
  }
  return problems;
}
