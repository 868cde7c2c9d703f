import { checkDemand, type DemandScope, demandEquals, LENGTH_MISMATCH } from '../bid';
import { isBidNumber, nextBidNumber } from '../bid-number';
import { intersection } from '../equilibrium';
import { isPowerMatcherError, PowerMatcherError, type PowerMatcherErrorCode } from '../errors';
import { type MarketBasis, marketBasis as checkMarketBasis, marketBasisEquals } from '../market-basis';
import { checkPrice, gridIndexOf } from '../price-grid';
import { PARENT_DISCONNECTED } from '../wire/close-codes';
import { BidCache } from './bid-cache';
import {
  checkCycle,
  checkDurationMs,
  checkTopology,
  type ClusterModelOptions,
  type ConcentratorOptions,
  duplicateAgent,
  unknownParent,
} from './configuration';
import type { BidReferenceChange, Effect, ErrorEffect } from './effects';
import {
  type Agent,
  type Auctioneer,
  type Concentrator,
  createAuctioneer,
  createConcentrator,
  type LastBid,
  type LastPrice,
  type LocalAgent,
  type Matcher,
  matcherCluster,
  type RemoteAgent,
  type Session,
} from './nodes';
import type { ObjectiveEvent, ObjectiveStatus, OperatorObjective } from './objective';
import { ObjectiveAgent } from './objective-agent';
import { checkMeasurement, peakShavingBid, peakShavingPrice } from './peak-shaving';
import { Scheduler } from './scheduler';

/** A remote agent's bid as the wire gives it (§7.3), after the frame checks (§7.6). */
export interface IncomingBid {
  readonly marketBasis: MarketBasis;
  readonly bidNumber: number;
  readonly demand: readonly number[];
}

/** One agent as its parent sees it (§8.3 `GET /api/agents`): its session, last accepted bid and last price. */
export interface AgentStatus {
  readonly agentId: string;
  readonly kind: Agent['kind'];
  /** Null for a concentrator whose parent is outside the model. */
  readonly parentId: string | null;
  /** Null while pending (§6.2 item 1). */
  readonly sessionId: string | null;
  readonly clusterId: string | null;
  /** The bid its parent accepted in this session (a concentrator with a remote parent: the bid it sent). */
  readonly lastBid: LastBid | null;
  readonly lastPrice: LastPrice | null;
}

export interface MatcherStatus {
  readonly id: string;
  readonly kind: 'auctioneer' | 'concentrator';
  readonly parentId: string | null;
  readonly connected: boolean;
  readonly clusterId: string | null;
  readonly marketBasis: MarketBasis | null;
  /** Child agent ids in session-creation order. */
  readonly children: readonly string[];
}

/**
 * The deterministic PowerMatcher cluster (SPEC §6): auctioneer, concentrators of any depth, local and remote
 * agents, their sessions, bid caches, cooling-off, bid history and price forwarding, peak shaving and the
 * objective agent. No timers, sockets or randomness: every input reads the injected clock once, `advanceTo`
 * executes what is due, and each call returns its effects (§6 effects table) in emission order. An input
 * refused outright (a duplicate id, an unknown parent, an invalid configuration or objective) throws a
 * `PowerMatcherError` and changes nothing; a rejected bid is an `error` effect.
 */
export class ClusterModel {
  private readonly clock: () => number;
  private readonly sessionIds: () => string;
  private readonly scheduler = new Scheduler();
  private readonly auctioneer: Auctioneer | null;
  /** Every local component and remote agent, registered or pending, in registration order. */
  private readonly agents = new Map<string, Agent>();
  private readonly matchers = new Map<string, Matcher>();
  private readonly objective: ObjectiveAgent | null = null;
  private readonly bidTtl: number;
  private now = 0;
  private effects: Effect[] = [];

  private constructor(options: ClusterModelOptions) {
    this.clock = options.clock;
    let sessions = 0;
    this.sessionIds = options.sessionIds ?? (() => `session-${++sessions}`);
    this.bidTtl = checkDurationMs(options.bidTtlMs, 'bidTtlMs', 0);
    this.auctioneer = options.auctioneer === null ? null : createAuctioneer(options.auctioneer ?? {});
    if (this.auctioneer) this.matchers.set(this.auctioneer.id, this.auctioneer);
    if (options.objective) {
      if (!this.auctioneer)
        throw new PowerMatcherError('INVALID_CONFIGURATION', 'The objective agent needs an auctioneer');
      this.objective = new ObjectiveAgent(this.auctioneer.marketBasis, this.auctioneer.id, options.objective);
    }
  }

