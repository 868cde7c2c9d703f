import type { FromSchema } from 'json-schema-to-ts';
import type { meterReadingSchema } from './topics/meter';

/** The typed `data` of each event type, derived from its schema so the two cannot drift apart. */
export type MeterReading = FromSchema<typeof meterReadingSchema>;
