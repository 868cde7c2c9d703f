import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Passes by returning, fails by throwing; the error's message is shown on /readyz. */
export type ReadinessCheck = () => Promise<void> | void;

export type CheckResult = { status: 'ok' } | { status: 'failed'; error: string };

export interface ReadinessReport {
  status: 'ready' | 'not ready' | 'shutting down';
  checks: Record<string, CheckResult>;
}

/** What /readyz answers: every registered check, run concurrently, each bounded by a timeout. */
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();
  /** Only changes are logged, so that a probe every few seconds does not flood the log. */
  private readonly lastFailed = new Set<string>();
  private shuttingDown = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  add(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`readiness check ${name} is already registered`);
    this.checks.set(name, check);
  }

  /** From now on the service reports not ready, whatever the checks say. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    // Dependencies are being closed by now; asking them would only add noise.
    if (this.shuttingDown) return { status: 'shutting down', checks: {} };
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.run(name, check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const allPass = entries.every(([, result]) => result.status === 'ok');
    return { status: allPass ? 'ready' : 'not ready', checks };
  }

  readonly handler: RequestHandler = async (_req, res) => {
    const report = await this.report();
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  };

  private async run(name: string, check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      if (this.lastFailed.delete(name)) this.logger.info({ check: name }, 'readiness check passes again');
      return { status: 'ok' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.lastFailed.has(name)) this.logger.warn({ check: name, error: message }, 'readiness check failed');
      this.lastFailed.add(name);
      return { status: 'failed', error: message };
    } finally {
      clearTimeout(timer);
    }
  }
}
