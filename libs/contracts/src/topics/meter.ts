import { DAY_MS, defineTopic } from '../topic';

/** DESIGN.md "meter.readings": one record shape shared by every writer (VTN, analyzer, simulators, P2P). */
export const meterReadingSchema = {
  type: 'object',
  additionalProperties: false,
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

export const meterReadings = defineTopic({
  name: 'meter.readings',
  key: 'meterId',
  description: 'One metered span per record: energy (integer Wh) and/or power (integer W) of one meter.',
  producers: ['openadr-vtn', 's2-analyzer', 'p2p-simulator', 'p2p-producer', 'p2p-grid'],
  config: { partitions: 6, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'meter.reading': meterReadingSchema,
  },
});
