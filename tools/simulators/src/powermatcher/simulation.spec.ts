import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { checkDemand, encodeMessage, flatBid, marketBasis, pointBidDemand } from '@flexgrid/protocol-powermatcher';
import { WebSocketServer } from 'ws';
import { main } from '../cli';
import { DEVICE_KINDS, deviceBid } from './devices';
import { startPowerMatcherSimulation } from './simulation';

const bases = [
  marketBasis({ commodity: 'electricity', currency: 'EUR', priceSteps: 100, minimumPrice: 0, maximumPrice: 1 }),
  marketBasis({ commodity: 'electricity', currency: 'EUR', priceSteps: 3, minimumPrice: 0, maximumPrice: 10 }),
  marketBasis({ commodity: 'heat', currency: 'USD', priceSteps: 12, minimumPrice: -50, maximumPrice: 50 }),
];

describe('PowerMatcher device agents (SPEC §8.5)', () => {
  it.each(DEVICE_KINDS)('PM-BID-1: a %s bids a valid curve on every basis, whatever the draw', (kind) => {
    for (const basis of bases) {
      for (const u of [0, 0.37, 0.999]) {
        const content = deviceBid(kind, basis, (low, high) => low + u * (high - low));
        const demand =
          'demand' in content
            ? checkDemand(basis, content.demand)
            : 'flat' in content
              ? flatBid(basis, content.flat).demand
              : pointBidDemand(basis, content.pricePoints);
        expect(demand).toHaveLength(basis.priceSteps);
      }
    }
  });

  it('PM-WS-4: the simulation connects N agents that bid on CLUSTERINFO, re-bid on schedule and count prices', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const urls: string[] = [];
    let bids = 0;
    server.on('connection', (socket, request) => {
      urls.push(request.url ?? '');
      socket.send(
        encodeMessage({ payloadType: 'CLUSTERINFO', payload: { marketBasis: bases[0]!, clusterId: 'demo' } }),
      );
      socket.on('message', (data) => {
        bids++;
        const { payload } = JSON.parse(String(data)) as { payload: { bidNumber: number } };
        socket.send(
          encodeMessage({
            payloadType: 'PRICE_UPDATE',
            payload: { marketBasis: bases[0]!, bidNumber: payload.bidNumber, priceValue: 0.5 },
          }),
        );
      });
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const simulation = await startPowerMatcherSimulation({ url, agents: 12, rebidMs: 200, parentId: 'street' });
    try {
      const deadline = Date.now() + 10_000;
      while (bids < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const stats = simulation.stats();
      expect(stats).toMatchObject({ agents: 12, connected: 12, errors: 0, lastPrice: 0.5 });
      expect(stats.prices).toBeGreaterThanOrEqual(12);
      expect(bids).toBeGreaterThanOrEqual(30);
      expect(new Set(simulation.agents.map((a) => a.kind)).size).toBe(DEVICE_KINDS.length);
      expect(urls[0]).toBe('/powermatcher/websockets/agentendpoint?agentId=sim-heatPump-1&desiredConnectionId=street');
    } finally {
      await simulation.stop();
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('flexgrid-sim powermatcher --help and a missing --url', async () => {
    const out = { stdout: '', stderr: '' };
    const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
    expect(await main(['powermatcher', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('--agents <n>');
    expect(await main(['powermatcher', '--agents', '5'], io)).toBe(2);
    expect(out.stderr).toContain('--url must be a ws:// or wss:// URL');
  });
});
