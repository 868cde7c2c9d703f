import type { Effect } from '@flexgrid/protocol-powermatcher';

/**
 * The live `agentId → bidNumber` map of every matcher (SPEC §5.2, §8.1): updated from the `changes` each run
 * reports, never copied per run, and serialised only into the records of that run. A matcher's own new parent
 * session (its `clusterInfo`) starts its map again from empty, as its `changes` do.
 */
export class BidReferences {
  private readonly byMatcher = new Map<string, Map<string, number>>();

  constructor(private readonly isMatcher: (id: string) => boolean) {}

  /** Applies one effect; call for every effect in order. */
  apply(effect: Effect): void {
    if (effect.type === 'aggregated') {
      let references = this.byMatcher.get(effect.matcherId);
      if (!references) this.byMatcher.set(effect.matcherId, (references = new Map()));
      for (const change of effect.changes) {
        if (change.bidNumber === null) references.delete(change.agentId);
        else references.set(change.agentId, change.bidNumber);
      }
    } else if (effect.type === 'clusterInfo' && this.isMatcher(effect.agentId)) {
      this.byMatcher.delete(effect.agentId);
    }
  }

  of(matcherId: string): ReadonlyMap<string, number> {
    return this.byMatcher.get(matcherId) ?? new Map();
  }
}
