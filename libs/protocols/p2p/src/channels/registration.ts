import { P2PError } from '../errors';
import { type Span } from '../time/interval';

/** A period during which a registration is active: `[from, until)`, `until` null while it lasts. */
export interface ActivePeriod {
  from: number;
  until: number | null;
}

/** What the rules need of a registration (§12): its stream and when it was active. */
export interface Registration<R extends string = string> {
  id: string;
  role: R;
  /** The stream key its records arrive under (`root`, default the id). */
  streamKey: string;
  periods: ActivePeriod[];
}

/** P2P-AG1, S1: active at any time within the span. */
export function activeWithin(periods: readonly ActivePeriod[], span: Span): boolean {
  return periods.some((p) => p.from < span.end && (p.until === null || p.until > span.start));
}

/** Active at the instant `t`. */
export function activeAt(periods: readonly ActivePeriod[], t: number): boolean {
  return periods.some((p) => p.from <= t && (p.until === null || p.until > t));
}

/**
 * The registrations of one service by id and by stream key, with their activity. Registering a deregistered id
 * re-activates it (§12.2); a stream key serves one active registration (§12.2 check 9); deregistration closes the
 * period and unbinds the stream (§12.3).
 */
export class Registry<R extends string = string> {
  private readonly byId = new Map<string, Registration<R>>();
  private readonly byStream = new Map<string, Registration<R>>();

  register(id: string, role: R, at: number, streamKey: string = id): Registration<R> {
    const holder = this.byStream.get(streamKey);
    if (holder && holder.id !== id)
      throw new P2PError('INVALID_STATE', `Channel '${streamKey}' is already registered to '${holder.id}'.`);
    const known = this.byId.get(id);
    const registration = known ?? { id, role, streamKey, periods: [] };
    if (known && known.streamKey !== streamKey) this.byStream.delete(known.streamKey);
    registration.streamKey = streamKey;
    if (!activeAt(registration.periods, at)) registration.periods.push({ from: at, until: null });
    this.byId.set(id, registration);
    this.byStream.set(streamKey, registration);
    return registration;
  }

  deregister(id: string, at: number): void {
    const registration = this.byId.get(id);
    if (!registration) return;
    for (const period of registration.periods) if (period.until === null) period.until = at;
    this.byStream.delete(registration.streamKey);
  }

  /** The active registration a stream is bound to, if any (P2P-CH3). */
  boundTo(streamKey: string): Registration<R> | undefined {
    return this.byStream.get(streamKey);
  }

  get(id: string): Registration<R> | undefined {
    return this.byId.get(id);
  }

  /** Registrations with `role` active at any time within the span. */
  activeWithin(role: R, span: Span): string[] {
    return [...this.byId.values()].filter((r) => r.role === role && activeWithin(r.periods, span)).map((r) => r.id);
  }

  all(): Registration<R>[] {
    return [...this.byId.values()];
  }
}
