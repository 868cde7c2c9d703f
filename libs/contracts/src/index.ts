export * from './topic';
export * from './catalog';
export * from './validation';
export * from './types';
export { meterReadings, meterReadingSchema } from './topics/meter';
