import { checkDemand, flatBid, MAX_ABS_DEMAND } from '../bid';
import { PowerMatcherError } from '../errors';
import type { MarketBasis } from '../market-basis';
import { type PricePoint, pointBidDemand } from '../point-bid';
import { priceOf } from '../price-grid';

/*
 * The objective agent's bid (SPEC §6.9, PM-OBJ-1): an operator objective, else the best active OpenADR event,
 * else a flat 0. Pure functions of (basis, settings, objective, events, now); the cluster model owns the
 * state and re-evaluates at the times `evaluateObjective` reports.
 */

export interface ObjectiveSettings {
  /** The objective agent's id (reserved). */
  readonly agentId: string;
  /** W for SIMPLE levels 0 (normal), 1 (moderate), 2 (high), 3 (special). */
  readonly simpleLevelsW: readonly [number, number, number, number];
  /** C of the ELECTRICITY_PRICE point bid `(v, +C), (v, −C)`, W. */
  readonly priceCapacityW: number;
  /** `base` of priceRelative/priceMultiplier signals; null: mid-range of the basis. */
  readonly basePrice: number | null;
  /** Only events of this market context apply; null: any. */
  readonly marketContext: string | null;
  readonly acceptTestEvents: boolean;
}

export const DEFAULT_OBJECTIVE_SETTINGS: ObjectiveSettings = {
  agentId: 'objective',
  simpleLevelsW: [0, 1000, 2000, 4000],
  priceCapacityW: 10_000,
  basePrice: null,
  marketContext: null,
  acceptTestEvents: false,
};

function invalidSetting(message: string): PowerMatcherError {
  return new PowerMatcherError('INVALID_CONFIGURATION', message);
}

function boundedWatts(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_ABS_DEMAND;
}

/** Completes and validates objective settings. */
export function objectiveSettings(input: Partial<ObjectiveSettings> = {}): ObjectiveSettings {
  const settings = { ...DEFAULT_OBJECTIVE_SETTINGS, ...input };
  if (typeof settings.agentId !== 'string' || settings.agentId.length === 0)
    throw invalidSetting('The objective agent id is required');
  if (settings.simpleLevelsW.length !== 4 || !settings.simpleLevelsW.every(boundedWatts)) {
    throw invalidSetting('The SIMPLE levels must be four demands within ±1e12 W');
  }
  if (!boundedWatts(settings.priceCapacityW) || settings.priceCapacityW < 0) {
    throw invalidSetting('The price capacity must be a demand within 0 … 1e12 W');
  }
  if (settings.basePrice !== null && !Number.isFinite(settings.basePrice))
    throw invalidSetting('The base price must be finite');
  return settings;
}

/** An operator objective (§8.3 `PUT /api/objective`); `until` is epoch ms. */
export type OperatorObjective = (
  | { readonly mode: 'none' }
  | { readonly mode: 'flat'; readonly demandW: number }
  | { readonly mode: 'target'; readonly netPowerW: number }
  | { readonly mode: 'price'; readonly price: number; readonly capacityW: number }
  | { readonly mode: 'curve'; readonly demand: readonly number[] }
  | { readonly mode: 'curve'; readonly pricePoints: readonly PricePoint[] }
) & { readonly until?: number };

/**
 * The demand an operator objective asks for, validated with the §3 messages (`INVALID_BID`, or
 * `INVALID_PRICE` for a price point); null for mode `none`, which clears the operator objective.
 */
export function operatorObjectiveDemand(basis: MarketBasis, objective: OperatorObjective): number[] | null {
  if (typeof objective !== 'object' || objective === null)
    throw new PowerMatcherError('INVALID_PARAMETER', 'An objective needs a mode');
  if (objective.until !== undefined && !Number.isFinite(objective.until)) {
    throw new PowerMatcherError('INVALID_PARAMETER', 'until must be a time');
  }
  switch (objective.mode) {
    case 'none':
      return null;
    case 'flat':
      return flatBid(basis, objective.demandW).demand.slice();
    case 'target':
      return flatBid(basis, -objective.netPowerW).demand.slice();
    case 'price':
      return priceObjectiveDemand(basis, objective.price, objective.capacityW);
    case 'curve':
      return 'demand' in objective
        ? checkDemand(basis, objective.demand)
        : pointBidDemand(basis, objective.pricePoints);
    default:
      throw new PowerMatcherError(
        'INVALID_PARAMETER',
        `Unknown objective mode [${String((objective as { mode: unknown }).mode)}]`,
      );
  }
}

