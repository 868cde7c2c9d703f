import type { MeterChannelHello, MeterReading, PaymentRequest, PayoutSent } from '@flexgrid/contracts';
import type { Bus, OutgoingEvent, Subscription } from '@flexgrid/platform-kafka';
import {
  initialMeterWindowState,
  type MeterWindowState,
  meterWindows,
  newWallet,
  type P2PConfig,
  type PaymentRequestValue,
  sideKeyHash,
  toWireSpan,
  type WalletState,
  walletStep,
} from '@flexgrid/protocol-p2p';
import { householdWh, pvWh, windWh } from './profiles';

/** One simulated meter: a source of a producer, or a consumer's household meter. */
interface Meter {
  id: string;
  kind: 'pv' | 'wind' | 'household';
  /** Peak (pv), rated (wind) or base (household) power in W. */
  watts: number;
  producerId?: string;
  seed: number;
  /**
   * A household's wallet: `prompt` pays each request as it comes; `late` three intervals later, so open requests
   * show on the grid's page (a simulator stopped meanwhile pays them with the next request after its restart);
   * `first-unreferenced` pays its first request by a bank transfer whose reference names neither the household nor
   * the request, which the grid keeps unallocated until its operator allocates it.
   */
  wallet?: 'prompt' | 'late' | 'first-unreferenced';
  window: MeterWindowState;
}

