import type { OpenadrEvent } from '@flexgrid/contracts';
import type { Bus, DeliveredEvent, Subscription } from '@flexgrid/platform-kafka';
import type { Logger } from '@flexgrid/platform-service';
import type { ObjectiveEvent } from '@flexgrid/protocol-powermatcher';
import type { ClusterHost } from '../domain/cluster-host';
import type { AuctioneerStore } from '../store/store';

/**
 * The parts of an `openadr.events` record (any version: created, modified, cancelled) the objective agent
 * reads (SPEC §6.9): times as epoch ms, interval durations in ms (0: open-ended).
 */
export function objectiveEventOf(event: OpenadrEvent): ObjectiveEvent {
  return {
    eventId: event.eventId,
    modificationNumber: event.modificationNumber,
    priority: event.priority,
    marketContext: event.marketContext,
    testEvent: event.testEvent,
    cancelled: event.cancelled,
    start: Date.parse(event.activePeriod.start),
    signals: event.signals.map((signal) => ({
      name: signal.name,
      type: signal.type,
      intervals: signal.intervals.map((interval) => ({
        start: Date.parse(interval.start),
        durationMs: interval.durationSeconds * 1000,
        value: interval.value,
      })),
    })),
  };
}

/**
 * The objective agent's input (§6.9): every version of every OpenADR event, stored first (so a restart resumes
 * it) and then given to the model, which ignores a version not above the one it has. Both steps are
 * idempotent, so a redelivered record changes nothing.
 */
export async function subscribeOpenadrEvents(
  bus: Bus,
  group: string,
  host: ClusterHost,
  store: AuctioneerStore,
  logger: Logger,
): Promise<Subscription> {
  return bus.subscribe({
    group,
    topics: ['openadr.events'],
    fromBeginning: true,
    handler: async (delivered: DeliveredEvent) => {
      const event = objectiveEventOf(delivered.data as OpenadrEvent);
      await store.saveObjectiveEvent(event);
      host.apply((model) => model.putObjectiveEvent(event));
      logger.info(
        { eventId: event.eventId, modificationNumber: event.modificationNumber, cancelled: event.cancelled },
        'OpenADR event applied to the objective',
      );
    },
  });
}