/** Buy up to C below `price`, sell up to C at and above it. */
function priceObjectiveDemand(basis: MarketBasis, price: number, capacityW: number): number[] {
  return pointBidDemand(basis, [
    { price, demand: capacityW },
    { price, demand: -capacityW },
  ]);
}

/** One interval of an OpenADR signal; `durationMs` 0 is open-ended (OpenADR EV-1). Times are epoch ms. */
export interface ObjectiveInterval {
  readonly start: number;
  readonly durationMs: number;
  readonly value: number;
}

export interface ObjectiveSignal {
  /** OpenADR signalName: `SIMPLE` (also OpenADR's `simple`) and `ELECTRICITY_PRICE` apply, others are ignored. */
  readonly name: string;
  /** OpenADR signalType: `level` for SIMPLE; `price`, `priceRelative` or `priceMultiplier` for ELECTRICITY_PRICE. */
  readonly type: string;
  readonly intervals: readonly ObjectiveInterval[];
}

/** The parts of an `openadr.events` record the objective agent uses (§6.9). */
export interface ObjectiveEvent {
  readonly eventId: string;
  readonly modificationNumber: number;
  /** 0 = no priority (ranks last), else lower is more important. */
  readonly priority: number;
  readonly marketContext: string;
  readonly testEvent: boolean;
  readonly cancelled: boolean;
  /** The event's active-period start, epoch ms. */
  readonly start: number;
  readonly signals: readonly ObjectiveSignal[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isInterval(value: unknown): value is ObjectiveInterval {
  return (
    isRecord(value) &&
    Number.isFinite(value['start']) &&
    Number.isFinite(value['durationMs']) &&
    (value['durationMs'] as number) >= 0 &&
    typeof value['value'] === 'number'
  );
}

function isSignal(value: unknown): value is ObjectiveSignal {
  return (
    isRecord(value) &&
    typeof value['name'] === 'string' &&
    typeof value['type'] === 'string' &&
    Array.isArray(value['intervals']) &&
    value['intervals'].every(isInterval)
  );
}

/**
 * Checks an event version before it is stored: a malformed record must be refused at once, as stored it would
 * break every later evaluation of the objective agent.
 */
export function checkObjectiveEvent(event: unknown): ObjectiveEvent {
  const invalid = (message: string) => new PowerMatcherError('INVALID_PARAMETER', message);
  const id = isRecord(event) ? event['eventId'] : undefined;
  if (!isRecord(event) || typeof id !== 'string' || id.length === 0 || !Number.isInteger(event['modificationNumber'])) {
    throw invalid('An event needs an eventId and an integer modificationNumber');
  }
  const priority = event['priority'];
  if (!Number.isInteger(priority) || (priority as number) < 0)
    throw invalid(`Event [${id}]: priority must be a non-negative integer`);
  if (typeof event['marketContext'] !== 'string') throw invalid(`Event [${id}]: marketContext must be a string`);
  if (typeof event['testEvent'] !== 'boolean' || typeof event['cancelled'] !== 'boolean') {
    throw invalid(`Event [${id}]: testEvent and cancelled must be booleans`);
  }
  if (!Number.isFinite(event['start'])) throw invalid(`Event [${id}]: start must be a time`);
  if (!Array.isArray(event['signals']) || !event['signals'].every(isSignal)) {
    throw invalid(`Event [${id}]: signals must be a list of {name, type, intervals: [{start, durationMs ≥ 0, value}]}`);
  }
  return event as unknown as ObjectiveEvent;
}

export interface ObjectiveStatus {
  readonly source: 'operator' | 'event' | 'none';
  readonly mode: 'none' | 'flat' | 'target' | 'price' | 'curve';
  readonly demand: readonly number[];
  readonly eventId?: string;
}

/** A validated operator objective with its demand. */
export interface ActiveOperatorObjective {
  readonly objective: OperatorObjective;
  readonly demand: readonly number[];
}

const PRICE_TYPES = new Set(['price', 'priceRelative', 'priceMultiplier']);

function isSimple(signal: ObjectiveSignal): boolean {
  return signal.name === 'SIMPLE' || signal.name === 'simple';
}

function isElectricityPrice(signal: ObjectiveSignal): boolean {
  return signal.name === 'ELECTRICITY_PRICE' && PRICE_TYPES.has(signal.type);
}

function contains(interval: ObjectiveInterval, now: number): boolean {
  return interval.start <= now && (interval.durationMs === 0 || now < interval.start + interval.durationMs);
}

function eligible(event: ObjectiveEvent, settings: ObjectiveSettings): boolean {
  return (
    !event.cancelled &&
    (!event.testEvent || settings.acceptTestEvents) &&
    (settings.marketContext === null || event.marketContext === settings.marketContext)
  );
}

/** Lowest non-zero priority first (0 last), then latest start, highest modificationNumber, lowest eventId. */
function rank(a: ObjectiveEvent, b: ObjectiveEvent): number {
  const pa = a.priority === 0 ? Infinity : a.priority;
  const pb = b.priority === 0 ? Infinity : b.priority;
  if (pa !== pb) return pa - pb;
  if (a.start !== b.start) return b.start - a.start;
  if (a.modificationNumber !== b.modificationNumber) return b.modificationNumber - a.modificationNumber;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** The bid an event asks for now, or null when none of its signals applies now. */
function eventStatus(
  basis: MarketBasis,
  settings: ObjectiveSettings,
  event: ObjectiveEvent,
  now: number,
): ObjectiveStatus | null {
  for (const signal of event.signals) {
    if (!isElectricityPrice(signal)) continue;
    const interval = signal.intervals.find((candidate) => contains(candidate, now));
    if (!interval || !Number.isFinite(interval.value)) continue;
    const min = basis.minimumPrice;
    const base = settings.basePrice ?? min + (priceOf(basis, basis.priceSteps - 1) - min) * 0.5;
    const value =
      signal.type === 'price'
        ? interval.value
        : signal.type === 'priceRelative'
          ? base + interval.value
          : base * interval.value;
    const price = Math.min(basis.maximumPrice, Math.max(min, value));
    const demand = priceObjectiveDemand(basis, price, settings.priceCapacityW);
    return { source: 'event', mode: 'price', demand, eventId: event.eventId };
  }
  for (const signal of event.signals) {
    if (!isSimple(signal)) continue;
    const interval = signal.intervals.find((candidate) => contains(candidate, now));
    const level = interval?.value;
    if (level === undefined || !Number.isInteger(level) || level < 0 || level > 3) continue;
    return {
      source: 'event',
      mode: 'flat',
      demand: flatBid(basis, settings.simpleLevelsW[level]).demand,
      eventId: event.eventId,
    };
  }
  return null;
}

/**
 * The objective agent's status at `now` and the next time it may change (an interval boundary of an eligible
 * event, or the operator objective's `until`), or null.
 */
export function evaluateObjective(
  basis: MarketBasis,
  settings: ObjectiveSettings,
  operator: ActiveOperatorObjective | null,
  events: Iterable<ObjectiveEvent>,
  now: number,
): { status: ObjectiveStatus; nextChange: number | null } {
  let nextChange = Infinity;
  const later = (time: number): void => {
    if (time > now && time < nextChange) nextChange = time;
  };
  const operatorActive =
    operator !== null && (operator.objective.until === undefined || now < operator.objective.until);
  if (operator?.objective.until !== undefined) later(operator.objective.until);
  const candidates: ObjectiveEvent[] = [];
  for (const event of events) {
    if (!eligible(event, settings)) continue;
    candidates.push(event);
    for (const signal of event.signals) {
      if (!isSimple(signal) && !isElectricityPrice(signal)) continue;
      for (const interval of signal.intervals) {
        later(interval.start);
        if (interval.durationMs > 0) later(interval.start + interval.durationMs);
      }
    }
  }
  const next = nextChange === Infinity ? null : nextChange;
  if (operatorActive) {
    return { status: { source: 'operator', mode: operator.objective.mode, demand: operator.demand }, nextChange: next };
  }
  for (const event of candidates.sort(rank)) {
    const status = eventStatus(basis, settings, event, now);
    if (status) return { status, nextChange: next };
  }
  return { status: { source: 'none', mode: 'none', demand: flatBid(basis, 0).demand }, nextChange: next };
}