  /**
   * Builds a cluster from its configuration, checked as the service checks it at start-up (unique ids, every
   * parent chain reaching the auctioneer or a remote parent without cycles), and registers its components.
   */
  static create(options: ClusterModelOptions): { model: ClusterModel; effects: Effect[] } {
    const model = new ClusterModel(options);
    const concentrators = options.concentrators ?? [];
    checkTopology(model.auctioneer?.id ?? null, model.objective?.agent.id ?? null, concentrators);
    const effects = model.input(() => {
      for (const concentrator of concentrators) model.addAgent(createConcentrator(concentrator));
      if (model.objective) {
        model.evaluateObjective(model.objective);
        model.addAgent(model.objective.agent);
      }
    });
    return { model, effects };
  }

  // ---- inputs ----------------------------------------------------------------------------------------------

  /** Registers a local concentrator; it is pending until its parent is connected (§6.2). */
  registerConcentrator(options: ConcentratorOptions): Effect[] {
    this.checkNewId(options.id);
    checkCycle(options, (id) => this.agents.get(id)?.parentId);
    const concentrator = createConcentrator(options);
    return this.input(() => this.addAgent(concentrator));
  }

  /** Registers a local device agent under a local matcher; `updateDeviceBid` sets what it bids. */
  registerDeviceAgent(id: string, parentId: string): Effect[] {
    this.checkNewId(id);
    return this.input(() =>
      this.addAgent({ kind: 'device', id, parentId, session: null, lastBid: null, lastPrice: null, bid: null }),
    );
  }

  /** Sets a local device agent's bid (an entering bid, validated against its parent's basis) and sends it. */
  updateDeviceBid(id: string, demand: readonly number[]): Effect[] {
    const agent = this.agents.get(id);
    if (agent?.kind !== 'device') throw new PowerMatcherError('UNKNOWN_AGENT', `No device agent [${id}]`);
    const cluster = agent.session ?? this.clusterOf(agent.parentId);
    // Without a connected parent the basis is unknown; the parent validates the bid on acceptance.
    if (!Array.isArray(demand)) throw new PowerMatcherError('INVALID_BID', LENGTH_MISMATCH);
    const bid = cluster ? checkDemand(cluster.marketBasis, demand) : demand.slice();
    return this.input(() => {
      agent.bid = bid;
      if (agent.session) this.sendBid(agent, agent.session, bid);
    });
  }

  /** Removes a local concentrator or device agent (§6.2 items 4 and 5). */
  unregister(id: string): Effect[] {
    const agent = this.agents.get(id);
    if (!agent || agent.kind === 'remote' || agent.kind === 'objective') {
      throw new PowerMatcherError('UNKNOWN_AGENT', `No local component [${id}] can be unregistered`);
    }
    return this.input(() => {
      this.closeSession(agent);
      if (agent.kind === 'concentrator') {
        for (const pending of [...this.agents.values()]) {
          if (pending.kind === 'remote' && pending.parentId === id) this.dropRemote(pending);
        }
        this.matchers.delete(id);
      }
      this.agents.delete(id);
    });
  }

  /** A remote agent connects to a local matcher (§7.2 checks 4 and 5); pending until that matcher is connected. */
  connectAgent(agentId: string, parentId: string): Effect[] {
    if (!this.matchers.has(parentId)) throw unknownParent(parentId);
    this.checkNewId(agentId);
    return this.input(() =>
      this.addAgent({
        kind: 'remote',
        id: agentId,
        parentId,
        session: null,
        lastBid: null,
        lastPrice: null,
        bidExpiresAt: 0,
        expiry: null,
      }),
    );
  }

