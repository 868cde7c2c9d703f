import { DAY_MS, defineTopic } from '../topic';

/*
 * S2 analyzer records, ../shared/s2/RULES.md. RULES fixes the finding object (§3.1: "the same object is used in
 * ... `s2.frames` records") and the readable state (§8); DESIGN.md says the topic carries every observed frame
 * with direction, time and findings. The frame record is therefore the transcript line of §9 (`seq`, `t`,
 * `direction`, `message` | `raw` [+ `encoding`]) plus the session, a wall-clock receipt time and the frame's
 * findings. S2-RS-MISSING findings only arise at session end (§7 P7), after the frames they name were
 * published, so a second event type carries them together with the final §8 state.
 */

const dateTime = { type: 'string', format: 'date-time' } as const;
const seq = { type: 'integer', minimum: 1 } as const;
const side = { type: 'string', enum: ['RM', 'CEM'] } as const;
const controlType = {
  type: 'string',
  enum: [
    'POWER_ENVELOPE_BASED_CONTROL',
    'POWER_PROFILE_BASED_CONTROL',
    'OPERATION_MODE_BASED_CONTROL',
    'FILL_RATE_BASED_CONTROL',
    'DEMAND_DRIVEN_BASED_CONTROL',
    'NOT_CONTROLABLE',
    'NO_SELECTION',
  ],
} as const;
/** An S2 message that passed its schema (the state holds only applied messages). */
const s2Message = { type: 'object' } as const;
const count = { type: 'integer', minimum: 0 } as const;

/** §3.1 `Finding`; `rule` is the closed rule set of §5.4 (§3.4). */
export const findingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'rule', 'level', 'severity', 'detail'],
  properties: {
    seq,
    rule: {
      type: 'string',
      enum: [
        'S2-JSON',
        'S2-SCHEMA',
        'S2-UUID',
        'S2-RS-UNKNOWN',
        'S2-RS-DUPLICATE',
        'S2-RS-LATE',
        'S2-RS-ACCEPTED-INVALID',
        'S2-RS-MISSING',
        'S2-RS-AFTER-PERMANENT',
        'S2-ID-DUPLICATE',
        'S2-AFTER-TERMINATE',
        'S2-DIRECTION',
        'S2-HS-FIRST',
        'S2-HS-ROLE',
        'S2-HS-VERSIONS',
        'S2-HS-REPEAT',
        'S2-HSR-ORDER',
        'S2-HS-VERSION',
        'S2-HS-INCOMPLETE',
        'S2-SCT-NO-RMD',
        'S2-SCT-UNSUPPORTED',
        'S2-CT-NOT-ACTIVE',
        'S2-SEM-PRECONDITION',
        'S2-SEM-REF',
        'S2-SEM-MEASUREMENT',
      ],
    },
    level: { type: 'string', enum: ['schema', 'state', 'semantic', 'strict'] },
    severity: { type: 'string', enum: ['error', 'warning'] },
    /** One sentence naming the offending field or value (§3.3); the wording is not part of the contract. */
    detail: { type: 'string', minLength: 1 },
    /** JSON Pointer (RFC 6901) into the frame's message; S2-JSON findings have none. */
    path: { type: 'string', format: 'json-pointer' },
  },
} as const;

const findings = { type: 'array', items: findingSchema } as const;

/** Optional ids of the RM/CEM pair the session belongs to (they also make up the analyzer's meterIds). */
const pairProperties = {
  cemId: { type: 'string', minLength: 1 },
  rmId: { type: 'string', minLength: 1 },
} as const;

/**
 * One frame as observed (§9 transcript line + session + findings). Exactly one of `message` (the frame parsed
 * as JSON, any JSON value) or `raw` (the exact text of a frame that is not JSON; base64 of a binary frame with
 * `encoding: "base64"`).
 */
export const s2FrameSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionId', 'seq', 't', 'direction', 'receivedAt', 'findings'],
  properties: {
    sessionId: { type: 'string', minLength: 1 },
    ...pairProperties,
    /** 1-based position in the session, both directions (§1). */
    seq,
    /** Integer ms from session start to receipt (§1, monotonic clock). */
    t: { type: 'integer', minimum: 0 },
    direction: { type: 'string', enum: ['rm->cem', 'cem->rm'] },
    /** Wall-clock receipt time. */
    receivedAt: dateTime,
    message: {},
    raw: { type: 'string' },
    encoding: { const: 'base64' },
    /** The findings this frame raised, sorted by rule (§3.4); S2-RS-MISSING comes with s2.session.ended. */
    findings,
  },
  oneOf: [
    { type: 'object', properties: { message: true }, required: ['message'] },
    { type: 'object', properties: { raw: true }, required: ['raw'] },
  ],
  dependencies: { encoding: ['raw'] },
} as const;

/** A status, system description or similar entry of the state: the applied message and where it came from. */
const appliedMessage = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'messageType', 'message'],
  properties: { seq, messageType: { type: 'string', minLength: 1 }, message: s2Message },
} as const;
const messageById = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['seq', 'message'],
    properties: { seq, message: s2Message },
  },
} as const;
const handshakeSide = {
  type: 'object',
  nullable: true,
  additionalProperties: false,
  required: ['seq', 'role', 'supportedProtocolVersions'],
  properties: {
    seq,
    role: side,
    supportedProtocolVersions: { type: 'array', items: { type: 'string' }, nullable: true },
  },
} as const;

