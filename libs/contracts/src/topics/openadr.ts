import { DAY_MS, defineTopic } from '../topic';

/*
 * OpenADR 2.0b VTN records, ../shared/openadr/SPEC.md §11 (field meanings in §5, §7, §9). Times are ISO 8601
 * UTC date-time strings as the VTN writes them (FMT-1, and the §9 example `{lastSeen: 12:00:00.000Z, ...}`);
 * durations are whole seconds. IDs are opaque strings (ID-3): eventId and signalId are VTN-generated UUIDs or
 * operator-chosen ids (both match the ID-3 pattern); venId, optId and resourceIds may come from a VEN, so any
 * non-empty string.
 */

const dateTime = { type: 'string', format: 'date-time' } as const;
/** ID-3: UUIDs and operator-chosen ids, which must not look like a number or a boolean (openleadr converts those). */
const operatorId = { type: 'string', pattern: '^(?!-?[0-9.]+$|true$|false$)[A-Za-z0-9._:-]{1,128}$' } as const;
const venId = { type: 'string', minLength: 1 } as const;
const vendorStrings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
/** FMT-4: modificationNumber and priority are 0…4294967295. */
const uint32 = { type: 'integer', minimum: 0, maximum: 4294967295 } as const;
const seconds = { type: 'integer', minimum: 0 } as const;
/** `ei:optType`. */
const optType = { type: 'string', enum: ['optIn', 'optOut'] } as const;
/** `ei:OptReasonType`: OptReasonEnumeratedType or an `x-` extension token (EiExtensionTokenType). */
const optReason = {
  type: 'string',
  pattern: '^(economic|emergency|mustRun|notParticipating|outageRunStatus|overrideStatus|participating|x-\\S.*)$',
} as const;
/** siScaleCode (SPEC §3). */
const scale = {
  type: 'string',
  enum: ['p', 'n', 'micro', 'm', 'c', 'd', 'none', 'k', 'M', 'G', 'T'],
  default: 'none',
} as const;

/** §5.1 `signals[].units`: one of four itemBase shapes, told apart by `item`. */
const signalUnits = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['item', 'units'],
      properties: {
        item: { const: 'powerReal' },
        units: { const: 'W' },
        scale,
        hertz: { type: 'number' },
        voltage: { type: 'number' },
        ac: { type: 'boolean' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['item', 'units'],
      properties: { item: { const: 'energyReal' }, units: { const: 'Wh' }, scale },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['item', 'units'],
      properties: {
        item: { type: 'string', enum: ['currency', 'currencyPerKWh', 'currencyPerKW'] },
        /** ISO 4217 code. */
        units: { type: 'string', pattern: '^[A-Z]{3}$' },
        scale,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['item', 'description', 'units'],
      properties: {
        item: { const: 'customUnit' },
        description: { type: 'string', minLength: 1 },
        units: { type: 'string', minLength: 1 },
        scale,
      },
    },
  ],
} as const;