  /** A remote agent's connection closed (close, heartbeat timeout, removal): its bid leaves (§6.2 item 4). */
  disconnectAgent(agentId: string): Effect[] {
    return this.input(() => {
      const agent = this.agents.get(agentId);
      if (agent?.kind !== 'remote') return;
      this.closeSession(agent);
      this.agents.delete(agentId);
    });
  }

  /** A remote agent's bid (§6.2 item 6, §6.4); a rejection is an `error` effect and changes nothing. */
  receiveBid(agentId: string, bid: IncomingBid): Effect[] {
    return this.input(() => {
      const agent = this.agents.get(agentId);
      const bidNumber = isBidNumber(bid.bidNumber) ? bid.bidNumber : null;
      if (agent?.kind !== 'remote') {
        this.reportError(null, agentId, 'NOT_CONNECTED', 'No session found', bidNumber);
      } else if (!agent.session) {
        this.reportError(agent.parentId, agentId, 'NOT_CONNECTED', 'Not connected to the cluster', bidNumber);
      } else if (bidNumber === null) {
        this.reportError(agent.parentId, agentId, 'INVALID_MESSAGE', 'payload.bidNumber must be an integer', null);
      } else {
        this.acceptBid(this.matcher(agent.parentId), agent.session, bidNumber, bid.marketBasis, bid.demand, 'entering');
      }
    });
  }

  /** A concentrator with a remote parent received CLUSTERINFO: its parent session starts (§6.2, §6.7). */
  connectParent(
    concentratorId: string,
    clusterInfo: { readonly clusterId: string; readonly marketBasis: MarketBasis },
  ): Effect[] {
    const concentrator = this.remoteParented(concentratorId);
    const basis = checkMarketBasis(clusterInfo.marketBasis);
    const clusterId = clusterInfo.clusterId;
    if (typeof clusterId !== 'string' || clusterId.length === 0)
      throw new PowerMatcherError('INVALID_MESSAGE', 'clusterId is required');
    return this.input(() => {
      const session = concentrator.session;
      if (session && session.clusterId === clusterId && marketBasisEquals(session.marketBasis, basis)) return;
      this.closeSession(concentrator);
      this.openSession(concentrator, null, clusterId, basis);
    });
  }

  /** A concentrator with a remote parent lost that connection (§6.2 item 5). */
  disconnectParent(concentratorId: string): Effect[] {
    const concentrator = this.remoteParented(concentratorId);
    return this.input(() => this.closeSession(concentrator));
  }

  /** A PRICE_UPDATE from a concentrator's remote parent (§6.7); `price` null when it carried none (§7.5). */
  receivePrice(concentratorId: string, price: number | null, bidNumber: number): Effect[] {
    const concentrator = this.remoteParented(concentratorId);
    return this.input(() => {
      const session = concentrator.session;
      if (!session) {
        this.reportWarning(null, concentratorId, 'NOT_CONNECTED', 'Not connected to the cluster', bidNumber);
        return;
      }
      if (typeof price !== 'number') {
        this.reportWarning(null, concentratorId, 'INVALID_PRICE', 'Price cannot be null', bidNumber);
        return;
      }
      try {
        checkPrice(session.marketBasis, price);
      } catch (error) {
        if (!isPowerMatcherError(error)) throw error;
        this.reportWarning(null, concentratorId, 'INVALID_PRICE', error.message, bidNumber);
        return;
      }
      concentrator.lastPrice = { price, bidNumber, at: this.now };
      this.forwardPrice(concentrator, session, price, bidNumber);
    });
  }

  /** A flow measurement at a peak-shaving concentrator (§6.8); it schedules a run when connected. */
  measureFlow(concentratorId: string, measurement: number): Effect[] {
    const concentrator = this.agents.get(concentratorId);
    const peakShaving = concentrator?.kind === 'concentrator' ? concentrator.peakShaving : null;
    if (concentrator?.kind !== 'concentrator' || !peakShaving) {
      throw new PowerMatcherError('UNKNOWN_AGENT', `No peak-shaving concentrator [${concentratorId}]`);
    }
    const flow = checkMeasurement(measurement);
    return this.input(() => {
      peakShaving.measuredFlow = flow;
      this.trigger(concentrator);
    });
  }

