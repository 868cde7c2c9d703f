import type {
  MeterReading,
  PaymentConfirmed,
  PaymentRequest,
  PaymentSent,
  PayoutConfirmed,
  PayoutSent,
  ProducerOutput,
} from '@flexgrid/contracts';
import { type DeliveredEvent, type Subscription } from '@flexgrid/platform-kafka';
import { intervalStartOf, newWallet, type WalletState, walletStep } from '@flexgrid/protocol-p2p';
import { json, OPERATOR_TOKEN, type TestGrid } from './test-grid.test-util';

export interface CommunityMember {
  id: string;
  /** Energy of interval number `n` (since the epoch), Wh. */
  energyWh: (n: number) => number;
  /**
   * A consumer's wallet: `pays` its requests (the default), `none` never pays, `unreferenced` pays its first
   * request by a transfer whose reference names neither the consumer nor a request (the grid cannot allocate it).
   */
  wallet?: 'pays' | 'none' | 'unreferenced';
}

export interface CommunityOptions {
  intervalMs: number;
  producers: CommunityMember[];
  consumers: CommunityMember[];
  /** The producers' ask (community profile: 20 per kWh). */
  producerPricePerMWh: number;
}

/** What the community published for each interval: the totals a settlement of it must show. */
export interface PublishedInterval {
  intervalStart: number;
  producedWh: number;
  consumedWh: number;
}

export interface Community {
  published: PublishedInterval[];
  stop(): Promise<void>;
}

/**
 * A small energy community on the grid's wire protocol, until tools/simulators has one: producers' aggregated
 * output on `p2p.producer-output`, consumers' meter readings on `meter.readings` for every interval as it ends,
 * consumer wallets paying their payment requests (the lib's P2P-L6 wallet rule) and a payment rail confirming
 * payments and payouts on `p2p.payments`.
 */
export async function startCommunity(grid: TestGrid, options: CommunityOptions): Promise<Community> {
  const { devices } = grid;
  const L = options.intervalMs;
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
  for (const [members, itemType] of [
    [options.producers, 'producer'],
    [options.consumers, 'consumer'],
  ] as const)
    for (const { id } of members) {
      const answer = await grid.app.fetch(`/registration/${id}`, json('PUT', { itemType }, operator));
      if (answer.status !== 200) throw new Error(`registering ${id}: ${answer.status} ${await answer.text()}`);
    }

  const published: PublishedInterval[] = [];
  const publishInterval = async (start: number) => {
    const n = start / L;
    const outputs = options.producers.map(({ id, energyWh }): ProducerOutput => {
      const outputWh = energyWh(n);
      return {
        command: 'output',
        producerId: id,
        startTime: start,
        endTime: start + L,
        bounds: 'half-open',
        outputWh,
        output: outputWh / 1000,
        producerPrice: options.producerPricePerMWh / 1000,
        producerPricePerMWh: options.producerPricePerMWh,
        paymentIdOrAddress: id,
        quality: 'measured',
        complete: true,
        missingSources: [],
        partialSources: [],
        revision: 0,
        publishedAt: Date.now(),
        profile: 'community',
      };
    });
    const readings = options.consumers.map(({ id, energyWh }): MeterReading => ({
      meterId: id,
      startTime: start,
      endTime: start + L,
      energyWh: energyWh(n),
      source: 'p2p-simulator',
    }));
    await devices.publish(
      'p2p.producer-output',
      outputs.map((data) => ({
        type: 'producer.output',
        key: data.producerId,
        id: `${data.producerId}:${start}:0`,
        data,
      })),
    );
    await devices.publish(
      'meter.readings',
      readings.map((data) => ({ type: 'meter.reading', key: data.meterId, id: `${data.meterId}:${start}:0`, data })),
    );
    published.push({
      intervalStart: start,
      producedWh: outputs.reduce((sum, o) => sum + o.outputWh, 0),
      consumedWh: readings.reduce((sum, r) => sum + (r.energyWh ?? 0), 0),
    });
  };

  // Each interval as it ends, a little after its end (the producer's aggregation).
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let publishing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const schedule = () => {
    const next = intervalStartOf(Date.now(), L) + L;
    timer = setTimeout(
      () => {
        publishing = publishInterval(next - L).catch((error: unknown) => {
          failure ??= error;
        });
        if (!stopped) schedule();
      },
      next + 50 - Date.now(),
    );
  };
  schedule();

  const wallets = new Map<string, WalletState>();
  const walletOf = new Map(options.consumers.map((c) => [c.id, c.wallet ?? 'pays']));
  const pay = async (request: PaymentRequest) => {
    const kind = walletOf.get(request.consumerId);
    if (kind === 'none' || (kind === 'unreferenced' && wallets.has(request.consumerId))) return;
    const { wallet, payment } = walletStep(
      wallets.get(request.consumerId) ?? newWallet(request.consumerId),
      [request as Parameters<typeof walletStep>[1][number]],
      1,
      Date.now(),
    );
    wallets.set(request.consumerId, wallet);
    if (payment === null) return;
    const sent: PaymentSent =
      kind === 'unreferenced' ? { ...payment, reference: `bank-transfer-${request.seq}` } : { ...payment };
    await devices.publish('p2p.payments', [
      { type: 'payment.sent', key: sent.paymentId, id: `${sent.paymentId}:payment.sent`, data: sent },
    ]);
    const confirmed: PaymentConfirmed = { ...sent, confirmedAt: Date.now() };
    await devices.publish('p2p.payments', [
      { type: 'payment.confirmed', key: sent.paymentId, id: `${sent.paymentId}:payment.confirmed`, data: confirmed },
    ]);
  };
  const subscriptions: Subscription[] = [
    await devices.subscribe({
      group: 'p2p-wallets',
      topics: ['p2p.payment-requests'],
      fromBeginning: true,
      handler: async (event: DeliveredEvent) => {
        if (event.type === 'payment.request') await pay(event.data as PaymentRequest);
      },
    }),
    await devices.subscribe({
      group: 'p2p-payment-rail',
      topics: ['p2p.payments'],
      fromBeginning: true,
      handler: async (event: DeliveredEvent) => {
        if (event.type !== 'payout.sent') return;
        const sent = event.data as PayoutSent;
        const confirmed: PayoutConfirmed = { ...sent, confirmedAt: Date.now() };
        await devices.publish('p2p.payments', [
          { type: 'payout.confirmed', key: sent.paymentId, id: `${sent.paymentId}:payout.confirmed`, data: confirmed },
        ]);
      },
    }),
  ];

  return {
    published,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await publishing;
      for (const subscription of subscriptions) await subscription.stop();
      if (failure !== undefined) throw failure;
    },
  };
}
