import { type Grid, type P2PConfig } from '@flexgrid/protocol-p2p';
import { bearerTokenOf, type EventStream, type Logger } from '@flexgrid/platform-service';
import { type Request, type Response, Router } from 'express';
import type { Pool } from 'pg';
import {
  answerOk,
  carriesOperatorToken,
  invalidParameter,
  matchesOperatorToken,
  operatorTokenRequired,
  P2PHttpError,
} from '@flexgrid/p2p-service';
import { operatorPageStore } from '../store/operator';

/** New journal facts, counted by kind: what the operator page refetches on (§14.4 "live"). */
export interface JournalChange {
  seq: number;
  kinds: Record<string, number>;
}

/**
 * Watches the journal while a page listens: every fact that changes the settlement domain (runs, payments,
 * registrations, readings) is journaled, so its newest `seq` says when the page's data changed, whichever
 * component (stream intake, runs, the operator API) changed it. One poll serves every open page.
 */
export class JournalWatch {
  private readonly listeners = new Set<(change: JournalChange) => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq: number | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly everyMs: number,
    private readonly logger: Logger,
  ) {}

  /** Starts from the journal's head as of now: a page that loads after this sees every later change. */
  async subscribe(listener: (change: JournalChange) => void): Promise<() => void> {
    if (this.seq === undefined) this.seq = await operatorPageStore.journalHead(this.pool);
    this.listeners.add(listener);
    if (this.timer === undefined && !this.stopped) this.schedule();
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.poll(), this.everyMs);
  }

  private async poll(): Promise<void> {
    if (this.listeners.size === 0) {
      // Nobody listens: idle, and start again from the head for the next page.
      this.timer = undefined;
      this.seq = undefined;
      return;
    }
    try {
      const change = await operatorPageStore.journalSince(this.pool, this.seq ?? 0);
      if (change.seq > (this.seq ?? 0)) {
        this.seq = change.seq;
        for (const listener of this.listeners) listener(change);
      }
    } catch (error) {
      // The database is away: the pages keep their data and catch up at the next poll.
      this.logger.warn({ err: error }, 'operator page: journal poll failed');
    }
    if (!this.stopped) this.schedule();
  }
}

export interface OperatorPageRoutesOptions {
  pool: Pool;
  token: string | undefined;
  gridId: string;
  /** P2P-T9: the grid's first start; no interval before it is settled. */
  epoch: number;
  rules: P2PConfig;
  /** The committed settlement domain (`JournaledGrid.read`). */
  grid: () => Promise<Grid>;
  watch: JournalWatch;
  eventStream: (req: Request, res: Response) => EventStream;
}

/**
 * What the operator page (§14.4) reads besides the §14.1 API: the grid's terms and balances, and a live stream.
 * EventSource cannot send an Authorization header, so the stream also takes the token as the `access_token`
 * query parameter (RFC 6750 §2.3); only this route does.
 */
export function operatorPageRoutes(options: OperatorPageRoutesOptions) {
  const { pool, token, rules, watch } = options;
  const router = Router();

  router.get('/operator', (_req, res) => res.redirect(302, '/ui/'));

  router.get('/api/operator/stream', async (req, res) => {
    // EventSource cannot send headers: the stream alone also takes the token as access_token (RFC 6750 §2.3).
    if (!matchesOperatorToken(bearerTokenOf(req, { allowQuery: true }), token)) throw operatorTokenRequired();
    // Changes seen while the stream opens wait for it.
    const pending: JournalChange[] = [];
    let deliver = (change: JournalChange) => void pending.push(change);
    // A failure answers here, in the envelope: the platform would log the URL, and with it the token (P2P-H6).
    const unsubscribe = await watch
      .subscribe((change) => deliver(change))
      .catch(() => {
        throw new P2PHttpError(503, 'The live stream is not available; try again.');
      });
    const stream = options.eventStream(req, res);
    deliver = (change) => void stream.send(change, { event: 'journal', id: String(change.seq) });
    stream.onClose(unsubscribe);
    pending.forEach(deliver);
  });

  router.get('/api/operator/payouts/recent', async (req, res) => {
    if (!carriesOperatorToken(req, token)) throw operatorTokenRequired();
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw invalidParameter('limit');
    answerOk(res, { items: await operatorPageStore.recentPayouts(pool, limit) });
  });

  router.get('/api/operator/grid', async (req, res) => {
    if (!carriesOperatorToken(req, token)) throw operatorTokenRequired();
    answerOk(res, {
      grid: {
        gridId: options.gridId,
        epoch: options.epoch,
        profile: rules.profile,
        pricingRule: rules.pricingRule,
        intervalMs: rules.intervalMs,
        gridGateClosureMs: rules.gridGateClosureMs,
        finalAfterMs: rules.finalAfterMs,
        settleEveryMs: rules.settleEveryMs,
        currency: rules.currency,
        currencyDigits: rules.currencyDigits,
        allocation: rules.allocation,
        lastRun: await operatorPageStore.lastRun(pool),
        balances: (await options.grid()).balances(),
      },
    });
  });
  return router;
}