  /** Sets (or, with null or mode `none`, clears) the operator objective (§6.9 source 1). */
  setOperatorObjective(objective: OperatorObjective | null): Effect[] {
    const agent = this.requireObjective();
    const operator = agent.checkOperator(objective);
    return this.input(() => {
      agent.setOperator(operator);
      this.evaluateObjective(agent);
    });
  }

  /** A version of an OpenADR event (§6.9 source 2); one not above the stored modificationNumber is ignored. */
  putObjectiveEvent(event: ObjectiveEvent): Effect[] {
    const agent = this.requireObjective();
    return this.input(() => {
      if (agent.putEvent(event)) this.evaluateObjective(agent);
    });
  }

  /** Executes every run and re-evaluation due at or before `time`, each at its due time (§6.5). */
  advanceTo(time: number): Effect[] {
    if (!Number.isFinite(time)) throw new PowerMatcherError('INVALID_TIME', 'The time must be a finite number of ms');
    return this.input(() => {
      for (let task = this.scheduler.takeDue(time); task; task = this.scheduler.takeDue(time)) {
        this.now = task.time;
        task.action(task.time);
      }
    }, time);
  }

  /**
   * Executes only this matcher's scheduled run, if it is due at or before `time`, at its due time; other due
   * tasks wait for the next `advanceTo`. For a host that drives matchers separately (one timer per matcher, a
   * matcher flushed before shutdown); `advanceTo` stays the way to keep §6.5's global order.
   */
  runMatcher(matcherId: string, time: number): Effect[] {
    const matcher = this.matchers.get(matcherId);
    if (!matcher) throw new PowerMatcherError('UNKNOWN_AGENT', `No matcher [${matcherId}]`);
    if (!Number.isFinite(time)) throw new PowerMatcherError('INVALID_TIME', 'The time must be a finite number of ms');
    return this.input(() => {
      const task = matcher.scheduled;
      if (!task || task.cancelled || task.time > time) return;
      // Cancelled here so the scheduler drops it; the run itself clears `scheduled`.
      task.cancelled = true;
      this.now = task.time;
      task.action(task.time);
    }, time);
  }

  // ---- reads -----------------------------------------------------------------------------------------------

  /** When `advanceTo` next has something to do, or null. */
  nextDueTime(): number | null {
    return this.scheduler.nextDue();
  }

  matcherStatuses(): MatcherStatus[] {
    return [...this.matchers.values()].map((matcher) => {
      const cluster = matcherCluster(matcher);
      return {
        id: matcher.id,
        kind: matcher.kind,
        parentId: matcher.kind === 'concentrator' ? matcher.parentId : null,
        connected: cluster !== null,
        clusterId: cluster?.clusterId ?? null,
        marketBasis: cluster?.marketBasis ?? null,
        children: [...matcher.children.keys()],
      };
    });
  }

  /** The matcher's current aggregate and the number of bids in it, or undefined when it is not connected. */
  aggregate(matcherId: string): { demand: number[]; agentCount: number } | undefined {
    const cache = this.matchers.get(matcherId)?.cache;
    return cache ? { demand: cache.aggregate.demand(), agentCount: cache.aggregate.size } : undefined;
  }

  /** When the matcher's scheduled run is due, or null if none is scheduled (or there is no such matcher). */
  matcherDueTime(matcherId: string): number | null {
    const task = this.matchers.get(matcherId)?.scheduled;
    return task && !task.cancelled ? task.time : null;
  }

  /**
   * The bid references of the matcher's last run (§5.2, §8.1 `bidNumbers` and `agentBidReferences`): each child
   * whose bid that run's aggregate contained, with the session and bid number. Undefined when `matcherId` is not
   * a connected matcher. Costs O(children): for reads and records, not for every run.
   */
  bidReferences(matcherId: string): BidReferenceChange[] | undefined {
    return this.matchers.get(matcherId)?.cache?.runReferences();
  }

  /** Every agent (local components, the objective agent, remote agents, pending ones too) in registration order. */
  agentStatuses(): AgentStatus[] {
    return [...this.agents.values()].map(agentStatus);
  }

  /** One agent's status, or undefined when no agent has this id. */
  agentStatus(agentId: string): AgentStatus | undefined {
    const agent = this.agents.get(agentId);
    return agent ? agentStatus(agent) : undefined;
  }

