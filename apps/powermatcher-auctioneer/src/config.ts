import {
  type AgentAuth,
  AGENT_ID_PATTERN,
  type ConcentratorOptions,
  DEFAULT_INBOUND_LIMITS,
  type InboundLimits,
  isPowerMatcherError,
  type MarketBasis,
  marketBasis,
  type ObjectiveSettings,
  objectiveSettings,
} from '@flexgrid/protocol-powermatcher';
import { kafkaAuthEnv } from '@flexgrid/platform-kafka';
import { type ConfigOf, defineConfig, env, serviceEnv } from '@flexgrid/platform-service';

/** SPEC §8.4 (PM-SVC-4): every variable the service reads, with its default. */
export const auctioneerEnv = defineConfig({
  ...serviceEnv,
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  ...kafkaAuthEnv,
  /** Prepended to every topic and consumer group: several clusters (or test runs) on one Kafka. */
  kafkaTopicPrefix: env.string('KAFKA_TOPIC_PREFIX', { optional: true }),
  role: env.enum('PM_ROLE', ['auctioneer', 'concentrator'] as const, { default: 'auctioneer' }),
  parentUrl: env.url('PM_PARENT_URL', { protocols: ['ws:', 'wss:'], optional: true }),
  parentToken: env.secret('PM_PARENT_TOKEN', { optional: true }),
  clusterId: env.string('PM_CLUSTER_ID', { default: 'DefaultCluster' }),
  auctioneerId: env.string('PM_AUCTIONEER_ID', { default: 'auctioneer' }),
  commodity: env.string('PM_COMMODITY', { default: 'electricity' }),
  currency: env.string('PM_CURRENCY', { default: 'EUR' }),
  priceSteps: env.int('PM_PRICE_STEPS', { default: 100, min: 2, max: 10_000 }),
  minPrice: env.string('PM_MIN_PRICE', { default: '0' }),
  maxPrice: env.string('PM_MAX_PRICE', { default: '1' }),
  minTimeBetweenPriceUpdatesMs: env.int('PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS', { default: 1000, min: 0 }),
  minTimeBetweenBidUpdatesMs: env.int('PM_MIN_TIME_BETWEEN_BID_UPDATES_MS', { default: 1000, min: 0 }),
  concentrators: env.string('PM_CONCENTRATORS', { default: '[]' }),
  v21ParentId: env.string('PM_V21_PARENT_ID', { optional: true }),
  agentAuth: env.enum('PM_AGENT_AUTH', ['none', 'token'] as const, { default: 'none' }),
  agentTokens: env.string('PM_AGENT_TOKENS', { default: '{}' }),
  operatorToken: env.secret('PM_OPERATOR_TOKEN', { optional: true, minLength: 16 }),
  apiReadAuth: env.boolean('PM_API_READ_AUTH', { default: false }),
  pingIntervalMs: env.int('PM_PING_INTERVAL_MS', { default: 15_000, min: 10 }),
  livenessTimeoutMs: env.int('PM_LIVENESS_TIMEOUT_MS', { default: 45_000, min: 10 }),
  bidTtlMs: env.int('PM_BID_TTL_MS', { default: 0, min: 0 }),
  maxFrameBytes: env.int('PM_MAX_FRAME_BYTES', { default: 1_048_576, min: 1024 }),
  agentBidsPerSecond: env.string('PM_AGENT_BIDS_PER_SECOND', { default: '2' }),
  agentBidBurst: env.int('PM_AGENT_BID_BURST', { default: 10, min: 1 }),
  maxErrorsPerMinute: env.int('PM_MAX_ERRORS_PER_MINUTE', { default: 60, min: 1 }),
  maxConnections: env.int('PM_MAX_CONNECTIONS', { default: 20_000, min: 1 }),
  objectiveEnabled: env.boolean('PM_OBJECTIVE_ENABLED', { default: true }),
  objectiveAgentId: env.string('PM_OBJECTIVE_AGENT_ID', { default: 'objective' }),
  objectiveSimpleLevelsW: env.list('PM_OBJECTIVE_SIMPLE_LEVELS_W', { default: ['0', '1000', '2000', '4000'] }),
  objectivePriceCapacityW: env.string('PM_OBJECTIVE_PRICE_CAPACITY_W', { default: '10000' }),
  objectiveBasePrice: env.string('PM_OBJECTIVE_BASE_PRICE', { optional: true }),
  objectiveMarketContext: env.string('PM_OBJECTIVE_MARKET_CONTEXT', { optional: true }),
  objectiveAcceptTestEvents: env.boolean('PM_OBJECTIVE_ACCEPT_TEST_EVENTS', { default: false }),
});

