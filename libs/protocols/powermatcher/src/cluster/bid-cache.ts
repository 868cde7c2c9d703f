import { DemandAggregate } from '../aggregation/demand-aggregate';
import type { BidReferenceChange } from './effects';

/** A child's bid as a matcher refers to it: which session sent it, with which number. */
export interface BidReference {
  readonly sessionId: string;
  readonly bidNumber: number;
}

interface Entry {
  sessionId: string;
  /** Null once the bid left the cache, until the next run records that. */
  bidNumber: number | null;
  /** The reference in the matcher's previous run (null: not in it). */
  runSessionId: string | null;
  runBidNumber: number | null;
}

interface Version {
  readonly run: number;
  readonly reference: BidReference | null;
}

/**
 * A matcher's bid cache (SPEC §6.4, PM-CL-4): per child the latest accepted bid and its reference, the
 * exact aggregate (§5), and what each run needs without copying a map of all children (§5.2):
 * - `commitRun` lists only the children whose reference changed since the previous run;
 * - with `keepVersions` (concentrators) each change is recorded as a version from that run on, so the bid
 *   history can ask which bid of a child a past run contained (`referenceAt`); versions older than the
 *   oldest run still in the history are pruned.
 */
export class BidCache {
  readonly aggregate: DemandAggregate;
  private readonly entries = new Map<string, Entry>();
  /** Children touched since the previous run, in order of first change. */
  private readonly touched = new Set<string>();
  private readonly versions = new Map<string, Version[]>();
  /** Version additions in run order, to prune each child's list once its versions age out. */
  private readonly versionLog: { run: number; agentId: string }[] = [];
  private versionLogStart = 0;

  constructor(
    priceSteps: number,
    private readonly keepVersions: boolean,
  ) {
    this.aggregate = new DemandAggregate(priceSteps);
  }

  /** Caches the child's bid; an identical curve changes only the reference (§6.4). */
  put(agentId: string, reference: BidReference, demand: readonly number[]): void {
    this.aggregate.set(agentId, demand);
    const entry = this.entries.get(agentId);
    if (entry) {
      entry.sessionId = reference.sessionId;
      entry.bidNumber = reference.bidNumber;
    } else {
      this.entries.set(agentId, { ...reference, runSessionId: null, runBidNumber: null });
    }
    this.touched.add(agentId);
  }

  /** Removes the child's bid; returns whether it had one. */
  remove(agentId: string): boolean {
    const entry = this.entries.get(agentId);
    if (!entry || entry.bidNumber === null) return false;
    this.aggregate.delete(agentId);
    entry.bidNumber = null;
    this.touched.add(agentId);
    return true;
  }

  /** The bid number of the child's cached bid, or null. */
  bidNumber(agentId: string): number | null {
    return this.entries.get(agentId)?.bidNumber ?? null;
  }

  /** The references of the matcher's previous run, in first-accepted order: what its aggregate contained. */
  runReferences(): BidReferenceChange[] {
    const references: BidReferenceChange[] = [];
    for (const [agentId, entry] of this.entries) {
      if (entry.runBidNumber !== null && entry.runSessionId !== null) {
        references.push({ agentId, sessionId: entry.runSessionId, bidNumber: entry.runBidNumber });
      }
    }
    return references;
  }

  /** Records the references of run `run` and returns those that changed since the previous run. */
  commitRun(run: number): BidReferenceChange[] {
    const changes: BidReferenceChange[] = [];
    for (const agentId of this.touched) {
      const entry = this.entries.get(agentId);
      if (!entry) continue;
      const changed =
        entry.bidNumber !== entry.runBidNumber || (entry.bidNumber !== null && entry.sessionId !== entry.runSessionId);
      if (changed) {
        changes.push({ agentId, sessionId: entry.sessionId, bidNumber: entry.bidNumber });
        if (this.keepVersions) this.addVersion(agentId, run, entry);
      }
      if (entry.bidNumber === null) this.entries.delete(agentId);
      else {
        entry.runSessionId = entry.sessionId;
        entry.runBidNumber = entry.bidNumber;
      }
    }
    this.touched.clear();
    return changes;
  }

  /** The child's bid in run `run` (needs `keepVersions`), or undefined if it had none. */
  referenceAt(agentId: string, run: number): BidReference | undefined {
    const list = this.versions.get(agentId);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i].run <= run) return list[i].reference ?? undefined;
    return undefined;
  }

  /** Forgets versions no run from `oldestRun` on can need. */
  pruneVersions(oldestRun: number): void {
    const log = this.versionLog;
    while (this.versionLogStart < log.length && log[this.versionLogStart].run <= oldestRun) {
      this.pruneChild(log[this.versionLogStart++].agentId, oldestRun);
    }
    if (this.versionLogStart > 1024 && this.versionLogStart * 2 > log.length) {
      log.splice(0, this.versionLogStart);
      this.versionLogStart = 0;
    }
  }

  private addVersion(agentId: string, run: number, entry: Entry): void {
    const reference = entry.bidNumber === null ? null : { sessionId: entry.sessionId, bidNumber: entry.bidNumber };
    const list = this.versions.get(agentId);
    if (list) list.push({ run, reference });
    else this.versions.set(agentId, [{ run, reference }]);
    this.versionLog.push({ run, agentId });
  }

  /** Keeps the child's last version at or before `oldestRun` and all later ones; drops a leading removal. */
  private pruneChild(agentId: string, oldestRun: number): void {
    const list = this.versions.get(agentId);
    if (!list) return;
    let keep = 0;
    while (keep + 1 < list.length && list[keep + 1].run <= oldestRun) keep++;
    if (list[keep].run <= oldestRun && list[keep].reference === null) keep++;
    if (keep >= list.length) this.versions.delete(agentId);
    else if (keep > 0) list.splice(0, keep);
  }
}
