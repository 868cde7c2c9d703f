import { P2PError } from '../errors';
import { type Span } from '../time/interval';
import { type StreamBinding, streamBinding, type StreamRegistration } from './channel';

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
  /** How the stream is held (P2P-CH3); registrations made without one are bound by the operator. */
  binding: StreamRegistration;
}

/** §3.1–§3.3 channel lifecycle records, read from any topic by their stream key. */
export type ChannelCommand =
  | { command: 'hello'; streamKey: string; sideKeyHash: string; sentAt: number }
  | { command: 'goodbye'; streamKey: string; sentAt: number };

/** What a hello or goodbye did to the registration bound to its stream, if any (P2P-CH3/CH4). */
export type ChannelOutcome =
  /** Recorded; no registration holds the stream, or it holds it by the operator and the hello changes nothing. */
  | { outcome: 'recorded' }
  /** A hello with the registration's hash: its data counts (again). */
  | { outcome: 'bound'; registrationId: string }
  /** A hello with another hash: data dropped until the registration is updated with the matching secret. */
  | { outcome: 'suspended'; registrationId: string }
  /** A goodbye: the registration stays, bound again only by a new registration call. */
  | { outcome: 'unbound'; registrationId: string };

const OPERATOR_BINDING: StreamRegistration = { binding: 'operator', sideKeyHash: null };

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
  /** The latest hello hash of every stream key seen, registered or not (P2P-CH3). */
  private readonly hellos = new Map<string, string>();

  register(
    id: string,
    role: R,
    at: number,
    streamKey: string = id,
    binding: StreamRegistration = OPERATOR_BINDING,
  ): Registration<R> {
    const holder = this.byStream.get(streamKey);
    if (holder && holder.id !== id)
      throw new P2PError('INVALID_STATE', `Channel '${streamKey}' is already registered to '${holder.id}'.`);
    const known = this.byId.get(id);
    const registration = known ?? { id, role, streamKey, periods: [], binding };
    if (known && known.streamKey !== streamKey) this.byStream.delete(known.streamKey);
    registration.streamKey = streamKey;
    registration.binding = binding;
    if (!activeAt(registration.periods, at)) registration.periods.push({ from: at, until: null });
    this.byId.set(id, registration);
    this.byStream.set(streamKey, registration);
    return registration;
  }

  deregister(id: string, at: number): void {
    const registration = this.byId.get(id);
    if (!registration) return;
    for (const period of registration.periods) if (period.until === null) period.until = at;
    // §12.3: the secret is cleared with the stream.
    registration.binding = { binding: 'none', sideKeyHash: null };
    this.byStream.delete(registration.streamKey);
  }

  /**
   * P2P-CH3/CH4: records a stream's hello or goodbye. A goodbye unbinds the registration holding the stream; a
   * hello decides whether a proof-bound registration's data counts.
   */
  channel(command: ChannelCommand): ChannelOutcome {
    const registration = this.byStream.get(command.streamKey);
    if (command.command === 'goodbye') {
      this.hellos.delete(command.streamKey);
      if (!registration || registration.binding.binding === 'none') return { outcome: 'recorded' };
      registration.binding = { ...registration.binding, binding: 'none' };
      return { outcome: 'unbound', registrationId: registration.id };
    }
    this.hellos.set(command.streamKey, command.sideKeyHash);
    if (!registration || registration.binding.binding !== 'proof') return { outcome: 'recorded' };
    const binding = this.bindingOf(command.streamKey);
    return binding === 'suspended'
      ? { outcome: 'suspended', registrationId: registration.id }
      : { outcome: 'bound', registrationId: registration.id };
  }

  /** The latest hello hash seen on a stream (§12.2 check 10 waits for it). */
  latestHello(streamKey: string): string | undefined {
    return this.hellos.get(streamKey);
  }

  /** P2P-CH3/CH4: how a stream stands with the active registration holding it. */
  bindingOf(streamKey: string): StreamBinding {
    const registration = this.byStream.get(streamKey);
    return streamBinding(registration?.binding, this.hellos.get(streamKey));
  }

  /** The active registration whose data a stream carries: held and bound (P2P-CH3). */
  boundTo(streamKey: string): Registration<R> | undefined {
    return this.bindingOf(streamKey) === 'bound' ? this.byStream.get(streamKey) : undefined;
  }

  /** The active registration holding a stream key, bound or not (§12.2 check 9). */
  holderOf(streamKey: string): Registration<R> | undefined {
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