  /** Whether `id` is taken by a registered component or a connected (or pending) agent (§7.2 check 5). */
  isTaken(id: string): boolean {
    return this.agents.has(id) || this.matchers.has(id);
  }

  /** Whether `id` is a registered local matcher a remote agent may attach to (§7.2 check 4). */
  isMatcher(id: string): boolean {
    return this.matchers.has(id);
  }

  /** The objective agent's current bid and where it comes from, or null without an objective agent. */
  objectiveStatus(): ObjectiveStatus | null {
    return this.objective?.status ?? null;
  }

  /** The stored OpenADR events (for persistence, §6.9). */
  objectiveEvents(): ObjectiveEvent[] {
    return this.objective?.storedEvents() ?? [];
  }

  // ---- sessions --------------------------------------------------------------------------------------------

  private input(body: () => void, time = this.readClock()): Effect[] {
    this.now = time;
    this.effects = [];
    body();
    const effects = this.effects;
    this.effects = [];
    return effects;
  }

  private readClock(): number {
    const now = this.clock();
    if (!Number.isFinite(now)) throw new PowerMatcherError('INVALID_TIME', 'The clock must give a finite number of ms');
    return now;
  }

  private checkNewId(id: string): void {
    if (typeof id !== 'string' || id.length === 0)
      throw new PowerMatcherError('INVALID_PARAMETER', 'An agent id is required');
    if (this.isTaken(id)) throw duplicateAgent(id);
  }

  private addAgent(agent: Agent): void {
    this.agents.set(agent.id, agent);
    if (agent.kind === 'concentrator') this.matchers.set(agent.id, agent);
    this.connect(agent);
  }

  /** A matcher the model's invariants say exists. */
  private matcher(id: string): Matcher {
    const matcher = this.matchers.get(id);
    if (!matcher) throw new PowerMatcherError('INTERNAL_ERROR', `Matcher [${id}] is missing`);
    return matcher;
  }

  private remoteParented(id: string): Concentrator {
    const concentrator = this.agents.get(id);
    if (concentrator?.kind !== 'concentrator' || concentrator.parentId !== null) {
      throw new PowerMatcherError('UNKNOWN_AGENT', `No concentrator [${id}] with a remote parent`);
    }
    return concentrator;
  }

  private requireObjective(): ObjectiveAgent {
    if (!this.objective) throw new PowerMatcherError('UNKNOWN_AGENT', 'This cluster has no objective agent');
    return this.objective;
  }

  /** The cluster of a connected local matcher, or null. */
  private clusterOf(matcherId: string | null): { readonly marketBasis: MarketBasis } | null {
    const matcher = matcherId === null ? undefined : this.matchers.get(matcherId);
    return matcher ? matcherCluster(matcher) : null;
  }

  /** Creates the agent's session if its parent is a connected local matcher (§6.2 item 1). */
  private connect(agent: Agent): void {
    if (agent.session || agent.parentId === null) return;
    const parent = this.matchers.get(agent.parentId);
    const cluster = parent ? matcherCluster(parent) : null;
    if (parent && cluster) this.openSession(agent, parent, cluster.clusterId, cluster.marketBasis);
  }

  private openSession(agent: Agent, parent: Matcher | null, clusterId: string, basis: MarketBasis): void {
    const session: Session = {
      id: this.sessionIds(),
      agentId: agent.id,
      agentKind: agent.kind,
      parentId: parent?.id ?? null,
      clusterId,
      marketBasis: basis,
      counter: 0,
      lastSent: null,
    };
    agent.session = session;
    parent?.children.set(agent.id, session);
    this.emit({
      type: 'clusterInfo',
      t: this.now,
      agentId: agent.id,
      parentId: session.parentId,
      sessionId: session.id,
      clusterId,
      marketBasis: basis,
      remote: agent.kind === 'remote',
    });
    if (agent.kind === 'concentrator') {
      // A new parent session starts the matcher afresh (§6.7; v2.1 kept the history, §9 D15).
      agent.cache = new BidCache(basis.priceSteps, true);
      agent.history.clear();
      agent.coolingOffEnds = 0;
      for (const pending of [...this.agents.values()]) if (pending.parentId === agent.id) this.connect(pending);
    } else if (agent.kind !== 'remote' && agent.bid) {
      this.sendBid(agent, session, agent.bid);
    }
  }

