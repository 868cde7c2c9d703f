/**
 * §5.1: the operator API's event JSON as the lib's EventVersion. Shape problems are 422 with JSON pointers;
 * the content rules (EV-1) are the lib's checkEventContent.
 */
import {
  type EventSignal,
  type EventTargets,
  type EventVersion,
  type Instant,
  parseDuration,
  type SignalName,
  type SignalType,
  type SignalUnits,
} from '@flexgrid/protocol-openadr';
import { type ProblemPointer, VtnError } from '../errors';

export type EventInput = Record<string, unknown>;

const FIELDS = new Set([
  'eventId',
  'marketContext',
  'priority',
  'testEvent',
  'vtnComment',
  'responseRequired',
  'start',
  'rampUp',
  'notification',
  'recovery',
  'startAfter',
  'signals',
  'targets',
  'modificationReason',
]);
const SIGNAL_NAMES = [
  'SIMPLE',
  'simple',
  'ELECTRICITY_PRICE',
  'ENERGY_PRICE',
  'DEMAND_CHARGE',
  'BID_PRICE',
  'BID_LOAD',
  'BID_ENERGY',
  'CHARGE_STATE',
  'LOAD_DISPATCH',
  'LOAD_CONTROL',
];
const SIGNAL_TYPES = [
  'delta',
  'level',
  'multiplier',
  'price',
  'priceMultiplier',
  'priceRelative',
  'setpoint',
  'x-loadControlCapacity',
  'x-loadControlLevelOffset',
  'x-loadControlPercentOffset',
  'x-loadControlSetpoint',
];
const SCALES = ['p', 'n', 'micro', 'm', 'c', 'd', 'none', 'k', 'M', 'G', 'T'];
/** RFC 3339 with any offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

class Reader {
  readonly errors: ProblemPointer[] = [];

  fail(pointer: string, message: string): undefined {
    this.errors.push({ pointer, message });
    return undefined;
  }

  string(value: unknown, pointer: string): string | undefined {
    return typeof value === 'string' ? value : this.fail(pointer, 'must be a string');
  }

  duration(value: unknown, pointer: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.fail(pointer, 'must be an ISO 8601 duration such as PT10M');
    try {
      const parsed = parseDuration(value);
      if (parsed.warning) return this.fail(pointer, 'years and months are not whole seconds; use D, H, M, S');
      return parsed.seconds;
    } catch {
      return this.fail(pointer, 'must be a non-negative ISO 8601 duration such as PT10M');
    }
  }

  instant(value: unknown, pointer: string): Instant | undefined {
    if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value)))
      return this.fail(pointer, 'must be an RFC 3339 date-time with an offset');
    return Date.parse(value);
  }

  stringList(value: unknown, pointer: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === ''))
      return this.fail(pointer, 'must be a list of non-empty strings');
    return value as string[];
  }
}

function units(r: Reader, value: unknown, at: string): SignalUnits | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return r.fail(at, 'must be an object');
  const u = value as Record<string, unknown>;
  const scale = u.scale === undefined ? 'none' : u.scale;
  if (typeof scale !== 'string' || !SCALES.includes(scale)) return r.fail(`${at}/scale`, `one of ${SCALES.join(', ')}`);
  const s = scale as SignalUnits['scale'];
  switch (u.item) {
    case 'powerReal':
      if (u.units !== 'W') return r.fail(`${at}/units`, 'powerReal is in W');
      return {
        item: 'powerReal',
        units: 'W',
        scale: s,
        hertz: typeof u.hertz === 'number' ? u.hertz : 50,
        voltage: typeof u.voltage === 'number' ? u.voltage : 230,
        ac: typeof u.ac === 'boolean' ? u.ac : true,
      };
    case 'energyReal':
      if (u.units !== 'Wh') return r.fail(`${at}/units`, 'energyReal is in Wh');
      return { item: 'energyReal', units: 'Wh', scale: s };
    case 'currency':
    case 'currencyPerKWh':
    case 'currencyPerKW':
      if (typeof u.units !== 'string' || !/^[A-Z]{3}$/.test(u.units))
        return r.fail(`${at}/units`, 'an ISO 4217 currency code');
      return { item: u.item, units: u.units, scale: s };
    case 'customUnit':
      if (typeof u.description !== 'string' || u.description === '')
        return r.fail(`${at}/description`, 'required for customUnit');
      if (typeof u.units !== 'string' || u.units === '') return r.fail(`${at}/units`, 'required');
      return { item: 'customUnit', description: u.description, units: u.units, scale: s };
    default:
      return r.fail(`${at}/item`, 'one of powerReal, energyReal, currency, currencyPerKWh, currencyPerKW, customUnit');
  }
}

function signals(r: Reader, value: unknown, newId: () => string): EventSignal[] {
  if (!Array.isArray(value)) {
    r.fail('/signals', 'must be a list of 1 to 16 signals');
    return [];
  }
  return value.map((raw, s): EventSignal => {
    const at = `/signals/${s}`;
    const signal = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = r.string(signal.name, `${at}/name`) ?? 'SIMPLE';
    if (!SIGNAL_NAMES.includes(name) && !name.startsWith('x-')) r.fail(`${at}/name`, 'a SignalName or x-…');
    const type = r.string(signal.type, `${at}/type`) ?? 'level';
    if (!SIGNAL_TYPES.includes(type)) r.fail(`${at}/type`, `one of ${SIGNAL_TYPES.join(', ')}`);
    const id = signal.id === undefined ? newId() : (r.string(signal.id, `${at}/id`) ?? '');
    const intervals = Array.isArray(signal.intervals) ? signal.intervals : [];
    if (!Array.isArray(signal.intervals)) r.fail(`${at}/intervals`, 'must be a list of {duration, value}');
    const unit = units(r, signal.units, `${at}/units`);
    return {
      id,
      name: name as SignalName,
      type: type as SignalType,
      ...(unit && { units: unit }),
      intervals: intervals.map((rawInterval: unknown, i: number) => {
        const interval = (typeof rawInterval === 'object' && rawInterval !== null ? rawInterval : {}) as Record<
          string,
          unknown
        >;
        const duration = r.duration(interval.duration, `${at}/intervals/${i}/duration`);
        if (interval.duration === undefined) r.fail(`${at}/intervals/${i}/duration`, 'required');
        if (typeof interval.value !== 'number') r.fail(`${at}/intervals/${i}/value`, 'must be a number');
        return { duration: duration ?? 0, value: typeof interval.value === 'number' ? interval.value : 0 };
      }),
    };
  });
}

function targets(r: Reader, value: unknown): EventTargets {
  if (typeof value !== 'object' || value === null) {
    r.fail('/targets', 'required: {all: true} or {venIds, groupIds, resourceIds, partyIds}');
    return { venIds: [] };
  }
  const t = value as Record<string, unknown>;
  const unknown = Object.keys(t).filter((k) => !['all', 'venIds', 'groupIds', 'resourceIds', 'partyIds'].includes(k));
  for (const k of unknown) r.fail(`/targets/${k}`, 'unknown target kind');
  if (t.all === true) return { all: true };
  const out: { venIds?: string[]; groupIds?: string[]; resourceIds?: string[]; partyIds?: string[] } = {};
  for (const key of ['venIds', 'groupIds', 'resourceIds', 'partyIds'] as const) {
    const list = r.stringList(t[key], `/targets/${key}`);
    if (list && list.length > 0) out[key] = list;
  }
  return out;
}

/** Reads the parts of a body present in it onto `base`, failing with 422 for any shape problem. */
function readInto(
  base: Partial<EventVersion>,
  body: EventInput,
  defaultMarketContext: string,
  newId: () => string,
): EventVersion {
  const r = new Reader();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw VtnError.unprocessable([{ pointer: '', message: 'the body is a JSON object' }]);
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) r.fail(`/${key}`, 'unknown field');
  const has = (key: string): boolean => body[key] !== undefined;
  const next: Record<string, unknown> = { ...base };
  if (has('eventId')) next.eventId = r.string(body.eventId, '/eventId');
  next.marketContext = has('marketContext')
    ? r.string(body.marketContext, '/marketContext')
    : (base.marketContext ?? defaultMarketContext);
  if (has('priority')) {
    if (typeof body.priority !== 'number') r.fail('/priority', 'must be an integer');
    next.priority = body.priority;
  }
  if (has('testEvent')) {
    if (typeof body.testEvent !== 'boolean') r.fail('/testEvent', 'must be a boolean');
    next.testEvent = body.testEvent;
  }
  if (has('vtnComment')) next.vtnComment = r.string(body.vtnComment, '/vtnComment');
  if (has('modificationReason')) next.modificationReason = r.string(body.modificationReason, '/modificationReason');
  if (has('responseRequired')) {
    if (body.responseRequired !== 'always' && body.responseRequired !== 'never')
      r.fail('/responseRequired', 'always or never');
    next.responseRequired = body.responseRequired;
  }
  if (has('start')) next.start = r.instant(body.start, '/start');
  for (const key of ['rampUp', 'notification', 'recovery', 'startAfter'] as const) {
    if (body[key] === null) delete next[key];
    else if (has(key)) next[key] = r.duration(body[key], `/${key}`);
  }
  if (has('signals')) next.signals = signals(r, body.signals, newId);
  if (has('targets')) next.targets = targets(r, body.targets);
  if (!next.signals) r.fail('/signals', 'required');
  if (!next.targets) r.fail('/targets', 'required');
  if (r.errors.length > 0) throw VtnError.unprocessable(r.errors);
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  return next as unknown as EventVersion;
}

/** A new event, version 0 (EV-2): defaults of §5.1 for what the body leaves out. */
export function eventFromInput(
  body: EventInput,
  defaultMarketContext: string,
  newId: () => string,
  now: Instant,
): EventVersion {
  const base: Partial<EventVersion> = {
    eventId: newId(),
    modificationNumber: 0,
    createdDateTime: now,
    priority: 0,
    testEvent: false,
    responseRequired: 'always',
    start: Math.ceil(now / 1000) * 1000,
    cancelled: false,
  };
  return readInto(base, body, defaultMarketContext, newId);
}

/** EV-8: the current version with the patch applied; eventId cannot change. */
export function mergeEventInput(
  current: EventVersion,
  patch: EventInput,
  defaultMarketContext: string,
  newId: () => string,
): EventVersion {
  if (patch && typeof patch === 'object' && 'eventId' in patch && patch.eventId !== current.eventId)
    throw VtnError.unprocessable([{ pointer: '/eventId', message: 'the eventId cannot change' }]);
  const base: { -readonly [K in keyof EventVersion]?: EventVersion[K] } = { ...current };
  delete base.modificationReason;
  return readInto(base, patch, defaultMarketContext, newId);
}
