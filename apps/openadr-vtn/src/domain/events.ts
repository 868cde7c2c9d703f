/**
 * §5: events as the operator defines them (EV-1..EV-11), matching (EV-4), full state and its rendering
 * (EV-12..EV-16), and the VEN's answers to them (EV-17..EV-20).
 */
import {
  checkEventContent,
  distributeEvents,
  type EventVersion,
  inFullState,
  type Instant,
  type OadrCreatedEvent,
  type OadrDistributeEvent,
  targetsVen,
} from '@flexgrid/protocol-openadr';
import { VtnError } from '../errors';
import { eventRecord, type EventChange, optEventResponseRecord } from '../records';
import type { StoredEvent, VenRecord, VtnStore } from '../store/store';
import { canonical } from './canonical-json';
import type { VtnContext } from './context';
import { type EventInput, eventFromInput, mergeEventInput } from './event-input';

export interface EventWriteResult {
  readonly status: 200 | 201;
  readonly event: StoredEvent;
  readonly warnings: readonly { pointer: string; message: string }[];
}

function venAttributes(ven: VenRecord) {
  return {
    venId: ven.venId,
    groups: ven.groups,
    ...(ven.partyId !== null && { partyId: ven.partyId }),
    resources: [...ven.resources, ...ven.reportResources],
    reportOnly: ven.reportOnly,
  };
}

/** EV-4 for one VEN: registered, active, not report-only, and targeted. */
export function matches(version: EventVersion, ven: VenRecord): boolean {
  return ven.registration === 'active' && !ven.removed && targetsVen(version.targets, venAttributes(ven));
}

/** What an operator defines, without the fields a new version sets itself. */
function content(version: EventVersion): string {
  const rest: { -readonly [K in keyof EventVersion]?: EventVersion[K] } = { ...version };
  delete rest.modificationNumber;
  delete rest.modificationDateTime;
  delete rest.modificationReason;
  return canonical(rest);
}

const sameContent = (a: EventVersion, b: EventVersion): boolean => content(a) === content(b);

function refuse(errors: readonly { pointer: string; message: string }[]): never {
  throw VtnError.unprocessable(errors);
}

/**
 * EV-10: queues (or keeps) one distribute item for every VEN matched by the old or the new version and
 * records who is matched now; VENs that received the event and no longer match see it withdrawn (EV-11).
 */
async function redistribute(tx: VtnStore, version: EventVersion, now: Instant): Promise<void> {
  const before = await tx.eventVens(version.eventId);
  const matchedBefore = new Set(before.filter((r) => r.matched).map((r) => r.venId));
  const matchedNow = new Set(
    version.cancelled
      ? matchedBefore
      : (await tx.targetableVens()).filter((ven) => matches(version, ven)).map((ven) => ven.venId),
  );
  for (const venId of matchedNow)
    if (!matchedBefore.has(venId)) await tx.setEventMatch(version.eventId, venId, true, now);
  for (const venId of matchedBefore)
    if (!matchedNow.has(venId)) await tx.setEventMatch(version.eventId, venId, false, now);
  for (const venId of new Set([...matchedBefore, ...matchedNow])) await tx.enqueueDistribute(venId);
}

export async function createEvent(context: VtnContext, input: EventInput): Promise<EventWriteResult> {
  const now = context.now();
  const version = eventFromInput(input, context.settings.defaultMarketContext, context.newId, now);
  const check = checkEventContent(version, now);
  if (check.errors.length > 0) refuse(check.errors);
  const result = await context.store.transaction(async (tx) => {
    const existing = await tx.event(version.eventId, true);
    if (existing) {
      if (canonical(existing.createBody) === canonical(input))
        return { status: 200 as const, event: existing, warnings: check.warnings };
      throw VtnError.http(409, 'Conflict', `event ${version.eventId} exists with a different body`);
    }
    const stored: StoredEvent = { version, createBody: input, createdAt: now, cancelledAt: null };
    await tx.insertEvent(stored);
    await redistribute(tx, version, now);
    await tx.publish([eventRecord(version, 'created')]);
    return { status: 201 as const, event: stored, warnings: check.warnings };
  });
  context.published();
  return result;
}

async function changeEvent(
  context: VtnContext,
  eventId: string,
  change: (current: StoredEvent, now: Instant) => EventVersion | undefined,
  kind: EventChange,
  ifMatch?: number,
): Promise<EventWriteResult> {
  const result = await context.store.transaction(async (tx) => {
    const now = context.now();
    const current = await tx.event(eventId, true); // EV changes serialize on the event row (DB-1)
    if (!current) throw VtnError.http(404, 'Not found', `no event ${eventId}`);
    if (ifMatch !== undefined && ifMatch !== current.version.modificationNumber)
      throw VtnError.http(
        412,
        'Precondition failed',
        `the event is at modificationNumber ${current.version.modificationNumber}`,
      );
    const next = change(current, now);
    if (!next) return { status: 200 as const, event: current, warnings: [] };
    const cancelledAt = next.cancelled ? (current.cancelledAt ?? now) : null;
    await tx.saveEventVersion(next, cancelledAt);
    await redistribute(tx, next, now);
    await tx.publish([eventRecord(next, kind)]);
    return { status: 200 as const, event: { ...current, version: next, cancelledAt }, warnings: [] };
  });
  context.published();
  return result;
}