  /** Ends the agent's session: its bid leaves the parent, which re-runs; a concentrator's children go too. */
  private closeSession(agent: Agent): void {
    const session = agent.session;
    if (!session) return;
    agent.session = null;
    agent.lastBid = null;
    agent.lastPrice = null;
    const parent = session.parentId === null ? undefined : this.matchers.get(session.parentId);
    if (parent) {
      parent.children.delete(agent.id);
      parent.cache?.remove(agent.id);
      this.trigger(parent);
    }
    if (agent.kind !== 'concentrator') return;
    if (agent.scheduled) agent.scheduled.cancelled = true;
    agent.scheduled = null;
    for (const child of [...agent.children.values()]) {
      const node = this.agents.get(child.agentId);
      if (node?.kind === 'remote') this.dropRemote(node);
      else if (node) this.closeSession(node);
    }
    agent.children.clear();
    agent.cache = null;
    agent.history.clear();
  }

  /** The model ends a remote agent's connection (4410) and forgets it. */
  private dropRemote(agent: RemoteAgent): void {
    const sessionId = agent.session?.id ?? null;
    this.matchers.get(agent.parentId)?.children.delete(agent.id);
    agent.session = null;
    this.agents.delete(agent.id);
    this.emit({
      type: 'disconnect',
      t: this.now,
      agentId: agent.id,
      parentId: agent.parentId,
      sessionId,
      ...PARENT_DISCONNECTED,
    });
  }

  // ---- bids and runs ---------------------------------------------------------------------------------------

  /** A matcher takes a child's bid (§6.2 item 6, §6.4) and schedules a run. */
  private acceptBid(
    matcher: Matcher,
    session: Session,
    bidNumber: number,
    basis: MarketBasis,
    demand: readonly number[],
    scope: DemandScope,
  ): void {
    if (!marketBasisEquals(basis, session.marketBasis)) {
      this.reportError(
        matcher.id,
        session.agentId,
        'MARKET_BASIS_MISMATCH',
        'Marketbasis new bid differs from marketbasis auctioneer',
        bidNumber,
      );
      return;
    }
    let accepted: number[];
    try {
      accepted = checkDemand(basis, demand, scope);
    } catch (error) {
      if (!isPowerMatcherError(error)) throw error;
      this.reportError(matcher.id, session.agentId, error.code, error.message, bidNumber);
      return;
    }
    if (!matcher.cache)
      throw new PowerMatcherError('INTERNAL_ERROR', `Matcher [${matcher.id}] has a child but no cache`);
    matcher.cache.put(session.agentId, { sessionId: session.id, bidNumber }, accepted);
    this.emit({
      type: 'bidAccepted',
      t: this.now,
      agentId: session.agentId,
      parentId: matcher.id,
      sessionId: session.id,
      bidNumber,
      demand: accepted,
    });
    this.trigger(matcher);
    const agent = this.agents.get(session.agentId);
    if (agent) agent.lastBid = { bidNumber, demand: accepted, at: this.now };
    if (this.bidTtl > 0 && agent?.kind === 'remote') this.refreshExpiry(agent);
  }

  /** §7.7 bid TTL: one pending check per agent, moved on when it finds the bid refreshed meanwhile. */
  private refreshExpiry(agent: RemoteAgent): void {
    agent.bidExpiresAt = this.now + this.bidTtl;
    if (!agent.expiry) agent.expiry = this.scheduler.schedule(agent.bidExpiresAt, (t) => this.checkExpiry(agent, t));
  }

  private checkExpiry(agent: RemoteAgent, t: number): void {
    agent.expiry = null;
    const session = agent.session;
    // A disconnected agent, or a new one with the same id, is not this agent's concern any more.
    if (this.agents.get(agent.id) !== agent || !session) return;
    if (agent.bidExpiresAt > t) {
      agent.expiry = this.scheduler.schedule(agent.bidExpiresAt, (due) => this.checkExpiry(agent, due));
      return;
    }
    const parent = this.matcher(agent.parentId);
    agent.lastBid = null;
    if (parent.cache?.remove(agent.id)) this.trigger(parent);
  }

