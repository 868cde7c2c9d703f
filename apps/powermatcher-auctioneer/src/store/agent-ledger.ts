import type { Logger } from '@flexgrid/platform-service';
import type { AgentSighting, AuctioneerStore } from './store';

const FLUSH_MS = 500;

/**
 * The `agents` table (SPEC §8.2) follows connections and bids, coalesced per agent and written in one statement
 * every half second, so 10 000 agents re-bidding cost a few statements, not one per frame.
 */
export class AgentLedger {
  private readonly dirty = new Map<string, AgentSighting>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuctioneerStore,
    private readonly logger: Logger,
  ) {}

  connected(agentId: string, parentId: string, dialect: AgentSighting['dialect'], at: Date): void {
    this.note({ agentId, parentId, dialect, connected: true, connectedAt: at, at, lastBidNumber: null });
  }

  disconnected(agentId: string, at: Date): void {
    const last = this.dirty.get(agentId) ?? this.known.get(agentId);
    if (!last) return;
    this.note({ ...last, connected: false, connectedAt: null, at, lastBidNumber: null });
  }

  bid(agentId: string, bidNumber: number, at: Date): void {
    const last = this.dirty.get(agentId) ?? this.known.get(agentId);
    if (!last) return;
    this.note({ ...last, at, lastBidNumber: bidNumber });
  }

  /** Writes what is pending now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    this.writing = this.writing.then(async () => {
      try {
        await this.store.saveAgents(batch);
      } catch (error) {
        // Soft: the next sighting of each agent writes it again; the live state is in the model.
        this.logger.warn({ err: error, agents: batch.length }, 'agent rows not written');
      }
    });
    await this.writing;
  }

  /** The last sighting per connected agent, so a bid can be written without its connection's details. */
  private readonly known = new Map<string, AgentSighting>();

  private note(sighting: AgentSighting): void {
    this.dirty.set(sighting.agentId, sighting);
    if (sighting.connected) this.known.set(sighting.agentId, sighting);
    else this.known.delete(sighting.agentId);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }
}