function refuseFinished(current: StoredEvent, now: Instant, what: string): void {
  const { version } = current;
  if (version.cancelled)
    throw VtnError.http(409, 'Conflict', `event ${version.eventId} is cancelled; it cannot be ${what}`);
  const d = version.signals[0]?.intervals ?? [];
  const open = d.length === 0 || d[d.length - 1]?.duration === 0;
  const end = version.start + (d.reduce((s, i) => s + i.duration, 0) + (version.recovery ?? 0)) * 1000;
  if (!open && now >= end)
    throw VtnError.http(409, 'Conflict', `event ${version.eventId} is completed; it cannot be ${what}`);
}

/** EV-8: PATCH; signals and targets replace whole; no change → no new version. */
export function modifyEvent(
  context: VtnContext,
  eventId: string,
  patch: Record<string, unknown>,
  ifMatch?: number,
): Promise<EventWriteResult> {
  let warnings: readonly { pointer: string; message: string }[] = [];
  return changeEvent(
    context,
    eventId,
    (current, now) => {
      refuseFinished(current, now, 'modified');
      const merged = mergeEventInput(current.version, patch, context.settings.defaultMarketContext, context.newId);
      if (sameContent(merged, current.version)) return undefined;
      const next: EventVersion = {
        ...merged,
        modificationNumber: current.version.modificationNumber + 1,
        modificationDateTime: now,
      };
      const check = checkEventContent(next, now);
      if (check.errors.length > 0) refuse(check.errors);
      warnings = check.warnings;
      return next;
    },
    'modified',
    ifMatch,
  ).then((result) => ({ ...result, warnings }));
}

/** EV-9: DELETE cancels with a new version; a cancelled event stays as it is. */
export function cancelEvent(context: VtnContext, eventId: string, ifMatch?: number): Promise<EventWriteResult> {
  return changeEvent(
    context,
    eventId,
    (current, now) => {
      if (current.version.cancelled) return undefined;
      refuseFinished(current, now, 'cancelled');
      return {
        ...current.version,
        modificationNumber: current.version.modificationNumber + 1,
        modificationDateTime: now,
        cancelled: true,
      };
    },
    'cancelled',
    ifMatch,
  );
}

/** EV-4 after a VEN's registration or attributes changed: re-evaluates its matches; true when its state changed. */
export async function rematchVen(tx: VtnStore, venId: string, now: Instant): Promise<boolean> {
  const ven = await tx.ven(venId);
  if (!ven) return false;
  let changed = false;
  const live = (await tx.events({ from: now, limit: 100_000 })).filter((e) => !e.version.cancelled);
  const rows = new Map((await tx.fullStateRows(venId, now)).map((r) => [r.eventId, r]));
  for (const { version } of live) {
    const now_ = matches(version, ven);
    const before = rows.get(version.eventId)?.matched ?? false;
    if (now_ !== before) {
      await tx.setEventMatch(version.eventId, venId, now_, now);
      changed = true;
    }
  }
  return changed;
}

export interface FullState {
  readonly events: EventVersion[];
  readonly withdrawn: Set<string>;
  /** The version each event was last delivered in. */
  readonly deliveredVersions: Map<string, number | null>;
}

/** EV-12: F(v, t) from what the store knows about the VEN's events. */
export async function fullState(context: VtnContext, tx: VtnStore, venId: string, now: Instant): Promise<FullState> {
  const events: EventVersion[] = [];
  const withdrawn = new Set<string>();
  const deliveredVersions = new Map<string, number | null>();
  for (const row of await tx.fullStateRows(venId, now)) {
    deliveredVersions.set(row.eventId, row.deliveredModificationNumber);
    const received = row.deliveredModificationNumber !== null;
    const cancelledAt = row.version.cancelled ? row.cancelledAt : row.withdrawnAt;
    const delivery = {
      matched: row.matched,
      received,
      cancellationAcknowledged: row.cancellationAcked,
      ...(cancelledAt !== null && { cancelledAt }),
    };
    if (!inFullState(row.version, now, delivery, context.settings.cancelledRetention)) continue;
    events.push(row.version);
    if (!row.version.cancelled && !row.matched && received) withdrawn.add(row.version.eventId);
  }
  return { events, withdrawn, deliveredVersions };
}