const eventProperties = {
  eventId: operatorId,
  modificationNumber: uint32,
  modificationDateTime: dateTime,
  modificationReason: { type: 'string' },
  createdDateTime: dateTime,
  /** An absolute URI (`OADR_DEFAULT_MARKET_CONTEXT` by default). */
  marketContext: { type: 'string', format: 'uri' },
  /** 0 = no priority (lowest). */
  priority: uint32,
  testEvent: { type: 'boolean' },
  responseRequired: { type: 'string', enum: ['always', 'never'] },
  vtnComment: { type: 'string', maxLength: 1024 },
  cancelled: { type: 'boolean' },
  /** Absent elements of the active period are 0 (EV-15 renders each only when > 0). */
  activePeriod: {
    type: 'object',
    additionalProperties: false,
    required: [
      'start',
      'durationSeconds',
      'rampUpSeconds',
      'recoverySeconds',
      'notificationSeconds',
      'startAfterSeconds',
    ],
    properties: {
      start: dateTime,
      /** D: the sum of a signal's intervals; 0 = open-ended. */
      durationSeconds: seconds,
      rampUpSeconds: seconds,
      recoverySeconds: seconds,
      notificationSeconds: seconds,
      startAfterSeconds: seconds,
    },
  },
  signals: {
    type: 'array',
    minItems: 1,
    maxItems: 16,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['signalId', 'name', 'type', 'intervals'],
      properties: {
        signalId: operatorId,
        /** SignalNameEnumeratedType or an `x-` extension token. */
        name: {
          type: 'string',
          pattern:
            '^(SIMPLE|simple|ELECTRICITY_PRICE|ENERGY_PRICE|DEMAND_CHARGE|BID_PRICE|BID_LOAD|BID_ENERGY|CHARGE_STATE|LOAD_DISPATCH|LOAD_CONTROL|x-\\S.*)$',
        },
        type: {
          type: 'string',
          enum: [
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
          ],
        },
        units: signalUnits,
        intervals: {
          type: 'array',
          minItems: 1,
          maxItems: 2000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['uid', 'start', 'durationSeconds', 'value'],
            properties: {
              /** 0…n−1 in order (EV-15). */
              uid: { type: 'integer', minimum: 0, maximum: 1999 },
              /** Absolute start of the interval. */
              start: dateTime,
              /** 0 only for an open-ended last interval (EV-1). */
              durationSeconds: seconds,
              /** Finite, |value| ≤ 3.4028235e38 (xs:float). */
              value: { type: 'number', minimum: -3.4028235e38, maximum: 3.4028235e38 },
            },
          },
        },
      },
    },
  },
  /** `{all: true}` or lists of ids (§5.1): kept open, as targets may grow new kinds. */
  targets: {
    type: 'object',
    minProperties: 1,
    properties: {
      all: { type: 'boolean' },
      venIds: vendorStrings,
      groupIds: vendorStrings,
      resourceIds: vendorStrings,
      partyIds: vendorStrings,
    },
  },
} as const;

const eventRequired = [
  'eventId',
  'modificationNumber',
  'modificationDateTime',
  'createdDateTime',
  'marketContext',
  'priority',
  'testEvent',
  'responseRequired',
  'cancelled',
  'activePeriod',
  'signals',
  'targets',
] as const;

/** EV-2, EV-10: a new event is version 0 and not cancelled. */
export const openadrEventCreatedSchema = {
  type: 'object',
  additionalProperties: false,
  required: eventRequired,
  properties: { ...eventProperties, modificationNumber: { const: 0 }, cancelled: { const: false } },
} as const;

/** EV-8: a PATCH bumps the modificationNumber; a cancelled event cannot be modified. */
export const openadrEventModifiedSchema = {
  type: 'object',
  additionalProperties: false,
  required: eventRequired,
  properties: { ...eventProperties, modificationNumber: { ...uint32, minimum: 1 }, cancelled: { const: false } },
} as const;

/** EV-9: a DELETE bumps the modificationNumber and cancels. */
export const openadrEventCancelledSchema = {
  type: 'object',
  additionalProperties: false,
  required: eventRequired,
  properties: { ...eventProperties, modificationNumber: { ...uint32, minimum: 1 }, cancelled: { const: true } },
} as const;

export const openadrEvents = defineTopic({
  name: 'openadr.events',
  key: 'eventId',
  description: 'Every version of every OpenADR event: created, modified, cancelled (signals, intervals, targets).',
  producers: ['openadr-vtn'],
  consumers: ['powermatcher-auctioneer'],
  // Compacted: the latest version per eventId is the event's state, so a consumer that starts later (the
  // auctioneer's objective agent) still learns every event, including open-ended ones older than any retention.
  config: { partitions: 3, retentionMs: -1, cleanupPolicy: 'compact' },
  events: {
    'openadr.event.created': openadrEventCreatedSchema,
    'openadr.event.modified': openadrEventModifiedSchema,
    'openadr.event.cancelled': openadrEventCancelledSchema,
  },
});

