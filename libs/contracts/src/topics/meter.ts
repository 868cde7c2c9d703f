import { DAY_MS, defineTopic } from '../topic';
import { base64Url43Schema, streamKeySchema } from './p2p';

/**
 * DESIGN.md "meter.readings": one record shape shared by every writer (VTN, analyzer, simulators, P2P), checked
 * against OpenADR SPEC RP-13 and P2P SPEC §3.1.
 *
 * - Open object: P2P §3 says readers ignore unknown fields, and devices write this topic directly (P2P §2), so
 *   an extra field must not dead-letter a reading. Every known field is still typed.
 * - `energyWh` is an integer without a lower bound: P2P reads only readings ≥ 0 and rejects negative ones itself
 *   (P2P-IN8 reason `energy`, which needs them to reach it), while VTN (RP-11) and analyzer (S2 production is
 *   negative power) readings may be negative.
 * - `powerW` is an integer as in DESIGN.md and RP-11 (exact decimal, rounded); P2P §3.1 says "number" but does
 *   not use it.
 * - `endTime > startTime` cannot be said in JSON Schema; readers check it (P2P-T5 `empty-span`).
 */
export const meterReadingSchema = {
  type: 'object',
  required: ['meterId', 'startTime', 'endTime', 'source'],
  properties: {
    meterId: { type: 'string', minLength: 1, maxLength: 256 },
    startTime: { type: 'integer', minimum: 0 },
    endTime: { type: 'integer', minimum: 1 },
    bounds: { type: 'string', enum: ['half-open', 'inclusive'], default: 'half-open' },
    energyWh: { type: 'integer' },
    powerW: { type: 'integer' },
    quality: { type: 'string', enum: ['measured', 'replaced', 'estimated'], default: 'measured' },
    revision: { type: 'integer', minimum: 0 },
    command: { type: 'string', enum: ['output', 'usage'] },
    source: { type: 'string', minLength: 1, maxLength: 128 },
    origin: { type: 'object' },
  },
} as const;

/** P2P §3.1, P2P-CH2: a source or consumer opens its stream with a hello before its first reading. */
export const meterChannelHelloSchema = {
  type: 'object',
  required: ['command', 'meterId', 'sideKeyHash', 'sentAt'],
  properties: {
    command: { const: 'hello' },
    meterId: streamKeySchema,
    sideKeyHash: base64Url43Schema,
    sentAt: { type: 'integer', minimum: 0 },
  },
} as const;

/** P2P §3.1: a goodbye ends the stream (P2P-CH4). */
export const meterChannelGoodbyeSchema = {
  type: 'object',
  required: ['command', 'meterId', 'sentAt'],
  properties: {
    command: { const: 'goodbye' },
    meterId: streamKeySchema,
    sentAt: { type: 'integer', minimum: 0 },
  },
} as const;

export const meterReadings = defineTopic({
  name: 'meter.readings',
  key: 'meterId',
  description:
    'One metered span per record: energy (integer Wh) and/or power (integer W) of one meter; P2P streams also carry their channel hello/goodbye.',
  producers: ['openadr-vtn', 's2-analyzer', 'p2p-simulator'],
  consumers: ['p2p-producer', 'p2p-grid'],
  config: { partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'meter.reading': meterReadingSchema,
    'channel.hello': meterChannelHelloSchema,
    'channel.goodbye': meterChannelGoodbyeSchema,
  },
});
