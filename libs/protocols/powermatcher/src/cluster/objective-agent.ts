import type { MarketBasis } from '../market-basis';
import type { LocalAgent } from './nodes';
import {
  type ActiveOperatorObjective,
  checkObjectiveEvent,
  evaluateObjective,
  type ObjectiveEvent,
  type ObjectiveSettings,
  type ObjectiveStatus,
  objectiveSettings,
  type OperatorObjective,
  operatorObjectiveDemand,
} from './objective';
import type { ScheduledTask } from './scheduler';

/** The objective agent's state in the model (§6.9): its sources and its next re-evaluation. */
export class ObjectiveAgent {
  readonly settings: ObjectiveSettings;
  readonly agent: LocalAgent;
  private readonly events = new Map<string, ObjectiveEvent>();
  private operator: ActiveOperatorObjective | null = null;
  status: ObjectiveStatus | null = null;
  task: ScheduledTask | null = null;

  constructor(
    private readonly basis: MarketBasis,
    auctioneerId: string,
    options: Partial<ObjectiveSettings> & { readonly events?: readonly ObjectiveEvent[] },
  ) {
    this.settings = objectiveSettings(options);
    this.agent = {
      kind: 'objective',
      id: this.settings.agentId,
      parentId: auctioneerId,
      session: null,
      lastBid: null,
      lastPrice: null,
      bid: null,
    };
    for (const event of options.events ?? []) this.events.set(event.eventId, checkObjectiveEvent(event));
  }

  /** Validates an operator objective (§3 messages); null clears it, as does mode `none`. */
  checkOperator(objective: OperatorObjective | null): ActiveOperatorObjective | null {
    const demand = objective === null ? null : operatorObjectiveDemand(this.basis, objective);
    return objective === null || demand === null ? null : { objective, demand };
  }

  setOperator(operator: ActiveOperatorObjective | null): void {
    this.operator = operator;
  }

  /** Stores an event version; false when its modificationNumber is not above the stored one. */
  putEvent(input: ObjectiveEvent): boolean {
    const event = checkObjectiveEvent(input);
    const stored = this.events.get(event.eventId);
    if (stored && event.modificationNumber <= stored.modificationNumber) return false;
    this.events.set(event.eventId, event);
    return true;
  }

  storedEvents(): ObjectiveEvent[] {
    return [...this.events.values()];
  }

  /** Re-evaluates at `now`: the new status becomes the agent's bid; returns when to evaluate next. */
  evaluate(now: number): number | null {
    const { status, nextChange } = evaluateObjective(
      this.basis,
      this.settings,
      this.operator,
      this.events.values(),
      now,
    );
    this.status = status;
    this.agent.bid = status.demand;
    return nextChange;
  }
}