/** EV-18/EV-19, OPT-1: a VEN's opt for one event version, from oadrCreatedEvent or an EiOpt event opt. */
export const optEventResponseSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'venId',
    'eventId',
    'modificationNumber',
    'currentModificationNumber',
    'stale',
    'optType',
    'responseCode',
    'source',
    'receivedAt',
  ],
  properties: {
    venId,
    eventId: operatorId,
    /** The version the VEN answered. */
    modificationNumber: uint32,
    /** The event's version when the answer arrived; stale = modificationNumber < currentModificationNumber. */
    currentModificationNumber: uint32,
    stale: { type: 'boolean' },
    optType,
    /** `ei:responseCode` as the VEN sent it: three digits (XSD ResponseCodeType is a string), e.g. "200", "460". */
    responseCode: { type: 'string', pattern: '^[0-9]{3}$' },
    source: { type: 'string', enum: ['createdEvent', 'eiOpt'] },
    /** EiOpt only. */
    optId: { type: 'string', minLength: 1 },
    optReason,
    /** EiOpt `eiTarget` resourceIDs narrowing the opt (OPT-1). */
    resourceIds: vendorStrings,
    receivedAt: dateTime,
  },
} as const;

/** OPT-2: an availability schedule (optIn = available in the periods, optOut = not available). */
export const optScheduleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['venId', 'optId', 'optType', 'optReason', 'periods', 'receivedAt'],
  properties: {
    venId,
    optId: { type: 'string', minLength: 1 },
    optType,
    optReason,
    marketContext: { type: 'string', format: 'uri' },
    /** The `available` components: dtstart and dtstart + duration (duration > 0). */
    periods: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end'],
        properties: { start: dateTime, end: dateTime },
      },
    },
    resourceIds: vendorStrings,
    /** `oadrDeviceClass` `endDeviceAsset/mrid` values. */
    deviceClassMrids: vendorStrings,
    receivedAt: dateTime,
  },
} as const;

/**
 * OPT-4: `openadr.opt.cancelled` has two shapes, `{venId, optId, eventId, receivedAt}` for an event opt and
 * `{venId, optId, receivedAt}` for a schedule. They differ only by `eventId`, so one closed schema with an
 * optional eventId accepts exactly these two shapes and nothing else: the same set a oneOf of the two would
 * accept, with a plain error message and a simple type. The key follows the shape (eventId, else venId).
 */
export const optCancelledSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['venId', 'optId', 'receivedAt'],
  properties: {
    venId,
    optId: { type: 'string', minLength: 1 },
    /** Present for an event opt, absent for a schedule. */
    eventId: operatorId,
    receivedAt: dateTime,
  },
} as const;

export const openadrOpt = defineTopic({
  name: 'openadr.opt',
  key: 'eventId',
  keyByEventType: { 'openadr.opt.schedule': 'venId', 'openadr.opt.cancelled': ['eventId', 'venId'] },
  description: 'VEN optIn/optOut per event and modification number, availability schedules, and opt cancellations.',
  producers: ['openadr-vtn'],
  consumers: [],
  config: { partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'openadr.opt.event-response': optEventResponseSchema,
    'openadr.opt.schedule': optScheduleSchema,
    'openadr.opt.cancelled': optCancelledSchema,
  },
});

/** REG-5, REG-7, ON-2, ON-3: one shape for the four VEN transitions. */
export const venStatusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['venId', 'at'],
  properties: {
    venId,
    venName: { type: 'string' },
    registrationId: { type: 'string', minLength: 1 },
    /** When the transition happened (for offline: the sweep time). */
    at: dateTime,
    lastSeen: dateTime,
    /** P_v, PT1S…PT24H. */
    pollFreqSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
    reason: { type: 'string' },
  },
} as const;

export const openadrVenStatus = defineTopic({
  name: 'openadr.ven-status',
  key: 'venId',
  description: 'VEN registered, deregistered, online and offline transitions, each emitted once.',
  producers: ['openadr-vtn'],
  consumers: [],
  config: { partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'openadr.ven.registered': venStatusSchema,
    'openadr.ven.deregistered': venStatusSchema,
    'openadr.ven.online': venStatusSchema,
    'openadr.ven.offline': venStatusSchema,
  },
});
