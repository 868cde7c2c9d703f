/** EV-5, EV-15, EV-16: an event version as the oadrEvent a given VEN receives at a given instant. */
import type { EiTarget, ItemBase } from '../payloads/common';
import type { OadrDistributeEvent, OadrEvent } from '../payloads/event';
import { eiResponse } from '../response';
import { formatDecimal, type Instant } from '../values';
import { type EventSignal, type EventVersion, eventDuration, type SignalUnits } from './model';
import { currentValue, distributionOrder, eventStatus } from './status';

export interface RenderContext {
  /** The receiving VEN. */
  readonly venId: string;
  readonly now: Instant;
  /** EV-11: the VEN got an earlier version but is no longer targeted, so it sees the event as cancelled. */
  readonly withdrawn?: boolean;
}

/** The emix:itemBase member for signal units. */
export function signalItemBase(units: SignalUnits): ItemBase {
  const siScaleCode = units.scale ?? 'none';
  switch (units.item) {
    case 'powerReal':
      return {
        type: 'powerReal',
        itemDescription: 'RealPower',
        itemUnits: units.units,
        siScaleCode,
        powerAttributes: { hertz: formatDecimal(units.hertz), voltage: formatDecimal(units.voltage), ac: units.ac },
      };
    case 'energyReal':
      return { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: units.units, siScaleCode };
    case 'customUnit':
      return { type: 'customUnit', itemDescription: units.description, itemUnits: units.units, siScaleCode };
    default:
      return { type: units.item, itemDescription: units.item, itemUnits: units.units, siScaleCode };
  }
}

/** EV-5: groupID*, resourceID*, venID*, partyID* from the targets; `all` names only the receiving VEN. */
export function renderTargets(event: EventVersion, venId: string): EiTarget {
  const t = event.targets;
  if (t.all === true) return { venID: [venId] };
  const list = (values: readonly string[] | undefined): string[] | undefined =>
    values && values.length > 0 ? [...values] : undefined;
  const target: EiTarget = {};
  const groupID = list(t.groupIds);
  const resourceID = list(t.resourceIds);
  const venID = list(t.venIds);
  const partyID = list(t.partyIds);
  if (groupID) target.groupID = groupID;
  if (resourceID) target.resourceID = resourceID;
  if (venID) target.venID = venID;
  if (partyID) target.partyID = partyID;
  return target;
}

function renderSignal(event: EventVersion, signal: EventSignal, now: Instant, active: boolean) {
  return {
    intervals: signal.intervals.map((interval, uid) => ({
      duration: interval.duration,
      uid: String(uid),
      payloads: [
        {
          type: 'signalPayload' as const,
          payloadBase: { type: 'payloadFloat' as const, value: formatDecimal(interval.value) },
        },
      ],
    })),
    signalName: signal.name,
    signalType: signal.type,
    signalID: signal.id,
    ...(signal.units && { itemBase: signalItemBase(signal.units) }),
    currentValue: formatDecimal(active ? currentValue(event, signal, now) : 0),
  };
}

/** EV-15: one oadrEvent (no interval dtstart; optional active-period parts only when > 0). */
export function renderOadrEvent(event: EventVersion, context: RenderContext): OadrEvent {
  const status = context.withdrawn ? 'cancelled' : eventStatus(event, context.now);
  const positive = (value: number | undefined): number | undefined =>
    value !== undefined && value > 0 ? value : undefined;
  const startafter = positive(event.startAfter);
  const notification = positive(event.notification);
  const rampUp = positive(event.rampUp);
  const recovery = positive(event.recovery);
  return {
    eiEvent: {
      eventDescriptor: {
        eventID: event.eventId,
        modificationNumber: event.modificationNumber,
        ...(event.modificationDateTime !== undefined && { modificationDateTime: event.modificationDateTime }),
        ...(event.modificationReason !== undefined && { modificationReason: event.modificationReason }),
        priority: event.priority,
        marketContext: event.marketContext,
        createdDateTime: event.createdDateTime,
        eventStatus: status,
        testEvent: event.testEvent,
        ...(event.vtnComment !== undefined && { vtnComment: event.vtnComment }),
      },
      eiActivePeriod: {
        dtstart: event.start,
        duration: eventDuration(event),
        ...(startafter !== undefined && { tolerance: { startafter } }),
        ...(notification !== undefined && { notification }),
        ...(rampUp !== undefined && { rampUp }),
        ...(recovery !== undefined && { recovery }),
      },
      eiEventSignals: {
        eiEventSignal: event.signals.map((signal) => renderSignal(event, signal, context.now, status === 'active')),
      },
      eiTarget: renderTargets(event, context.venId),
    },
    oadrResponseRequired: event.responseRequired,
  };
}

export interface DistributeOptions {
  readonly venId: string;
  readonly vtnId: string;
  readonly now: Instant;
  /** A fresh requestID for this rendering (RID-3). */
  readonly requestID: string;
  /** The oadrRequestEvent's requestID being answered; empty when delivered by poll (EV-15). */
  readonly answering?: string;
  /** EV-16: keep the first replyLimit events (0 or absent: all). */
  readonly replyLimit?: number;
  /** Events withdrawn from this VEN (EV-11), by eventId. */
  readonly withdrawn?: ReadonlySet<string>;
}

/** EV-15/EV-16: the oadrDistributeEvent for a VEN's full state, in EV-14 order. */
export function distributeEvents(events: readonly EventVersion[], options: DistributeOptions): OadrDistributeEvent {
  const ordered = distributionOrder(events, options.now, options.withdrawn);
  const limited = options.replyLimit ? ordered.slice(0, options.replyLimit) : ordered;
  const oadrEvent = limited.map((event) =>
    renderOadrEvent(event, {
      venId: options.venId,
      now: options.now,
      withdrawn: options.withdrawn?.has(event.eventId) ?? false,
    }),
  );
  return {
    type: 'oadrDistributeEvent',
    eiResponse: eiResponse('OK', options.answering ?? ''),
    requestID: options.requestID,
    vtnID: options.vtnId,
    ...(oadrEvent.length > 0 && { oadrEvent }),
  };
}
