import { P2PError } from '../errors';
import { type StreamRecord } from './ingestion';
import { type Bounds, boundsOf, type RejectionReason, readSpan } from '../time/interval';
import { type Quality } from './quality';
import { kwhToWh } from '../units/units';

/** §3.1 `meter.reading` as it arrives (after the topic's schema); the blueprint's kWh aliases only on HTTP. */
export interface MeterReadingValue {
  meterId: string;
  startTime: number;
  endTime: number;
  bounds?: Bounds;
  energyWh?: number;
  quality?: Quality;
  revision?: number;
  command?: string;
  /** Blueprint kWh alias of a source (P2P-U1, §12.4). */
  output?: number | string;
  /** Blueprint kWh alias of a consumer. */
  usage?: number | string;
}

/** Who a stream belongs to, which decides the commands that count (P2P-IN6). */
export type StreamRole = 'source' | 'consumer' | 'producer';

const COMMAND_OF: Record<StreamRole, string> = { source: 'output', consumer: 'usage', producer: 'output' };

/** P2P-IN6: a record counts when its `command` is absent or fits the stream's role; others are ignored. */
export function commandFitsRole(role: StreamRole, command: string | undefined): boolean {
  return command === undefined || command === COMMAND_OF[role];
}

export type ReadingIntake =
  | { kind: 'record'; record: StreamRecord }
  | { kind: 'rejected'; reason: RejectionReason }
  /** Ignored and counted, never rejected: a command that does not fit the role (P2P-IN6), or no energy (P2P reads only `energyWh`). */
  | { kind: 'ignored'; why: 'command' | 'no-energy' };

export interface ReadingContext {
  role: 'source' | 'consumer';
  channel: 'kafka' | 'http';
  /** The service's configured wire bounds, used for HTTP input without `bounds` (P2P-T4). */
  wireBounds: Bounds;
  offset?: number;
}

function energyFrom(value: MeterReadingValue, context: ReadingContext): number | RejectionReason | null {
  if (value.energyWh !== undefined) return value.energyWh;
  const kwh = context.channel === 'http' ? (context.role === 'source' ? value.output : value.usage) : undefined;
  if (kwh === undefined) return null;
  try {
    return kwhToWh(kwh);
  } catch (error) {
    if (error instanceof P2PError) return 'energy';
    throw error;
  }
}

/**
 * Turns a `meter.reading` into the stream record the ingestion rules take: role filter (P2P-IN6), the span read
 * per P2P-T4, and the energy in Wh (kWh aliases converted only if exact, P2P-U1). Range checks are §5's.
 */
export function readMeterReading(value: MeterReadingValue, context: ReadingContext): ReadingIntake {
  if (!commandFitsRole(context.role, value.command)) return { kind: 'ignored', why: 'command' };
  const energyWh = energyFrom(value, context);
  if (energyWh === null) return { kind: 'ignored', why: 'no-energy' };
  if (typeof energyWh === 'string') return { kind: 'rejected', reason: energyWh };
  if (!Number.isSafeInteger(value.startTime) || !Number.isSafeInteger(value.endTime))
    return { kind: 'rejected', reason: 'not-integer' };
  const bounds = boundsOf(value.bounds, context.channel, context.wireBounds);
  const record: StreamRecord = {
    streamKey: value.meterId,
    span: readSpan(value.startTime, value.endTime, bounds),
    energyWh,
    ...(value.quality !== undefined ? { quality: value.quality } : {}),
    ...(value.revision !== undefined ? { revision: value.revision } : {}),
    ...(context.offset !== undefined ? { offset: context.offset } : {}),
  };
  return { kind: 'record', record };
}
