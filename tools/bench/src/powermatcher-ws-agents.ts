/**
 * One load-generator process of the PowerMatcher websocket benchmark (`powermatcher-ws.ts` forks several): a slice
 * of the simulated device agents, each bidding on CLUSTERINFO and then every REBID_MS (±50 %), recording every price
 * it receives with the send time of the bid that price first answers. Spread over processes, the 10,000 agents'
 * reads use every core instead of queueing behind one event loop, so what is measured is the service.
 *
 * Protocol with the parent (IPC, advanced serialisation): `start` → periodic `sessions` → `record` on/off →
 * `stop` → one `events` message, then exit.
 */
import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { AGENT_ENDPOINTS } from '@flexgrid/protocol-powermatcher';
import { powermatcher as simulated } from '@flexgrid/simulators';

export interface AgentSlice {
  readonly type: 'start';
  readonly targets: readonly { url: string; parent: string }[];
  /** Agents `from … from + count - 1` of the whole run (ids and devices follow the global index). */
  readonly from: number;
  readonly count: number;
  readonly rebidMs: number;
  /** Agents of this process still waiting for their CLUSTERINFO before the next one starts. */
  readonly maxConnecting: number;
}

export type ToAgents = AgentSlice | { readonly type: 'record'; readonly on: boolean } | { readonly type: 'stop' };

/** Per received price: epoch ms (sub-ms) of its arrival, its value, and when the bid it first answers left (NaN: none). */
export interface RecordedPrices {
  readonly type: 'events';
  readonly receivedAt: Float64Array;
  readonly price: Float64Array;
  readonly bidSentAt: Float64Array;
}

export type FromAgents = { readonly type: 'sessions'; readonly connected: number } | RecordedPrices;

/** Epoch ms with sub-ms precision, comparable between the processes of one machine. */
const now = (): number => performance.timeOrigin + performance.now();

/** A growable column of doubles: a million recorded prices stay out of the garbage collector's way. */
class Column {
  private values = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  take(): Float64Array {
    return this.values.slice(0, this.length);
  }
}

function send(message: FromAgents): void {
  process.send?.(message);
}

async function run(slice: AgentSlice): Promise<void> {
  const receivedAt = new Column();
  const price = new Column();
  const bidSentAt = new Column();
  const agents: PowerMatcherAgent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let recording = false;
  let stopped = false;
  let connected = 0;

  const progress = setInterval(() => send({ type: 'sessions', connected }), 500);

  process.on('message', (message: ToAgents) => {
    if (message.type === 'record') recording = message.on;
    if (message.type !== 'stop') return;
    stopped = true;
    clearInterval(progress);
    for (const timer of timers) clearTimeout(timer);
    void Promise.all(agents.map((agent) => agent.stop())).then(() => {
      const events: RecordedPrices = {
        type: 'events',
        receivedAt: receivedAt.take(),
        price: price.take(),
        bidSentAt: bidSentAt.take(),
      };
      process.send?.(events, () => process.exit(0));
    });
  });

  for (let i = slice.from; i < slice.from + slice.count && !stopped; i++) {
    const kind = simulated.DEVICE_KINDS[i % simulated.DEVICE_KINDS.length]!;
    const sent = new Map<number, number>();
    let counted = false;
    const target = slice.targets[i % slice.targets.length]!;
    const agent: PowerMatcherAgent = new PowerMatcherAgent({
      url: `${target.url}${AGENT_ENDPOINTS['1.9']}?agentId=bench-${i}&desiredConnectionId=${target.parent}`,
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 10_000 },
      onClusterInfo: () => {
        if (!counted) connected++;
        counted = true;
        bid();
      },
      onPrice: (update) => {
        const at = now();
        const sentAt = sent.get(update.bidNumber);
        sent.delete(update.bidNumber);
        if (!recording) return;
        receivedAt.push(at);
        price.push(update.price);
        bidSentAt.push(sentAt ?? NaN);
      },
    });
    const bid = () => {
      const info = agent.clusterInfo;
      if (!info || stopped) return;
      const number = agent.bid(
        simulated.deviceBid(kind, info.marketBasis, (low, high) => low + Math.random() * (high - low)),
      );
      sent.set(number, now());
    };
    const schedule = () => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          bid();
          if (!stopped) schedule();
        },
        slice.rebidMs * (0.5 + Math.random()),
      );
      timers.add(timer);
    };
    agents.push(agent.start());
    schedule();
    // A ramp at the pace the server accepts, not a SYN flood: beyond its accept backlog the kernel answers with
    // SYN cookies and upgrade requests get lost.
    while (i - slice.from + 1 - connected >= slice.maxConnecting && !stopped) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

process.once('message', (message: ToAgents) => {
  if (message.type !== 'start') throw new Error(`expected start, got ${message.type}`);
  run(message).catch((error) => {
    console.error(error);
    process.exit(1);
  });
});