export type AuctioneerEnv = ConfigOf<typeof auctioneerEnv>;

/** Where this process sits: the cluster's auctioneer, or a remote concentrator connected upward as one agent. */
export type Role =
  | { readonly kind: 'auctioneer'; readonly auctioneerId: string; readonly clusterId: string }
  | {
      readonly kind: 'concentrator';
      /** The concentrator's own id: `agentId` of the parent URL. */
      readonly concentratorId: string;
      readonly parentUrl: string;
      readonly parentToken: string | null;
      readonly minTimeBetweenBidUpdatesMs: number;
    };

/** The checked, typed settings of one auctioneer or remote concentrator process. */
export interface AuctioneerSettings {
  readonly role: Role;
  /** Of the auctioneer; a remote concentrator learns its basis from its parent's CLUSTERINFO. */
  readonly marketBasis: MarketBasis;
  readonly minTimeBetweenPriceUpdatesMs: number;
  /** Local concentrators (§8.4 `PM_CONCENTRATORS`). */
  readonly concentrators: readonly ConcentratorOptions[];
  /** The parent of agents on the v2.1 path. */
  readonly v21ParentId: string;
  readonly agentAuth: AgentAuth;
  readonly operatorToken: string | null;
  readonly apiReadAuth: boolean;
  readonly pingIntervalMs: number;
  readonly livenessTimeoutMs: number;
  readonly bidTtlMs: number;
  readonly maxFrameBytes: number;
  readonly maxConnections: number;
  readonly inboundLimits: InboundLimits;
  /** Null: no objective agent (always for a remote concentrator). */
  readonly objective: ObjectiveSettings | null;
}

/** A bad value found after the variables themselves parsed: the §2/§6 message, naming the variable. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function finite(name: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new SettingsError(`${name} must be a finite number`);
  return value;
}

function json(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new SettingsError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

function checkId(name: string, id: unknown): string {
  if (typeof id !== 'string' || !AGENT_ID_PATTERN.test(id)) throw new SettingsError(`${name} is not a valid id`);
  return id;
}

function concentrators(raw: string): ConcentratorOptions[] {
  const list = json('PM_CONCENTRATORS', raw);
  if (!Array.isArray(list)) throw new SettingsError('PM_CONCENTRATORS must be a JSON array');
  return list.map((entry: unknown, i) => {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const where = `PM_CONCENTRATORS[${i}]`;
    const kind = item['kind'] ?? 'plain';
    if (kind !== 'plain' && kind !== 'peakShaving')
      throw new SettingsError(`${where}.kind must be plain or peakShaving`);
    const number = (field: string): number | undefined => {
      const value = item[field];
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new SettingsError(`${where}.${field} must be a number`);
      return value;
    };
    return {
      id: checkId(`${where}.id`, item['id']),
      parentId: checkId(`${where}.parentId`, item['parentId']),
      minTimeBetweenBidUpdates: number('minTimeBetweenBidUpdatesMs'),
      kind,
      floor: number('floorW'),
      ceiling: number('ceilingW'),
    };
  });
}

function agentTokens(raw: string): Record<string, string> {
  const tokens = json('PM_AGENT_TOKENS', raw);
  if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens))
    throw new SettingsError('PM_AGENT_TOKENS must be a JSON object');
  for (const [key, digest] of Object.entries(tokens)) {
    if (typeof digest !== 'string' || !/^[0-9a-fA-F]{64}$/.test(digest))
      throw new SettingsError(`PM_AGENT_TOKENS[${key}] must be a SHA-256 hex digest`);
  }
  return tokens as Record<string, string>;
}

/** The role: a concentrator takes its id from `agentId` in `PM_PARENT_URL` (the 1.9 or v2.1 endpoint upstream). */
function role(config: AuctioneerEnv): Role {
  if (config.role === 'auctioneer') {
    return {
      kind: 'auctioneer',
      auctioneerId: checkId('PM_AUCTIONEER_ID', config.auctioneerId),
      clusterId: checkId('PM_CLUSTER_ID', config.clusterId),
    };
  }
  if (!config.parentUrl) throw new SettingsError('PM_PARENT_URL is required when PM_ROLE=concentrator');
  const concentratorId = new URL(config.parentUrl).searchParams.get('agentId');
  return {
    kind: 'concentrator',
    concentratorId: checkId('agentId of PM_PARENT_URL', concentratorId),
    parentUrl: config.parentUrl,
    parentToken: config.parentToken ?? null,
    minTimeBetweenBidUpdatesMs: config.minTimeBetweenBidUpdatesMs,
  };
}

