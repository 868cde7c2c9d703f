/**
 * The Kafka records the VTN publishes (SPEC §11, RP-13), built from the protocol lib's types and checked by
 * the compiler against libs/contracts with `satisfies`. They go through the transactional outbox.
 */
import type {
  MeterReading,
  OpenadrEvent,
  OptCancelled,
  OptEventResponse,
  OptSchedule,
  VenStatusChanged,
} from '@flexgrid/contracts';
import type { OutboxEntry } from '@flexgrid/platform-db';
import {
  eventDuration,
  type EventVersion,
  formatDateTime,
  type Instant,
  type ScheduleOpt,
  type TelemetryReading,
} from '@flexgrid/protocol-openadr';

const iso = formatDateTime;

export type EventChange = 'created' | 'modified' | 'cancelled';

/** `openadr.event.created|modified|cancelled`: one record per version, ce_id `<eventId>:<modificationNumber>`. */
export function eventRecord(event: EventVersion, change: EventChange): OutboxEntry {
  const data = {
    eventId: event.eventId,
    modificationNumber: event.modificationNumber,
    modificationDateTime: iso(event.modificationDateTime ?? event.createdDateTime),
    ...(event.modificationReason !== undefined && { modificationReason: event.modificationReason }),
    createdDateTime: iso(event.createdDateTime),
    marketContext: event.marketContext,
    priority: event.priority,
    testEvent: event.testEvent,
    responseRequired: event.responseRequired,
    ...(event.vtnComment !== undefined && { vtnComment: event.vtnComment }),
    cancelled: event.cancelled,
    activePeriod: {
      start: iso(event.start),
      durationSeconds: eventDuration(event),
      rampUpSeconds: event.rampUp ?? 0,
      recoverySeconds: event.recovery ?? 0,
      notificationSeconds: event.notification ?? 0,
      startAfterSeconds: event.startAfter ?? 0,
    },
    signals: event.signals.map((signal) => {
      let start = event.start;
      return {
        signalId: signal.id,
        name: signal.name,
        type: signal.type,
        ...(signal.units && { units: { ...signal.units } }),
        intervals: signal.intervals.map((interval, uid) => {
          const at = start;
          start += interval.duration * 1000;
          return { uid, start: iso(at), durationSeconds: interval.duration, value: interval.value };
        }),
      };
    }),
    targets: { ...event.targets } as Record<string, unknown>,
  } satisfies OpenadrEvent;
  return {
    topic: 'openadr.events',
    event: {
      type: `openadr.event.${change}`,
      key: event.eventId,
      id: `${event.eventId}:${event.modificationNumber}`,
      data,
    },
  };
}

export interface OptResponseFacts {
  readonly venId: string;
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly currentModificationNumber: number;
  readonly optType: 'optIn' | 'optOut';
  readonly responseCode: string;
  readonly source: 'createdEvent' | 'eiOpt';
  readonly optId?: string;
  readonly optReason?: string;
  readonly resourceIds?: readonly string[];
  readonly receivedAt: Instant;
}

/** `openadr.opt.event-response` (EV-19, OPT-5), keyed by eventId. */
export function optEventResponseRecord(opt: OptResponseFacts): OutboxEntry {
  const data = {
    venId: opt.venId,
    eventId: opt.eventId,
    modificationNumber: opt.modificationNumber,
    currentModificationNumber: opt.currentModificationNumber,
    stale: opt.modificationNumber < opt.currentModificationNumber,
    optType: opt.optType,
    responseCode: opt.responseCode,
    source: opt.source,
    ...(opt.optId !== undefined && { optId: opt.optId }),
    ...(opt.optReason !== undefined && { optReason: opt.optReason }),
    ...(opt.resourceIds && opt.resourceIds.length > 0 && { resourceIds: [...opt.resourceIds] }),
    receivedAt: iso(opt.receivedAt),
  } satisfies OptEventResponse;
  return { topic: 'openadr.opt', event: { type: 'openadr.opt.event-response', key: opt.eventId, data } };
}

/** `openadr.opt.schedule` (OPT-2, OPT-5), keyed by venId. */
export function optScheduleRecord(
  venId: string,
  optId: string,
  optType: 'optIn' | 'optOut',
  optReason: string,
  schedule: ScheduleOpt,
  receivedAt: Instant,
): OutboxEntry {
  const data = {
    venId,
    optId,
    optType,
    optReason,
    ...(schedule.marketContext !== undefined && { marketContext: schedule.marketContext }),
    periods: schedule.periods.map((p) => ({ start: iso(p.start), end: iso(p.end) })),
    ...(schedule.resourceIds && { resourceIds: [...schedule.resourceIds] }),
    ...(schedule.deviceClassMrids && { deviceClassMrids: [...schedule.deviceClassMrids] }),
    receivedAt: iso(receivedAt),
  } satisfies OptSchedule;
  return { topic: 'openadr.opt', event: { type: 'openadr.opt.schedule', key: venId, data } };
}

/** `openadr.opt.cancelled` (OPT-4): keyed by eventId for an event opt, by venId for a schedule. */
export function optCancelledRecord(
  venId: string,
  optId: string,
  eventId: string | undefined,
  receivedAt: Instant,
): OutboxEntry {
  const data = {
    venId,
    optId,
    ...(eventId !== undefined && { eventId }),
    receivedAt: iso(receivedAt),
  } satisfies OptCancelled;
  return { topic: 'openadr.opt', event: { type: 'openadr.opt.cancelled', key: eventId ?? venId, data } };
}

export type VenTransition = 'registered' | 'deregistered' | 'online' | 'offline';

export interface VenStatusFacts {
  readonly venId: string;
  readonly venName?: string | null;
  readonly registrationId?: string | null;
  readonly at: Instant;
  readonly lastSeen?: Instant | null;
  readonly pollFreqSeconds?: number | null;
  readonly reason?: string;
}

/** `openadr.ven.registered|deregistered|online|offline` (REG-5, REG-7, ON-2, ON-3), keyed by venId. */
export function venStatusRecord(transition: VenTransition, ven: VenStatusFacts): OutboxEntry {
  const data = {
    venId: ven.venId,
    ...(ven.venName != null && { venName: ven.venName }),
    ...(ven.registrationId != null && { registrationId: ven.registrationId }),
    at: iso(ven.at),
    ...(ven.lastSeen != null && { lastSeen: iso(ven.lastSeen) }),
    ...(ven.pollFreqSeconds != null && { pollFreqSeconds: ven.pollFreqSeconds }),
    ...(ven.reason !== undefined && { reason: ven.reason }),
  } satisfies VenStatusChanged;
  return { topic: 'openadr.ven-status', event: { type: `openadr.ven.${transition}`, key: ven.venId, data } };
}

/** RP-13: one `meter.reading`, ce_id `openadr:<venID>:<rID>:<startMs>:<revision>`. */
export function meterReadingRecord(reading: TelemetryReading, revision: number): OutboxEntry {
  const data = {
    meterId: reading.meterId,
    startTime: reading.startTime,
    endTime: reading.endTime,
    ...(reading.energyWh !== undefined && { energyWh: reading.energyWh }),
    ...(reading.powerW !== undefined && { powerW: reading.powerW }),
    quality: reading.quality,
    revision,
    source: reading.source,
    origin: { ...reading.origin },
  } satisfies MeterReading;
  return {
    topic: 'meter.readings',
    event: {
      type: 'meter.reading',
      key: reading.meterId,
      id: `openadr:${reading.origin.venId}:${reading.origin.rId}:${reading.startTime}:${revision}`,
      data,
    },
  };
}