export interface CommunityOptions {
  bus: Bus;
  /** The grid's URL and operator token: producers and households are provisioned there (P2P-CH0, §12). */
  gridUrl: string;
  operatorToken: string;
  /** The producer services by producerId (SUNFARM01, WINDMILL1): each source registers at its own (§11.2). */
  producerUrls: Readonly<Record<string, string>>;
  /** The rules the services run: the meters' interval. */
  config: P2PConfig;
  /** How often meters emit their closed windows (default 1000 ms). */
  tickMs?: number;
  /** The rail confirms payments and payouts after this delay (P2P-L6, default 1000 ms). */
  confirmDelayMs?: number;
  /**
   * Each window carries the energy of this many times its length, and the profiles' days pass as many times faster
   * (the dev host's 10 s windows carry 15 min: a day in 16 min).
   */
  timeCompression?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export interface RunningCommunity {
  stop(): Promise<void>;
}

const SOURCES: Omit<Meter, 'window'>[] = [
  { id: 'PANEL0001', kind: 'pv', watts: 4_000, producerId: 'SUNFARM01', seed: 1 },
  { id: 'PANEL0002', kind: 'pv', watts: 3_000, producerId: 'SUNFARM01', seed: 2 },
  { id: 'ROTOR0001', kind: 'wind', watts: 5_000, producerId: 'WINDMILL1', seed: 3 },
];
const HOUSEHOLDS: Omit<Meter, 'window'>[] = [
  { id: 'HOUSE0001', kind: 'household', watts: 600, seed: 11 },
  { id: 'HOUSE0002', kind: 'household', watts: 900, seed: 12 },
  { id: 'HOUSE0003', kind: 'household', watts: 400, seed: 13, wallet: 'late' },
  { id: 'HOUSE0004', kind: 'household', watts: 1_200, seed: 14, wallet: 'first-unreferenced' },
];
/** The producers the community's sources belong to: one producer service each. */
export const PRODUCER_IDS = ['SUNFARM01', 'WINDMILL1'];

function energyOf(meter: Meter, start: number, end: number): number {
  if (meter.kind === 'pv') return pvWh(meter.watts, meter.seed, start, end);
  if (meter.kind === 'wind') return windWh(meter.watts, meter.seed, start, end);
  return householdWh(meter.watts, meter.seed, start, end);
}

/** PUTs a registration; a refusal or an unreachable service names the URL. */
async function register(url: string, body: object, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).catch((error: unknown) => {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(`PUT ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  });
  if (response.status !== 200) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`);
}

/** A GET of the grid's operator API; a refusal or an unreachable grid names the URL. */
async function operatorGet<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => {
    throw new Error(`GET ${url}: ${(error as Error).message}`);
  });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The households' wallets as the grid knows them: a simulator started again against the same grid goes on where
 * the last one stopped, so its payment ids (`<consumer>:payment:<n>`, P2P-L6) do not collide with the payments the
 * grid already has (it would refuse them as conflicts), and what is still owed is paid.
 */
async function resumeWallets(gridUrl: string, token: string): Promise<Map<string, WalletState>> {
  const wallets = new Map(HOUSEHOLDS.map((h) => [h.id, newWallet(h.id)]));
  const pageSize = 100;
  for (let page = 0; ; page++) {
    const listed = await operatorGet<{
      items: { kind: string; from: string; paymentId: string }[];
      totalItems: number;
    }>(`${gridUrl}/api/operator/payments?pageSize=${pageSize}&page=${page}`, token);
    for (const payment of listed.items) {
      const wallet = wallets.get(payment.from);
      const n = Number(payment.paymentId.slice(`${payment.from}:payment:`.length));
      if (payment.kind === 'payment' && wallet && Number.isSafeInteger(n) && n > wallet.paymentsSent)
        wallet.paymentsSent = n;
    }
    if ((page + 1) * pageSize >= listed.totalItems) break;
  }
  for (const wallet of wallets.values()) {
    const { member } = await operatorGet<{ member: { balances: { requested: number; paid: number } | null } }>(
      `${gridUrl}/api/operator/members/${wallet.consumerId}`,
      token,
    );
    wallet.outstanding = Math.max(0, (member.balances?.requested ?? 0) - (member.balances?.paid ?? 0));
  }
  return wallets;
}

/** An amount in minor units as the currency writes it: 250 → "2.50". */
const major = (amount: number, digits: number) => (amount / 10 ** digits).toFixed(digits);

/** A source's secret: fixed per source, so a restarted simulator proves the same stream again. */
const sideKeyOf = (sourceId: string) => `${sourceId.toLowerCase()}-simulated-source-key`;

/**
 * A small energy community against running producer and grid services, speaking only the wire protocol:
 * 3 sources (two PV panels, a turbine) under 2 producers, 4 households, their wallets and a payment rail.
 * Each source says hello on `meter.readings` and registers at its producer with its secret (§11.2); producers
 * and households are provisioned at the grid with the operator token (§12). Meters emit one reading per closed
 * window (P2P-T10) on `meter.readings`, which the producers aggregate (§6) and the grid settles; wallets pay
 * payment requests by the P2P-L6 rule (one of them late, one once without reference); the rail confirms payments
 * and payouts.
 */
export async function startCommunity(options: CommunityOptions): Promise<RunningCommunity> {
  const { bus, config } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const confirmDelayMs = options.confirmDelayMs ?? 1000;
  const compression = options.timeCompression ?? 1;
  const start = now();
  const meters: Meter[] = [...SOURCES, ...HOUSEHOLDS].map((m) => ({
    ...m,
    window: initialMeterWindowState(start, config.intervalMs),
  }));

  const hellos = SOURCES.map((source) => {
    const data = {
      command: 'hello',
      meterId: source.id,
      sideKeyHash: sideKeyHash(sideKeyOf(source.id)),
      sentAt: start,
    } satisfies MeterChannelHello;
    return { type: 'channel.hello', key: source.id, id: `${source.id}:hello:${start}`, data };
  });
  await bus.publish('meter.readings', hellos);
  for (const source of SOURCES) {
    const producerUrl = options.producerUrls[source.producerId as string];
    if (!producerUrl) throw new Error(`no producer service for ${String(source.producerId)}`);
    await register(`${producerUrl}/registration/${source.id}`, {
      itemType: source.kind === 'pv' ? 'solar' : 'wind',
      itemName: source.id,
      sideKey: sideKeyOf(source.id),
    });
  }

  for (const [id, itemType, itemName] of [
    ...PRODUCER_IDS.map((id) => [id, 'producer', id] as const),
    ...HOUSEHOLDS.map((h) => [h.id, 'consumer', h.id] as const),
  ])
    await register(
      `${options.gridUrl}/registration/${id}`,
      { itemType, itemName },
      { authorization: `Bearer ${options.operatorToken}` },
    );

  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work().catch((error: unknown) => log(`simulator: ${String(error)}`));
    }, ms);
    timers.add(timer);
  };
  /** The rail confirms a payment or a payout after its delay (P2P-L6). */
  const confirm = (type: 'payment.confirmed' | 'payout.confirmed', transfer: { paymentId: string }) => {
    // The bus checks the event against its contract (PaymentConfirmed, PayoutConfirmed) as it publishes it.
    const data = { ...transfer, confirmedAt: now() + confirmDelayMs };
    const event = { type, key: transfer.paymentId, id: `${transfer.paymentId}:${type}`, data };
    later(confirmDelayMs, () => bus.publish('p2p.payments', [event]));
  };

  const tick = async () => {
    const t = now();
    const readings: OutgoingEvent<MeterReading>[] = [];
    for (const meter of meters) {
      const step = meterWindows(meter.window, t, { intervalMs: config.intervalMs, maxPerTick: 96 });
      meter.window = step.state;
      for (const span of step.windows) {
        // Compression runs the profiles' clock faster, from the start: a window carries `compression` times its
        // length of energy (not its rounded energy times that, so the variation shows), and the days pass as fast,
        // so a compressed community shows sunrise and sunset within minutes, whatever the hour it runs at.
        const from = start + (span.start - start) * compression;
        const energyWh = energyOf(meter, from, from + (span.end - span.start) * compression);
        const wire = toWireSpan(span, 'half-open');
        const data = { meterId: meter.id, ...wire, energyWh, source: 'p2p-simulator' } satisfies MeterReading;
        readings.push({ type: 'meter.reading', key: meter.id, id: `${meter.id}:${span.start}:0`, data });
      }
    }
    if (readings.length > 0) await bus.publish('meter.readings', readings);
  };
  let ticking = false;
  const ticker = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch((error: unknown) => log(`meters: ${String(error)}`))
      .finally(() => {
        ticking = false;
      });
  }, options.tickMs ?? 1000);

  const wallets = await resumeWallets(options.gridUrl, options.operatorToken);
  const walletOf = new Map(HOUSEHOLDS.map((h) => [h.id, h.wallet ?? 'prompt']));
  const pay = async (request: PaymentRequest) => {
    const wallet = wallets.get(request.consumerId);
    if (!wallet) return;
    const step = walletStep(wallet, [request as PaymentRequestValue], config.walletPaymentChunk, now());
    wallets.set(request.consumerId, step.wallet);
    if (!step.payment) return;
    const unreferenced = walletOf.get(request.consumerId) === 'first-unreferenced' && wallet.paymentsSent === 0;
    const sent = unreferenced ? { ...step.payment, reference: `bank-transfer-${request.seq}` } : step.payment;
    await bus.publish('p2p.payments', [
      { type: 'payment.sent', key: sent.paymentId, id: `${sent.paymentId}:payment.sent`, data: { ...sent } },
    ]);
    confirm('payment.confirmed', sent);
    const how = unreferenced ? ' by a transfer without reference (the grid cannot allocate it)' : '';
    log(`wallet ${sent.from} paid ${major(sent.amount, config.currencyDigits)} ${sent.currency}${how}`);
  };
  const subscriptions: Subscription[] = [];
  subscriptions.push(
    await bus.subscribe({
      group: 'p2p-simulator.wallets',
      topics: ['p2p.payment-requests'],
      handler: async (event) => {
        if (event.type !== 'payment.request') return;
        const request = event.data as PaymentRequest;
        if (walletOf.get(request.consumerId) === 'late') later(3 * config.intervalMs, () => pay(request));
        else await pay(request);
      },
    }),
  );
  subscriptions.push(
    await bus.subscribe({
      group: 'p2p-simulator.rail',
      topics: ['p2p.payments'],
      handler: async (event) => {
        if (event.type !== 'payout.sent') return;
        confirm('payout.confirmed', event.data as PayoutSent);
      },
    }),
  );

  return {
    async stop() {
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const subscription of subscriptions) await subscription.stop();
    },
  };
}
