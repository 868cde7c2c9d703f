/**
 * The VTN's event model (SPEC §5.1): one version of an event as the operator defined it, in plain
 * values. The wire form (oadrEvent) is rendered from it per VEN and instant (render.ts).
 */
import type { ResponseRequired, SignalName, SignalType } from '../payloads/event';
import type { SiScaleCode } from '../payloads/common';
import type { Duration, Instant } from '../values';

/** The units of a signal (§5.1 `signals[].units`); `scale` defaults to `none`. */
export type SignalUnits =
  | {
      readonly item: 'powerReal';
      readonly units: 'W';
      readonly scale?: SiScaleCode;
      readonly hertz: number;
      readonly voltage: number;
      readonly ac: boolean;
    }
  | { readonly item: 'energyReal'; readonly units: 'Wh'; readonly scale?: SiScaleCode }
  | {
      readonly item: 'currency' | 'currencyPerKWh' | 'currencyPerKW';
      readonly units: string;
      readonly scale?: SiScaleCode;
    }
  | { readonly item: 'customUnit'; readonly description: string; readonly units: string; readonly scale?: SiScaleCode };

export interface SignalInterval {
  /** Whole seconds; only the last interval of a signal may be 0 (open-ended). */
  readonly duration: Duration;
  readonly value: number;
}

export interface EventSignal {
  readonly id: string;
  readonly name: SignalName;
  readonly type: SignalType;
  readonly units?: SignalUnits;
  readonly intervals: readonly SignalInterval[];
}

export type EventTargets =
  | { readonly all: true }
  | {
      readonly all?: false;
      readonly venIds?: readonly string[];
      readonly groupIds?: readonly string[];
      readonly resourceIds?: readonly string[];
      readonly partyIds?: readonly string[];
    };

export interface EventVersion {
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly modificationDateTime?: Instant;
  readonly modificationReason?: string;
  /** Creation of the event, constant across versions. */
  readonly createdDateTime: Instant;
  readonly marketContext: string;
  /** 0 = no priority (lowest); 1 is the most urgent. */
  readonly priority: number;
  readonly testEvent: boolean;
  readonly vtnComment?: string;
  readonly responseRequired: ResponseRequired;
  /** S. */
  readonly start: Instant;
  /** R. */
  readonly rampUp?: Duration;
  readonly notification?: Duration;
  /** C. */
  readonly recovery?: Duration;
  readonly startAfter?: Duration;
  readonly signals: readonly EventSignal[];
  readonly targets: EventTargets;
  readonly cancelled: boolean;
}

/**
 * D: the interval total of the event's signals (EV-1 makes them equal), or 0 when the last interval is
 * `PT0S`, which makes the event open-ended.
 */
export function eventDuration(event: EventVersion): Duration {
  const intervals = event.signals[0]?.intervals ?? [];
  if (intervals.length === 0 || intervals[intervals.length - 1]?.duration === 0) return 0;
  return intervals.reduce((sum, interval) => sum + interval.duration, 0);
}