  /** A local agent or concentrator sends a bid, suppressing a repeat (§6.3); returns its number. */
  private sendBid(
    agent: Concentrator | LocalAgent,
    session: Session,
    demand: readonly number[],
  ): { bidNumber: number; suppressed: boolean } {
    if (session.lastSent && demandEquals(session.lastSent.demand, demand)) {
      return { bidNumber: session.lastSent.bidNumber, suppressed: true };
    }
    const bidNumber = nextBidNumber(session.counter);
    session.counter = bidNumber;
    session.lastSent = { bidNumber, demand };
    const parentId = session.parentId;
    this.emit({
      type: 'bid',
      t: this.now,
      agentId: agent.id,
      parentId,
      sessionId: session.id,
      bidNumber,
      demand,
      remote: parentId === null,
    });
    if (parentId === null) agent.lastBid = { bidNumber, demand, at: this.now };
    else {
      const scope = agent.kind === 'concentrator' ? 'computed' : 'entering';
      this.acceptBid(this.matcher(parentId), session, bidNumber, session.marketBasis, demand, scope);
    }
    return { bidNumber, suppressed: false };
  }

  /** §6.5 trigger: schedules a run now, or when the cooling-off ends. */
  private trigger(matcher: Matcher): void {
    if (!matcherCluster(matcher) || matcher.scheduled) return;
    const at = matcher.coolingOffEnds - this.now > 0 ? matcher.coolingOffEnds : this.now;
    matcher.scheduled = this.scheduler.schedule(at, (t) => this.run(matcher, t));
  }

  /** §6.5 run: aggregate the cache as it is now, then the auctioneer's or the concentrator's update. */
  private run(matcher: Matcher, t: number): void {
    try {
      const cluster = matcherCluster(matcher);
      const cache = matcher.cache;
      if (!cluster || !cache) return;
      const run = ++matcher.runs;
      const demand = cache.aggregate.demand();
      this.emit({ type: 'aggregated', t: this.now, matcherId: matcher.id, run, demand, changes: cache.commitRun(run) });
      checkDemand(cluster.marketBasis, demand, 'computed');
      if (matcher.kind === 'auctioneer') this.priceRound(matcher, demand);
      else if (matcher.session) this.sendAggregate(matcher, matcher.session, cache, run, demand);
    } catch (error) {
      // A failed run is reported, never thrown out (§6.5).
      this.reportError(
        matcher.id,
        null,
        'INTERNAL_ERROR',
        isPowerMatcherError(error) ? error.message : 'Internal error',
        null,
      );
    } finally {
      matcher.scheduled = null;
      matcher.coolingOffEnds = t + matcher.minTime;
    }
  }

  /** §6.6: the equilibrium of the aggregate is a round; every child with a bid in it gets the price. */
  private priceRound(auctioneer: Auctioneer, demand: readonly number[]): void {
    const basis = auctioneer.marketBasis;
    const price = intersection({ marketBasis: basis, demand }, 0);
    this.emit({
      type: 'round',
      t: this.now,
      clusterId: auctioneer.clusterId,
      round: auctioneer.nextRound++,
      price,
      priceIndex: gridIndexOf(basis, price),
    });
    for (const session of auctioneer.children.values()) {
      const bidNumber = auctioneer.cache.bidNumber(session.agentId);
      if (bidNumber !== null) this.deliverPrice(auctioneer.id, session, price, bidNumber);
    }
  }

  /** §6.7: transform, send upward with suppression, and record the bid number in the history. */
  private sendAggregate(
    concentrator: Concentrator,
    session: Session,
    cache: BidCache,
    run: number,
    demand: readonly number[],
  ): void {
    const peakShaving = concentrator.peakShaving;
    const sent = peakShaving
      ? peakShavingBid(
          { marketBasis: session.marketBasis, demand },
          peakShaving.limits,
          peakShaving.measuredFlow - peakShaving.allocatedFlow,
        ).demand
      : demand;
    checkDemand(session.marketBasis, sent, 'computed');
    const { bidNumber, suppressed } = this.sendBid(concentrator, session, sent);
    if (suppressed) concentrator.history.recordSuppressed(bidNumber, run, demand, sent);
    else concentrator.history.append({ bidNumber, run, aggregate: demand, sentBid: sent });
    cache.pruneVersions(concentrator.history.oldestRun ?? run);
  }

