import { configFromSettings } from '@flexgrid/protocol-p2p';
import { type TestApp, uniqueTopicPrefix } from '@flexgrid/testing';
import { main } from '../cli';
import { startCommunity } from './community';
import { call, OPERATOR_TOKEN, type P2PServices, startP2PServices } from './services.test-util';

// The simulated community against the real services on 1 s intervals, on the wall clock (as npm start runs it).
const rules = {
  P2P_INTERVAL_MS: '1000',
  P2P_PRODUCER_GATE_CLOSURE_MS: '300',
  P2P_GRID_GATE_CLOSURE_MS: '1500',
  P2P_FINAL_AFTER_MS: '0',
  P2P_AGGREGATE_EVERY_MS: '200',
  P2P_SETTLE_EVERY_MS: '500',
  P2P_REQUEST_MIN_AMOUNT: '1',
  P2P_PAYOUT_MIN_AMOUNT: '1',
};

describe('flexgrid-sim p2p: the community against the producer and grid services', () => {
  let services: P2PServices;
  beforeAll(async () => {
    services = await startP2PServices({
      rules,
      producers: [{ id: 'SUNFARM01' }, { id: 'WINDMILL1' }],
      autoRun: true,
    });
  });
  afterAll(() => services.stop());

  it('sources register at their producers and feed them; the grid settles their output, bills households, the wallets pay and the producers are paid; a restarted simulator goes on', async () => {
    const { grid, producers, devices } = services;
    const producerOutput = grid.published('p2p.producer-output');
    const options = {
      bus: devices,
      gridUrl: grid.url,
      operatorToken: OPERATOR_TOKEN,
      producerUrls: Object.fromEntries([...producers].map(([id, app]) => [id, app.url])),
      config: configFromSettings({ intervalMs: 1000 }),
      tickMs: 200,
      confirmDelayMs: 0,
      // Each 1 s window carries an hour: enough Wh for whole cents.
      timeCompression: 3600,
    };
    // One budget for the whole test, under its own timeout: a condition that never holds fails with its reason.
    const deadline = Date.now() + 100_000;
    const until = async <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
      for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const items = async (app: TestApp, path: string) =>
      (await call(app, 'GET', path)).body.items as Record<string, unknown>[];
    let community = await startCommunity(options);
    try {
      expect(
        (await items(producers.get('SUNFARM01') ?? grid, '/api/operator/sources')).map((s) => [
          s.id,
          s.binding,
          s.stream,
        ]),
      ).toEqual([
        ['PANEL0001', 'proof', 'bound'],
        ['PANEL0002', 'proof', 'bound'],
      ]);
      // The turbine produces day and night: WINDMILL1's output reaches the grid, is sold and paid out.
      await until(
        'no paid payout and payment',
        async () => ({
          payout: (await call(producers.get('WINDMILL1') ?? grid, 'GET', '/api/operator/balance')).body.balance as {
            receivedTotal: number;
          },
          member: (await call(grid, 'GET', '/api/operator/members/HOUSE0001')).body.member as
            { balances: { confirmed: number } | null } | undefined,
        }),
        ({ payout, member }) => payout.receivedTotal > 0 && (member?.balances?.confirmed ?? 0) > 0,
      );
      // What the grid was paid for came from WINDMILL1's service on p2p.producer-output.
      await until(
        'no producer.output of WINDMILL1 read back',
        async () =>
          producerOutput.records.some(
            (r) =>
              r.type === 'producer.output' && r.key === 'WINDMILL1' && (r.data as { outputWh: number }).outputWh > 0,
          ),
        (sold) => sold,
      );
      // What the operator's page is for: HOUSE0003 pays three intervals late, so its requests stay open a while;
      // HOUSE0004's first transfer names no reference, so the grid keeps it unallocated for the operator.
      await until(
        'no open request of HOUSE0003 and unallocated payment of HOUSE0004',
        async () => ({
          open: await items(grid, '/api/operator/payment-requests?status=requested&pageSize=100'),
          unallocated: await items(grid, '/api/operator/payments?allocation=unallocated'),
        }),
        ({ open, unallocated }) =>
          open.some((r) => r.consumerId === 'HOUSE0003') && unallocated.some((p) => p.from === 'HOUSE0004'),
      );

      // Started again against the same grid, the wallets go on numbering their payments: none is refused as a
      // conflict, and HOUSE0004 sends no second unreferenced transfer.
      await community.stop();
      const paid = async () =>
        (await items(grid, '/api/operator/payments?pageSize=100')).filter(
          (p) => p.kind === 'payment' && p.from === 'HOUSE0001',
        ).length;
      const before = await paid();
      community = await startCommunity(options);
      await until('no payment of HOUSE0001 after the restart', paid, (n) => n > before);
      expect(
        (await items(grid, '/api/operator/rejected-records?pageSize=100')).filter((r) => r.topic === 'p2p.payments'),
      ).toEqual([]);
      expect(await items(grid, '/api/operator/payments?allocation=unallocated')).toHaveLength(1);
    } finally {
      await community.stop();
    }
  }, 120_000);

  it('prints its options on --help and refuses to run without both producer services', async () => {
    const out = { stdout: '', stderr: '' };
    const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
    expect(await main(['p2p', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('--producer <id>=<url>');
    process.env['KAFKA_BROKERS'] ??= '127.0.0.1:9092';
    const args = ['p2p', '--grid-url', 'http://127.0.0.1:1', '--operator-token', 'x'.repeat(16)];
    expect(await main([...args, '--producer', 'SUNFARM01=http://127.0.0.1:2'], io)).toBe(2);
    expect(out.stderr).toContain('--producer is needed for WINDMILL1');
    expect(await main([...args, '--producer', 'SUNFARM01:http://127.0.0.1:2'], io)).toBe(2);
    expect(out.stderr).toContain("--producer must be <producerId>=<url>, not 'SUNFARM01:http://127.0.0.1:2'.");
    // Services that do not answer: the error names the address (and the command lets go of Kafka, so it exits).
    const producers = ['--producer', 'SUNFARM01=http://127.0.0.1:2', '--producer', 'WINDMILL1=http://127.0.0.1:3'];
    const ownTopics = ['--topic-prefix', uniqueTopicPrefix('flexgrid-sim-unreachable')];
    await expect(main([...args, ...producers, ...ownTopics], io)).rejects.toThrow(
      /^PUT http:\/\/127\.0\.0\.1:2\/registration\/PANEL0001: fetch failed/,
    );
  });
});