/** §8 readable state, as `state()` returns it. */
export const conversationStateSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'phase',
    'handshake',
    'selectedProtocolVersion',
    'resourceManagerDetails',
    'activeControlType',
    'controlTypeHistory',
    'systemDescription',
    'statuses',
    'forecasts',
    'lastPowerMeasurement',
    'instructions',
    'openInstructions',
    'pendingReceptionStatus',
    'terminated',
    'summary',
  ],
  properties: {
    phase: { type: 'string', enum: ['handshake', 'connected', 'controlled', 'terminated', 'ended'] },
    handshake: {
      type: 'object',
      additionalProperties: false,
      required: ['rm', 'cem', 'response'],
      properties: {
        rm: handshakeSide,
        cem: handshakeSide,
        response: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          required: ['seq', 'selectedProtocolVersion'],
          properties: { seq, selectedProtocolVersion: { type: 'string' } },
        },
      },
    },
    selectedProtocolVersion: { type: 'string', nullable: true },
    resourceManagerDetails: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['seq', 'message'],
      properties: { seq, message: s2Message },
    },
    activeControlType: controlType,
    controlTypeHistory: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'from', 'to'],
        properties: { seq, from: controlType, to: controlType, undoneAtSeq: seq },
      },
    },
    /** The latest FRBC/OMBC/DDBC SystemDescription of the active family. */
    systemDescription: { ...appliedMessage, nullable: true },
    /** PPBC only: every PowerProfileDefinition by id. */
    powerProfiles: messageById,
    /** PEBC only: PowerConstraints and EnergyConstraint by id. */
    powerConstraints: messageById,
    energyConstraints: messageById,
    /** Latest applied status per key: `actuator:<id>`, `storage`, `device`, `timer:[<actuator_id>/]<timer_id>`, `container:<profile>/<container>`. */
    statuses: {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^(actuator:.+|storage|device|timer:.+|container:.+/.+)$' },
      additionalProperties: appliedMessage,
    },
    /** Latest applied forecast per message type. */
    forecasts: {
      type: 'object',
      propertyNames: {
        type: 'string',
        enum: [
          'FRBC.LeakageBehaviour',
          'FRBC.UsageForecast',
          'FRBC.FillLevelTargetProfile',
          'DDBC.AverageDemandRateForecast',
          'PowerForecast',
        ],
      },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'message'],
        properties: { seq, messageType: { type: 'string' }, message: s2Message },
      },
    },
    lastPowerMeasurement: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['seq', 't', 'message'],
      properties: { seq, t: { type: 'integer', minimum: 0 }, message: s2Message },
    },
    instructions: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'messageType', 'status', 'statusSeq'],
        properties: {
          seq,
          messageType: { type: 'string', minLength: 1 },
          /** The latest `status_type`, or null. */
          status: {
            type: 'string',
            nullable: true,
            enum: ['NEW', 'ACCEPTED', 'REJECTED', 'REVOKED', 'STARTED', 'SUCCEEDED', 'ABORTED', null],
          },
          statusSeq: { type: 'integer', minimum: 1, nullable: true },
          revokedAtSeq: seq,
        },
      },
    },
    openInstructions: { type: 'array', items: { type: 'string' } },
    /** Empty after end(): the unanswered messages have become S2-RS-MISSING findings. */
    pendingReceptionStatus: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'side', 'messageId', 'messageType', 't', 'overdue'],
        properties: {
          seq,
          side,
          messageId: { type: 'string' },
          messageType: { type: 'string' },
          t: { type: 'integer', minimum: 0 },
          overdue: { type: 'boolean' },
        },
      },
    },
    terminated: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['seq', 'side', 'request'],
      properties: { seq, side, request: { type: 'string', enum: ['RECONNECT', 'TERMINATE'] } },
    },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['frames', 'verdict', 'schemaValid', 'counts'],
      properties: {
        frames: count,
        verdict: { type: 'string', enum: ['valid', 'invalid'] },
        schemaValid: { type: 'boolean' },
        counts: {
          type: 'object',
          additionalProperties: false,
          required: ['error', 'warning', 'schema', 'state', 'semantic', 'strict'],
          properties: { error: count, warning: count, schema: count, state: count, semantic: count, strict: count },
        },
      },
    },
  },
} as const;

/** The session ended (§7 P7): the findings end() raised (S2-RS-MISSING) and the final state. */
export const s2SessionEndedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionId', 'endedAt', 'findings', 'state'],
  properties: {
    sessionId: { type: 'string', minLength: 1 },
    ...pairProperties,
    endedAt: dateTime,
    findings,
    state: conversationStateSchema,
    /**
     * Frames of the session that the analyzer forwarded and analysed (they count in `state.summary`) but could not
     * store while its store was behind past its buffer: they have no s2.frame.observed record.
     */
    framesLost: { type: 'integer', minimum: 0 },
  },
} as const;

export const s2Frames = defineTopic({
  name: 's2.frames',
  key: 'sessionId',
  description:
    "Every frame the S2 analyzer observed, with direction, time and findings, and each session's end with its final state.",
  producers: ['s2-analyzer'],
  consumers: [],
  // A high-volume debugging stream (every frame of every session); the analyzer keeps the history itself.
  config: { partitions: 6, retentionMs: 7 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    's2.frame.observed': s2FrameSchema,
    's2.session.ended': s2SessionEndedSchema,
  },
});
