/**
 * Lookups by key that share one statement: while `maxInFlight` statements run, further keys wait and go
 * together in the next one. An idle service answers each lookup with its own statement at once; a busy one
 * makes fewer, larger round trips instead of queueing for pool connections (DB-3's poll path at 10,000 VENs).
 * A key only joins a statement not yet sent, so every answer was read after its lookup began.
 */
interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}

export class BatchedLookup<K, V> {
  private waiting = new Map<K, Waiter<V>[]>();
  private inFlight = 0;

  constructor(
    private readonly load: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
    private readonly maxInFlight = 2,
    private readonly maxKeys = 500,
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.send();
    });
  }

  private send(): void {
    if (this.inFlight >= this.maxInFlight || this.waiting.size === 0) return;
    const batch = new Map<K, Waiter<V>[]>();
    for (const [key, waiters] of this.waiting) {
      if (batch.size === this.maxKeys) break;
      batch.set(key, waiters);
      this.waiting.delete(key);
    }
    this.inFlight++;
    this.load([...batch.keys()])
      .then(
        (found) => {
          for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.send();
      });
  }
}
