import { enqueue } from '@flexgrid/platform-db';
import { P2PHttpError } from '@flexgrid/p2p-service';
import { type ProducerOffer, sideKeyHash } from '@flexgrid/protocol-p2p';
import { producerGoodbye, producerHello, producerOutputRecord } from '../records';
import { outputStore } from '../store/outputs';
import { producerStateStore } from '../store/producer-state';
import { type JournaledProducer } from './journaled-producer';

/** §14.1 `POST /aggregation-runs` answer. */
export interface AggregationSummary {
  runNo: number;
  asOf: number;
  /** Intervals published for the first time (revision 0, P2P-AG3). */
  published: number;
  /** Corrections of published intervals (revision + 1, P2P-AG4). */
  revised: number;
}

export interface AggregationRunsOptions {
  journaled: JournaledProducer;
  producerId: string;
  offer: ProducerOffer;
  /** The configured secret (P2P_PRODUCER_SIDE_KEY); without one the grid's operator binds the stream. */
  sideKey: string | undefined;
  now: () => number;
  /** Wakes the outbox relay after a commit that enqueued records. */
  published: () => void;
}

const closedDown = () => new P2PHttpError(409, 'The producer has closed down; a restart opens its stream again.');

/**
 * P2P-AG3..AG6, AG8: a run publishes every newly due interval and every changed one through the outbox, with the
 * journal and its run row in one transaction; the journal's advisory lock makes it one run at a time across
 * replicas, and a repeated run finds nothing to publish. The stream's hello and goodbye go the same way.
 */
export class AggregationRuns {
  constructor(private readonly options: AggregationRunsOptions) {}

  /** `asOf` given (operator): checked against now and the previous run; else now, read once the run is alone. */
  async run(given?: number): Promise<AggregationSummary> {
    const { journaled, offer } = this.options;
    if (given !== undefined && given > this.options.now())
      throw new P2PHttpError(409, 'asOf must not be in the future.');
    const summary = await journaled.transact(async ({ client, record }) => {
      // Read after the lock: a run that waited for another replica's must not be older than it.
      const asOf = given ?? this.options.now();
      const state = await producerStateStore.read(client, true);
      if (state.closed) throw closedDown();
      const last = await outputStore.lastRun(client);
      if (last !== undefined && asOf < last.asOf)
        throw new P2PHttpError(409, 'asOf must not precede the previous run.');
      const outputs = record({ kind: 'run', asOf, offer });
      const run = {
        runNo: (last?.runNo ?? 0) + 1,
        asOf,
        published: outputs.filter((o) => o.value.revision === 0).length,
        revised: outputs.filter((o) => o.value.revision > 0).length,
      };
      await outputStore.saveRun(
        client,
        run,
        outputs.map((o) => o.value),
        this.options.now(),
      );
      if (outputs.length > 0)
        await enqueue(
          client,
          outputs.map((o) => producerOutputRecord(o.ceId, o.value)),
        );
      return run;
    });
    if (summary.published + summary.revised > 0) this.options.published();
    return summary;
  }

  /**
   * P2P-AG8 at start: a hello at the first start, after the secret changed (a goodbye for the old one first) and
   * after a closedown; the stream is open again.
   */
  async openStream(): Promise<void> {
    const { sideKey, producerId } = this.options;
    const hash = sideKey === undefined ? null : sideKeyHash(sideKey);
    const sent = await this.options.journaled.transact(async ({ client }) => {
      const state = await producerStateStore.read(client, true);
      const helloNeeded = hash !== null && (state.helloSideKeyHash !== hash || state.closed);
      const at = this.options.now();
      if (helloNeeded)
        await enqueue(client, [
          ...(state.helloSideKeyHash !== null && !state.closed ? [producerGoodbye(producerId, at)] : []),
          producerHello(producerId, hash, at),
        ]);
      await producerStateStore.setChannel(client, {
        helloSideKeyHash: helloNeeded ? hash : state.helloSideKeyHash,
        closed: false,
      });
      return helloNeeded;
    });
    if (sent) this.options.published();
  }

  /** §14.1 `POST /closedown`: the stream ends with a goodbye; runs stop until the producer starts again. */
  async closedown(): Promise<void> {
    await this.options.journaled.transact(async ({ client }) => {
      const state = await producerStateStore.read(client, true);
      if (state.closed) throw closedDown();
      await enqueue(client, [producerGoodbye(this.options.producerId, this.options.now())]);
      await producerStateStore.setChannel(client, { helloSideKeyHash: state.helloSideKeyHash, closed: true });
    });
    this.options.published();
  }
}