export interface Distribution {
  readonly payload: OadrDistributeEvent;
  /** The distribute holds an event with responseRequired=always, so the VEN must answer it (§6 table). */
  readonly expectsReply: boolean;
  /** EV-13 for `never` events: cancellations this delivery settles once it is completely written. */
  readonly settlesOnWrite: readonly string[];
  readonly truncated: boolean;
}

/** EV-15/EV-16: renders F(v, t) for a VEN and records the delivered versions. */
export async function distribute(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  now: Instant,
  answering?: string,
  replyLimit?: number,
): Promise<Distribution> {
  const state = await fullState(context, tx, venId, now);
  const payload = distributeEvents(state.events, {
    venId,
    vtnId: context.settings.vtnId,
    now,
    requestID: context.newId(),
    ...(answering !== undefined && { answering }),
    ...(replyLimit !== undefined && { replyLimit }),
    withdrawn: state.withdrawn,
  });
  const shown = new Set((payload.oadrEvent ?? []).map((e) => e.eiEvent.eventDescriptor.eventID));
  const delivered = state.events.filter((e) => shown.has(e.eventId));
  // Each (event, version) delivery is recorded once, at its first delivery: repeats cost no write.
  const firstDeliveries = delivered.filter((e) => state.deliveredVersions.get(e.eventId) !== e.modificationNumber);
  await tx.recordDeliveries(
    venId,
    firstDeliveries.map((e) => ({ eventId: e.eventId, modificationNumber: e.modificationNumber })),
    now,
  );
  return {
    payload,
    expectsReply: delivered.some((e) => e.responseRequired === 'always'),
    settlesOnWrite: delivered
      .filter((e) => e.responseRequired === 'never' && (e.cancelled || state.withdrawn.has(e.eventId)))
      .map((e) => e.eventId),
    truncated: delivered.length < state.events.length,
  };
}

/** EV-13 for `never` events, once the distribute holding them was completely written. */
export async function settleNeverCancellations(context: VtnContext, venId: string, eventIds: readonly string[]) {
  if (eventIds.length === 0) return;
  await context.store.transaction(async (tx) => {
    for (const eventId of eventIds) await tx.ackCancellation(venId, eventId);
  });
}

/** EV-17..EV-20: oadrCreatedEvent, all-or-nothing. */
export async function createdEvent(context: VtnContext, tx: VtnStore, venId: string, message: OadrCreatedEvent) {
  const now = context.now();
  const responses = message.eventResponses ?? [];
  const events = new Map<string, StoredEvent>();
  for (const response of responses) {
    const { eventID, modificationNumber } = response.qualifiedEventID;
    const event = events.get(eventID) ?? (await tx.event(eventID));
    const matchedOnce = event && (await tx.eventVen(eventID, venId)) !== undefined;
    if (!event || !matchedOnce) throw VtnError.ei('INVALID_ID', `unknown eventID ${eventID}`);
    if (modificationNumber > event.version.modificationNumber)
      throw VtnError.ei('INVALID_ID', `event ${eventID} has no modificationNumber ${modificationNumber} yet`);
    events.set(eventID, event);
  }
  const records = [];
  for (const response of responses) {
    const { eventID, modificationNumber } = response.qualifiedEventID;
    const event = events.get(eventID) as StoredEvent;
    const current = event.version.modificationNumber;
    const stale = modificationNumber < current;
    if (stale)
      context.logger.info({ venId, eventId: eventID, modificationNumber, current }, 'stale event response (EV-18)');
    const previous = await tx.optResponse(venId, eventID, modificationNumber);
    await tx.saveOptResponse({
      venId,
      eventId: eventID,
      modificationNumber,
      optType: response.optType,
      responseCode: response.responseCode,
      requestId: response.requestID,
      stale,
      receivedAt: now,
    });
    // EV-19: openleadr re-sends its previous opts with every distribute; publish only what changed.
    if (!previous || previous.optType !== response.optType || previous.responseCode !== response.responseCode)
      records.push(
        optEventResponseRecord({
          venId,
          eventId: eventID,
          modificationNumber,
          currentModificationNumber: current,
          optType: response.optType,
          responseCode: response.responseCode,
          source: 'createdEvent',
          receivedAt: now,
        }),
      );
    // EV-13: the VEN has seen the cancellation (or the withdrawal) once it answers the cancelling version.
    const row = await tx.eventVen(eventID, venId);
    if ((event.version.cancelled || (row && !row.matched)) && modificationNumber >= current)
      await tx.ackCancellation(venId, eventID);
  }
  await tx.publish(records);
  // EV-20, Q-3: the answer settles an in-flight distribute.
  if (responses.length > 0) await tx.ack(venId, ['distribute'], now, () => true);
  return records.length > 0;
}
