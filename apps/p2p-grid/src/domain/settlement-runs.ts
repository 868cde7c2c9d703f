import { prepareEnqueue } from '@flexgrid/platform-db';
import { ledgerEntryJson, type SettlementRunResult } from '@flexgrid/protocol-p2p';
import { invalidParameter, P2PHttpError } from '@flexgrid/p2p-service';
import { paymentRequestRecord, payoutSentRecord, settlementRecord } from '../records';
import { settlementStore } from '../store/settlements';
import { type JournaledGrid } from './journaled-grid';

/** Runs `prepare` while `inFlight` is in the database; either way, `inFlight` has ended when this settles. */
async function whileRunning<T>(inFlight: Promise<void>, prepare: () => T): Promise<T> {
  let prepared: T;
  try {
    prepared = prepare();
  } catch (error) {
    await inFlight.catch(() => undefined);
    throw error;
  }
  await inFlight;
  return prepared;
}

/** §14.1 `POST /settlement-runs` answer. */
export interface RunSummary {
  runNo: number;
  asOf: number;
  settled: number;
  resettled: number;
  adjusted: number;
  finalised: number;
  paymentRequests: number;
  payouts: number;
  payoutStep: 'ran' | 'throttled';
}

export function summaryOf(result: SettlementRunResult): RunSummary {
  return {
    runNo: result.runNo,
    asOf: result.asOf,
    settled: result.settled,
    resettled: result.resettled,
    adjusted: result.adjusted,
    finalised: result.finalised,
    paymentRequests: result.paymentRequests.length,
    payouts: result.payouts.length,
    payoutStep: result.payoutStep,
  };
}

export interface SettlementRunsOptions {
  journaled: JournaledGrid;
  gridId: string;
  now: () => number;
  published: () => void;
  /**
   * Where a run reports how long the rules took, the serialising of its outbox rows (while the database stores the
   * ledger), and the rest of the storing (logged at debug).
   */
  timing?: (timing: { runMs: number; prepareMs: number; storeMs: number }) => void;
}

/**
 * P2P-S10: one run settles, re-settles and adjusts due intervals → finalises → payment requests → payout step,
 * and stores every record, entry, request and payout with its outbox row in one transaction. The journal's
 * order makes runs one at a time; the advisory lock keeps it so across replicas.
 */
export class SettlementRuns {
  constructor(private readonly options: SettlementRunsOptions) {}

  /** `finalise`: settled intervals the operator makes final in this run (§14.1 `POST /intervals/:n/finalise`). */
  async run(asOf: number = this.options.now(), finalise: readonly number[] = []): Promise<RunSummary> {
    const { gridId } = this.options;
    if (asOf > this.options.now()) throw new P2PHttpError(409, 'asOf must not be in the future.');
    const summary = await this.options.journaled.transact(async ({ client, grid, record }) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`p2p-grid:settlement:${gridId}`]);
      const last = await settlementStore.lastAsOf(client);
      if (last !== undefined && asOf < last) throw new P2PHttpError(409, 'asOf must not precede the previous run.');
      for (const n of finalise) {
        const state = grid.interval(n);
        if (!state) throw new P2PHttpError(409, `Interval ${n} is not settled.`);
        if (state.final) throw new P2PHttpError(409, `Interval ${n} is already final.`);
      }
      const t0 = performance.now();
      const result = record(
        finalise.length > 0 ? { kind: 'run', asOf, finalise: [...finalise] } : { kind: 'run', asOf },
      );
      const t1 = performance.now();
      // node-pg runs one statement at a time on a client: the ledger, the largest, goes first, and the database
      // stores it while the outbox rows are validated and serialised.
      let t2 = t1;
      const outbox = await whileRunning(settlementStore.saveEntries(client, result, ledgerEntryJson), () => {
        const prepared = [
          // One statement per record (a run makes one per due interval), its value sent once, as it is.
          ...result.records.map((publication) =>
            prepareEnqueue([settlementRecord(gridId, publication)], {
              keep: settlementStore.keptRecord(publication, result.runNo),
            }),
          ),
          prepareEnqueue(result.paymentRequests.map(paymentRequestRecord), {
            keep: settlementStore.keptPaymentRequests(result.runNo),
          }),
          prepareEnqueue(result.payouts.map(payoutSentRecord), { keep: settlementStore.keptPayouts(result.runNo) }),
        ];
        t2 = performance.now();
        return prepared;
      });
      const runSummary = summaryOf(result);
      await settlementStore.saveSummary(client, runSummary);
      for (const prepared of outbox) await prepared.run(client);
      this.options.timing?.({ runMs: t1 - t0, prepareMs: t2 - t1, storeMs: performance.now() - t2 });
      return runSummary;
    });
    if (
      summary.settled +
        summary.resettled +
        summary.adjusted +
        summary.finalised +
        summary.paymentRequests +
        summary.payouts >
      0
    )
      this.options.published();
    return summary;
  }

  /**
   * §14.1: the operator allocates an unallocated payment; it counts from the next payout step (P2P-L5). Checked in
   * the unit that allocates, so two allocations of one payment cannot both pass.
   */
  async allocate(paymentId: string, consumerId: string): Promise<void> {
    await this.options.journaled.transact(async ({ grid, record }) => {
      const payment = grid.payments.payment(paymentId);
      if (!payment) throw new P2PHttpError(404, `Payment '${paymentId}' does not exist.`);
      if (payment.consumerId !== null) throw new P2PHttpError(409, `Payment '${paymentId}' is already allocated.`);
      if (grid.registry.get(consumerId)?.role !== 'consumer') throw invalidParameter('consumerId');
      record({ kind: 'allocate', paymentId, consumerId });
    });
  }
}
