import type { ClusterModel, Effect } from '@flexgrid/protocol-powermatcher';
import type { Logger } from '@flexgrid/platform-service';

/** Receives every effect of the model, in emission order, synchronously after the input that caused it. */
export type EffectListener = (effects: readonly Effect[]) => void;

/**
 * A clock that never goes back: the model's time must not decrease (a wall-clock step back would reorder runs),
 * so a step back holds the time until the wall clock passes it again.
 */
export function monotonicClock(now: () => number = Date.now): () => number {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t > last) last = t;
    return last;
  };
}

/**
 * Drives the pure cluster model (SPEC §6) with the service's real clock (§6.5): every input is applied and then
 * everything due up to now runs, so "immediately" means after that message and before the next; one timer
 * wakes the model when its next run or re-evaluation is due. Effects go to the listeners (websocket
 * delivery, Kafka, the database, the live stream); a listener that throws is logged and never stops the others.
 */
export class ClusterHost {
  private readonly listeners: EffectListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerDue: number | null = null;
  private stopped = false;

  constructor(
    private readonly model: ClusterModel,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  onEffects(listener: EffectListener): void {
    this.listeners.push(listener);
  }

  /**
   * Applies one input and runs what is due. An input the model refuses outright throws its `PowerMatcherError`
   * and changes nothing; the caller maps it to the wire.
   */
  apply(input: (model: ClusterModel) => Effect[]): Effect[] {
    const effects = input(this.model);
    return this.settle(effects);
  }

  /** Delivers the effects the model gave when it was built (its components' sessions), then runs what is due. */
  start(initial: Effect[]): void {
    this.settle(initial);
  }

  /** Reads the model's state (REST, the dashboard, handshake checks). */
  read<T>(read: (model: ClusterModel) => T): T {
    return read(this.model);
  }

  now(): number {
    return this.clock();
  }

  /** Runs what is due and stops the timer: no run happens after this. */
  stop(): void {
    if (this.stopped) return;
    this.settle([]);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private settle(effects: Effect[]): Effect[] {
    const due = this.stopped ? [] : this.model.advanceTo(this.clock());
    const all = due.length === 0 ? effects : effects.length === 0 ? due : effects.concat(due);
    if (all.length > 0) this.dispatch(all);
    this.arm();
    return all;
  }

  private dispatch(effects: readonly Effect[]): void {
    for (const listener of this.listeners) {
      try {
        listener(effects);
      } catch (error) {
        this.logger.error({ err: error }, 'an effect listener failed');
      }
    }
  }

  /** One timer for the model's next due time, moved only when that time changes. */
  private arm(): void {
    if (this.stopped) return;
    const due = this.model.nextDueTime();
    if (due === this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer =
      due === null
        ? null
        : setTimeout(
            () => {
              this.timer = null;
              this.timerDue = null;
              this.settle([]);
            },
            Math.max(0, due - this.clock()),
          );
  }
}
