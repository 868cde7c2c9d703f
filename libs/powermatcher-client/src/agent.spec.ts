// #region README
import { PowerMatcherAgent } from './index';

/** A heat pump: up to 2 kW when power is cheap, nothing at the highest price; prices go to `onPrice`. */
export function heatPump(url: string, onPrice: (price: number, bidNumber: number) => void): PowerMatcherAgent {
  const agent = new PowerMatcherAgent({
    url, // ws://auctioneer:8080/powermatcher/websockets/agentendpoint?agentId=hp-1&desiredConnectionId=auctioneer
    token: process.env['PM_AGENT_TOKEN'], // sent as Authorization: Bearer when set
    reconnect: { initialDelayMs: 500, maxDelayMs: 30_000 },
    // Each (re)connect brings the cluster's market basis; the last bid is re-sent anyway, so bid anew
    // only when the basis changes what you would bid.
    onClusterInfo: ({ marketBasis }) => {
      if (!agent.lastBid) {
        agent.bid({
          pricePoints: [
            { price: marketBasis.minimumPrice, demand: 2000 },
            { price: marketBasis.maximumPrice, demand: 0 },
          ],
        });
      }
    },
    onPrice: ({ price, bidNumber }) => onPrice(price, bidNumber), // the price that answers bid `bidNumber`
    onError: (error) => console.warn(`bid ${error.bidNumber ?? '-'} refused: ${error.message}`),
  });
  return agent.start();
}
// #endregion

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { readmeExample } from '@flexgrid/testing';
import { encodeMessage, marketBasis, PowerMatcherError } from '@flexgrid/protocol-powermatcher';
import { type WebSocket, WebSocketServer } from 'ws';

const basis = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 3,
  minimumPrice: 0,
  maximumPrice: 10,
});

/** A parent matcher reduced to the wire: CLUSTERINFO on connect, a PRICE_UPDATE for every BID. */
class FakeParent {
  readonly bids: { bidNumber: number; payload: Record<string, unknown>; connection: number }[] = [];
  readonly sockets: WebSocket[] = [];
  private constructor(readonly server: WebSocketServer) {
    server.on('connection', (socket) => {
      const connection = this.sockets.push(socket);
      // An unknown type first: the client must ignore it (SPEC §7.5).
      socket.send('{"payloadType":"HELLO","payload":{}}');
      socket.send(encodeMessage({ payloadType: 'CLUSTERINFO', payload: { marketBasis: basis, clusterId: 'demo' } }));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { payload: Record<string, unknown> & { bidNumber: number } };
        this.bids.push({ bidNumber: message.payload.bidNumber, payload: message.payload, connection });
        if (message.payload.bidNumber === 99) {
          socket.send(
            encodeMessage({ payloadType: 'ERROR', payload: { code: 'INVALID_BID', message: 'no', bidNumber: 99 } }),
          );
          return;
        }
        socket.send(
          encodeMessage({
            payloadType: 'PRICE_UPDATE',
            payload: { marketBasis: basis, bidNumber: message.payload.bidNumber, priceValue: 4.5 },
          }),
        );
      });
    });
  }

  static async start(): Promise<FakeParent> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    return new FakeParent(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/powermatcher/websocket?agentId=hp-1`;
  }

  async waitForBids(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (this.bids.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.bids.length} bids came`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('PowerMatcherAgent, the agent SDK (SPEC §7)', () => {
  let parent: FakeParent;
  beforeEach(async () => {
    parent = await FakeParent.start();
  });
  afterEach(() => parent.close());

  it('the README example is this one', () => {
    const { documented, tested } = readmeExample(__filename, '@flexgrid/powermatcher-client');
    expect(documented).toBe(tested);
  });

  it('PM-WS-4: the README heat pump bids its price points on CLUSTERINFO and hands the price over', async () => {
    const prices: [number, number][] = [];
    const agent = heatPump(parent.url, (price, bidNumber) => prices.push([price, bidNumber]));
    await parent.waitForBids(1);
    expect(parent.bids[0]).toMatchObject({
      bidNumber: 1,
      payload: {
        pricePoints: [
          { price: 0, demand: 2000 },
          { price: 10, demand: 0 },
        ],
      },
    });
    while (prices.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await agent.stop();
    expect(prices).toEqual([[4.5, 1]]);
    expect(parent.bids).toHaveLength(1);
  });

  it('PM-WS-7: a lost connection is retried with backoff and the last bid re-sent under its number', async () => {
    const agent = new PowerMatcherAgent({ url: parent.url, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    agent.start();
    while (!agent.connected) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(agent.bid({ flat: -500 })).toBe(1);
    await parent.waitForBids(1);
    parent.sockets[0]!.terminate();
    await parent.waitForBids(2);
    expect(parent.bids.map((b) => [b.connection, b.bidNumber, b.payload['demand']])).toEqual([
      [1, 1, [-500, -500, -500]],
      [2, 1, [-500, -500, -500]],
    ]);
    expect(agent.bid({ demand: [10, 0, -10] })).toBe(2);
    await agent.stop();
  });

  it('PM-WS-7: a server that falls silent (no message, no ping) is left and reconnected; one that speaks is kept', async () => {
    const agent = new PowerMatcherAgent({
      url: parent.url,
      serverSilenceMs: 1_000,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    agent.start();
    while (parent.sockets.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    // The second connection is kept alive by pings well inside the silence window, for many windows.
    const second = parent.sockets[1]!;
    const pings = setInterval(() => second.ping(), 50);
    try {
      let pongs = 0;
      second.on('pong', () => pongs++);
      while (pongs < 40) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(parent.sockets).toHaveLength(2);
      expect(second.readyState).toBe(second.OPEN);
    } finally {
      clearInterval(pings);
      await agent.stop();
    }
  });

  it('PM-BID-1: a bid the basis refuses throws the protocol error before it leaves; an ERROR reaches onError', async () => {
    const errors: unknown[] = [];
    const agent = new PowerMatcherAgent({ url: parent.url, onError: (error) => errors.push(error) });
    agent.start();
    while (!agent.connected) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => agent.bid({ demand: [1, 2, 3] })).toThrow(PowerMatcherError);
    expect(() => agent.bid({ demand: [1, 2, 3] })).toThrow('The demand can not be ascending');
    agent.bid({ flat: 7 }, 99);
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors).toEqual([{ code: 'INVALID_BID', message: 'no', bidNumber: 99 }]);
    expect(parent.bids).toHaveLength(1);
    await agent.stop();
  });
});
