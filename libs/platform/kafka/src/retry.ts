/** Exponential backoff: the wait before each further attempt doubles, up to a ceiling. */
export class Backoff {
  private delay: number;

  constructor(
    initialDelayMs: number,
    private readonly maxDelayMs: number,
  ) {
    this.delay = initialDelayMs;
  }

  /** The wait before the next attempt; each call doubles the one after it. */
  next(): number {
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxDelayMs);
    return delay;
  }
}

export interface RetryOptions {
  /** Is this failure worth another attempt? Anything else is thrown at once. */
  retriable(error: unknown): boolean;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Gives up (throwing the last failure) after this many attempts. Unbounded by default. */
  attempts?: number;
  /** Gives up when the wait would end after this time (epoch ms). */
  deadline?: number;
  /** Gives up at once when this is aborted, throwing the last failure. */
  signal?: AbortSignal;
  /** Called before each wait: the place to log. */
  onRetry?(error: unknown, delayMs: number, attempt: number): void;
  /** Defaults to a timer; a subscription passes one that its stop cuts short. */
  sleep?(ms: number): Promise<void>;
}

/** Runs `work` until it succeeds or a limit of `options` is reached; the one retry loop of the bus. */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const backoff = new Backoff(options.initialDelayMs, options.maxDelayMs);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const delay = backoff.next();
      const outOfTime = options.deadline !== undefined && Date.now() + delay > options.deadline;
      const outOfAttempts = options.attempts !== undefined && attempt >= options.attempts;
      if (!options.retriable(error) || outOfTime || outOfAttempts || options.signal?.aborted) throw error;
      options.onRetry?.(error, delay, attempt);
      await sleep(delay);
      if (options.signal?.aborted) throw error;
    }
  }
}
