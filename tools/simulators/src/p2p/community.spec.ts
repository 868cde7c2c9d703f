import { configFromSettings } from '@flexgrid/protocol-p2p';
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

  it('sources register at their producers and feed them; the grid settles their output, bills households, the wallets pay and the producers are paid', async () => {
    const { grid, producers, devices } = services;
    const producerOutput = grid.published('p2p.producer-output');
    const producerUrls = Object.fromEntries([...producers].map(([id, app]) => [id, app.url]));
    const community = await startCommunity({
      bus: devices,
      gridUrl: grid.url,
      operatorToken: OPERATOR_TOKEN,
      producerUrls,
      config: configFromSettings({ intervalMs: 1000 }),
      tickMs: 200,
      confirmDelayMs: 0,
      // Each 1 s window carries an hour: enough Wh for whole cents.
      timeCompression: 3600,
    });
    try {
      const sources = await call(producers.get('SUNFARM01') ?? grid, 'GET', '/api/operator/sources');
      expect(
        (sources.body.items as { id: string; binding: string; stream: string }[]).map((s) => [
          s.id,
          s.binding,
          s.stream,
        ]),
      ).toEqual([
        ['PANEL0001', 'proof', 'bound'],
        ['PANEL0002', 'proof', 'bound'],
      ]);
      // The turbine produces day and night: WINDMILL1's output reaches the grid, is sold and paid out.
      for (let i = 0; ; i++) {
        const balance = (await call(producers.get('WINDMILL1') ?? grid, 'GET', '/api/operator/balance')).body
          .balance as {
          receivedTotal: number;
        };
        const member = (await call(grid, 'GET', '/api/operator/members/HOUSE0001')).body.member as
          { balances: { confirmed: number } } | undefined;
        if (balance.receivedTotal > 0 && (member?.balances.confirmed ?? 0) > 0) break;
        if (i > 1200) throw new Error(`no paid payout and payment within 60 s: ${JSON.stringify({ balance, member })}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // What the grid was paid for came from WINDMILL1's service on p2p.producer-output.
      const sold = () =>
        producerOutput.records.some(
          (r) => r.type === 'producer.output' && r.key === 'WINDMILL1' && (r.data as { outputWh: number }).outputWh > 0,
        );
      for (let i = 0; !sold(); i++) {
        if (i > 400) throw new Error('no producer.output of WINDMILL1 read back');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(sold()).toBe(true);
      // What the operator's page is for: HOUSE0003 pays three intervals late, so its requests stay open a while;
      // HOUSE0004's first transfer names no reference, so the grid keeps it unallocated for the operator.
      const items = async (path: string) => (await call(grid, 'GET', path)).body.items as Record<string, unknown>[];
      for (let i = 0; ; i++) {
        const open = await items('/api/operator/payment-requests?status=requested&pageSize=100');
        const unallocated = await items('/api/operator/payments?allocation=unallocated');
        if (open.some((r) => r.consumerId === 'HOUSE0003') && unallocated.some((p) => p.from === 'HOUSE0004')) break;
        if (i > 1200) throw new Error(`no open request of HOUSE0003 and unallocated payment of HOUSE0004 in 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await community.stop();
    }
  });

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
    await expect(main([...args, ...producers], io)).rejects.toThrow(
      /^PUT http:\/\/127\.0\.0\.1:2\/registration\/PANEL0001: fetch failed/,
    );
  });
});