/**
 * Turns the variables into settings, checking what a variable alone cannot show: the market basis (§2.1), the
 * concentrator list, tokens and numbers. The cluster model checks the topology when it is built (unknown or
 * cyclic parents, duplicate ids, flow limits) and the service stops with its message.
 */
export function auctioneerSettings(config: AuctioneerEnv): AuctioneerSettings {
  const roleOfProcess = role(config);
  let basis: MarketBasis;
  try {
    basis = marketBasis({
      commodity: config.commodity,
      currency: config.currency,
      priceSteps: config.priceSteps,
      minimumPrice: finite('PM_MIN_PRICE', config.minPrice),
      maximumPrice: finite('PM_MAX_PRICE', config.maxPrice),
    });
  } catch (error) {
    if (isPowerMatcherError(error)) throw new SettingsError(`market basis: ${error.message}`);
    throw error;
  }
  const bidsPerSecond = finite('PM_AGENT_BIDS_PER_SECOND', config.agentBidsPerSecond);
  if (bidsPerSecond <= 0) throw new SettingsError('PM_AGENT_BIDS_PER_SECOND must be above 0');
  const ownMatcher = roleOfProcess.kind === 'auctioneer' ? roleOfProcess.auctioneerId : roleOfProcess.concentratorId;
  let objective: ObjectiveSettings | null = null;
  if (roleOfProcess.kind === 'auctioneer' && config.objectiveEnabled) {
    const levels = config.objectiveSimpleLevelsW.map((level) => finite('PM_OBJECTIVE_SIMPLE_LEVELS_W', level));
    if (levels.length !== 4) throw new SettingsError('PM_OBJECTIVE_SIMPLE_LEVELS_W must list four demands');
    try {
      objective = objectiveSettings({
        agentId: checkId('PM_OBJECTIVE_AGENT_ID', config.objectiveAgentId),
        simpleLevelsW: levels as [number, number, number, number],
        priceCapacityW: finite('PM_OBJECTIVE_PRICE_CAPACITY_W', config.objectivePriceCapacityW),
        basePrice:
          config.objectiveBasePrice === undefined ? null : finite('PM_OBJECTIVE_BASE_PRICE', config.objectiveBasePrice),
        marketContext: config.objectiveMarketContext ?? null,
        acceptTestEvents: config.objectiveAcceptTestEvents,
      });
    } catch (error) {
      if (isPowerMatcherError(error)) throw new SettingsError(`objective: ${error.message}`);
      throw error;
    }
  }
  return {
    role: roleOfProcess,
    marketBasis: basis,
    minTimeBetweenPriceUpdatesMs: config.minTimeBetweenPriceUpdatesMs,
    concentrators: concentrators(config.concentrators),
    v21ParentId: config.v21ParentId === undefined ? ownMatcher : checkId('PM_V21_PARENT_ID', config.v21ParentId),
    agentAuth:
      config.agentAuth === 'token' ? { mode: 'token', tokens: agentTokens(config.agentTokens) } : { mode: 'none' },
    operatorToken: config.operatorToken ?? null,
    apiReadAuth: config.apiReadAuth,
    pingIntervalMs: config.pingIntervalMs,
    livenessTimeoutMs: config.livenessTimeoutMs,
    bidTtlMs: config.bidTtlMs,
    maxFrameBytes: config.maxFrameBytes,
    maxConnections: config.maxConnections,
    inboundLimits: {
      ...DEFAULT_INBOUND_LIMITS,
      bidsPerSecond,
      bidBurst: config.agentBidBurst,
      maxErrorsPerMinute: config.maxErrorsPerMinute,
    },
    objective,
  };
}
