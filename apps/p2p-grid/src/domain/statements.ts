import { type Grid, type P2PConfig, type Payment } from '@flexgrid/protocol-p2p';
import type { Pool } from 'pg';
import { type JournaledGrid } from './journaled-grid';
import { GridError, invalidParameter } from '../errors';
import { type Queryable } from '../store/queryable';
import { statementStore } from '../store/statements';

export interface StatementRequest {
  memberId: string;
  periodStart: number;
  periodEnd: number;
  final: boolean;
}

export interface StatementsOptions {
  pool: Pool;
  rules: P2PConfig;
  epoch: number;
  prefix: string;
  journaled: JournaledGrid;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * §14.2 (P2P-OP-ST): a member's entries not in an earlier final statement (so an adjustment of an invoiced interval
 * lands in the next one, like a credit note), their energy and money, the period's requests and confirmed payments
 * (consumers) or payouts (producers), opening and closing `outstanding`. A preview is not stored; a final one needs
 * every interval of the period final, is one per member and period, and is stored immutably under the next
 * gapless number; it equals the preview made just before. Both are made inside a unit of the journaled grid, so
 * the member, payments and ledger rows they read are committed and agree with each other.
 */
export class Statements {
  constructor(private readonly options: StatementsOptions) {}

  /** Checks the request body; bounds must be interval boundaries. */
  check(body: { memberId?: unknown; periodStart?: unknown; periodEnd?: unknown; final?: unknown }): StatementRequest {
    const L = this.options.rules.intervalMs;
    if (typeof body.memberId !== 'string') throw invalidParameter('memberId');
    const aligned = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) % L === 0;
    if (!aligned(body.periodStart)) throw invalidParameter('periodStart');
    if (!aligned(body.periodEnd) || body.periodEnd <= body.periodStart) throw invalidParameter('periodEnd');
    if (body.final !== undefined && typeof body.final !== 'boolean') throw invalidParameter('final');
    return {
      memberId: body.memberId,
      periodStart: body.periodStart,
      periodEnd: body.periodEnd,
      final: body.final === true,
    };
  }

  async preview(request: StatementRequest) {
    return this.options.journaled.transact(async ({ client, grid }) => ({
      number: null,
      status: 'preview' as const,
      ...(await this.content(client, grid, request)),
    }));
  }

  async finalise(request: StatementRequest): Promise<object> {
    const { rules, epoch } = this.options;
    return this.options.journaled.transact(async ({ client, grid }) => {
      const existing = await statementStore.finalFor(client, request.memberId, request.periodStart, request.periodEnd);
      if (existing) throw new GridError(409, `Statement already final: ${existing}.`);
      const from = Math.max(request.periodStart, epoch);
      const expected = Math.max(0, Math.ceil((request.periodEnd - from) / rules.intervalMs));
      if ((await statementStore.finalIntervals(client, from, request.periodEnd)) < expected)
        throw new GridError(409, 'Period contains intervals that are not final.');
      const content = await this.content(client, grid, request);
      return statementStore.store(
        client,
        this.options.prefix,
        { ...request, entryIds: content.entries.map((e) => e.entryId) },
        (number) => ({ number, status: 'final', ...content }),
      );
    });
  }

  async find(number: string): Promise<object> {
    const content = await statementStore.find(this.options.pool, number);
    if (!content) throw new GridError(404, `Statement '${number}' does not exist.`);
    return content;
  }

  private async content(db: Queryable, grid: Grid, request: StatementRequest) {
    const { rules } = this.options;
    const role = grid.registry.get(request.memberId)?.role;
    if (role === undefined) throw invalidParameter('memberId');
    const entries = (await statementStore.openEntries(db, request.memberId, request.periodEnd)).map((e) => ({
      entryId: e.entryId,
      intervalStart: e.intervalStart,
      kind: e.kind,
      versionOrAdjustment: e.adjustmentNo !== null ? `a${e.adjustmentNo}` : `v${e.version}`,
      energyWh: e.energyWh,
      billedWh: e.billedWh,
      amount: e.amount,
    }));
    const inPeriod = (t: number) => t >= request.periodStart && t < request.periodEnd;
    const base = {
      memberId: request.memberId,
      role,
      periodStart: request.periodStart,
      periodEnd: request.periodEnd,
      currency: rules.currency,
      rule: { name: rules.pricingRule, profile: rules.profile },
      entries,
      energyWh: sum(entries.map((l) => l.energyWh)),
      billedWh: sum(entries.map((l) => l.billedWh)),
      amount: sum(entries.map((l) => l.amount)),
    };
    if (role !== 'consumer')
      return {
        ...base,
        payouts: (await statementStore.payouts(db, request.memberId)).filter((p) => inPeriod(p.sentAt)),
      };
    const requests = await statementStore.requests(db, request.memberId);
    const confirmed = (await statementStore.paymentIds(db))
      .map((id) => grid.payments.payment(id))
      .filter((p): p is Payment => p !== undefined && p.consumerId === request.memberId && p.confirmedAt !== null)
      .map((p) => ({ paymentId: p.paymentId, amount: p.amount, confirmedAt: p.confirmedAt as number }));
    const outstandingAt = (t: number) =>
      sum(requests.filter((r) => r.issuedAt < t).map((r) => r.owed)) -
      sum(confirmed.filter((p) => p.confirmedAt < t).map((p) => p.amount));
    return {
      ...base,
      requests: requests.filter((r) => inPeriod(r.issuedAt)),
      payments: confirmed.filter((p) => inPeriod(p.confirmedAt)),
      openingOutstanding: outstandingAt(request.periodStart),
      closingOutstanding: outstandingAt(request.periodEnd),
    };
  }
}