  /** Delivers a price to a session; a local concentrator forwards it at once, depth-first (§6). */
  private deliverPrice(matcherId: string, session: Session, price: number, bidNumber: number): void {
    const { agentId, agentKind } = session;
    this.emit({
      type: 'price',
      t: this.now,
      agentId,
      parentId: matcherId,
      sessionId: session.id,
      price,
      bidNumber,
      remote: agentKind === 'remote',
    });
    const agent = this.agents.get(agentId);
    if (agent) agent.lastPrice = { price, bidNumber, at: this.now };
    if (agent?.kind === 'concentrator') this.forwardPrice(agent, session, price, bidNumber);
  }

  /** §6.7: a price for the concentrator's bid `bidNumber` goes to the children whose bids that bid contained. */
  private forwardPrice(concentrator: Concentrator, session: Session, price: number, bidNumber: number): void {
    const entry = concentrator.history.find(bidNumber);
    const cache = concentrator.cache;
    if (!entry || !cache) {
      this.reportWarning(
        concentrator.parentId,
        concentrator.id,
        'UNKNOWN_BID_NUMBER',
        `No bid with bidNumber ${bidNumber} is available`,
        bidNumber,
      );
      return;
    }
    concentrator.history.dropBefore(entry);
    cache.pruneVersions(entry.run);
    let forwarded = price;
    const peakShaving = concentrator.peakShaving;
    if (peakShaving) {
      const transformed = peakShavingPrice(
        { marketBasis: session.marketBasis, demand: entry.aggregate },
        { marketBasis: session.marketBasis, demand: entry.sentBid },
        price,
      );
      forwarded = transformed.price;
      peakShaving.allocatedFlow = transformed.allocatedFlow;
    }
    for (const child of concentrator.children.values()) {
      const reference = cache.referenceAt(child.agentId, entry.run);
      // Only the session that sent that bid: a reconnected child gets nothing for its old bid (§9 D9).
      if (reference && reference.sessionId === child.id)
        this.deliverPrice(concentrator.id, child, forwarded, reference.bidNumber);
    }
  }

  /** §6.9: recomputes the objective agent's bid, sends it (with suppression) and plans the next evaluation. */
  private evaluateObjective(objective: ObjectiveAgent): void {
    const nextChange = objective.evaluate(this.now);
    const { agent } = objective;
    if (agent.session && agent.bid) this.sendBid(agent, agent.session, agent.bid);
    if (objective.task) objective.task.cancelled = true;
    objective.task =
      nextChange === null ? null : this.scheduler.schedule(nextChange, () => this.evaluateObjective(objective));
  }

  // ---- effects ---------------------------------------------------------------------------------------------

  private emit(effect: Effect): void {
    this.effects.push(effect);
  }

  private reportError(
    matcherId: string | null,
    agentId: string | null,
    code: PowerMatcherErrorCode,
    message: string,
    bidNumber: number | null,
  ): void {
    this.emitError(matcherId, agentId, code, message, bidNumber, 'error');
  }

  private reportWarning(
    matcherId: string | null,
    agentId: string | null,
    code: PowerMatcherErrorCode,
    message: string,
    bidNumber: number | null,
  ): void {
    this.emitError(matcherId, agentId, code, message, bidNumber, 'warning');
  }

  private emitError(
    matcherId: string | null,
    agentId: string | null,
    code: PowerMatcherErrorCode,
    message: string,
    bidNumber: number | null,
    level: ErrorEffect['level'],
  ): void {
    this.emit({ type: 'error', t: this.now, matcherId, agentId, code, message, bidNumber, level });
  }
}

function agentStatus(agent: Agent): AgentStatus {
  return {
    agentId: agent.id,
    kind: agent.kind,
    parentId: agent.parentId,
    sessionId: agent.session?.id ?? null,
    clusterId: agent.session?.clusterId ?? null,
    lastBid: agent.lastBid,
    lastPrice: agent.lastPrice,
  };
}
