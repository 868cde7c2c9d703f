import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { catalog } from './catalog';
import type { meterChannelGoodbyeSchema, meterChannelHelloSchema, meterReadingSchema } from './topics/meter';
import type {
  openadrEventCancelledSchema,
  openadrEventCreatedSchema,
  openadrEventModifiedSchema,
  optCancelledSchema,
  optEventResponseSchema,
  optScheduleSchema,
  venStatusSchema,
} from './topics/openadr';
import type {
  consumerChannelGoodbyeSchema,
  consumerChannelHelloSchema,
  paymentConfirmedSchema,
  paymentRequestSchema,
  paymentSentSchema,
  payoutConfirmedSchema,
  payoutSentSchema,
  producerChannelGoodbyeSchema,
  producerChannelHelloSchema,
  producerOutputSchema,
  settlementAdjustmentSchema,
  settlementFinalisedSchema,
  settlementIntervalSchema,
} from './topics/p2p';
import type {
  bidAcceptedSchema,
  bidAggregatedSchema,
  marketBasisSchema,
  pricePublishedSchema,
} from './topics/powermatcher';
import type { conversationStateSchema, findingSchema, s2FrameSchema, s2SessionEndedSchema } from './topics/s2';

/**
 * The typed `data` of an event schema, derived from it so the two cannot drift apart. A property with a
 * `default` stays optional: validation never fills defaults in, so a reader may find it absent.
 */
export type DataOf<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;

// meter.readings
export type MeterReading = DataOf<typeof meterReadingSchema>;
export type MeterChannelHello = DataOf<typeof meterChannelHelloSchema>;
export type MeterChannelGoodbye = DataOf<typeof meterChannelGoodbyeSchema>;

// openadr.events, openadr.opt, openadr.ven-status
export type OpenadrEventCreated = DataOf<typeof openadrEventCreatedSchema>;
export type OpenadrEventModified = DataOf<typeof openadrEventModifiedSchema>;
export type OpenadrEventCancelled = DataOf<typeof openadrEventCancelledSchema>;
/** Any version of an event as published on openadr.events. */
export type OpenadrEvent = OpenadrEventCreated | OpenadrEventModified | OpenadrEventCancelled;
export type OptEventResponse = DataOf<typeof optEventResponseSchema>;
export type OptSchedule = DataOf<typeof optScheduleSchema>;
export type OptCancelled = DataOf<typeof optCancelledSchema>;
/** The data of `openadr.ven.registered`, `.deregistered`, `.online` and `.offline`. */
export type VenStatusChanged = DataOf<typeof venStatusSchema>;

// powermatcher.bids, powermatcher.prices
export type MarketBasis = DataOf<typeof marketBasisSchema>;
export type BidAccepted = DataOf<typeof bidAcceptedSchema>;
export type AggregatedBid = DataOf<typeof bidAggregatedSchema>;
/** A published price round (`powermatcher.price.published`). */
export type PriceUpdate = DataOf<typeof pricePublishedSchema>;

// s2.frames
export type Finding = DataOf<typeof findingSchema>;
export type ConversationState = DataOf<typeof conversationStateSchema>;
export type S2Frame = DataOf<typeof s2FrameSchema>;
export type S2SessionEnded = DataOf<typeof s2SessionEndedSchema>;

// p2p.producer-output, p2p.payment-requests, p2p.payments, p2p.settlements
export type ProducerChannelHello = DataOf<typeof producerChannelHelloSchema>;
export type ProducerChannelGoodbye = DataOf<typeof producerChannelGoodbyeSchema>;
export type ProducerOutput = DataOf<typeof producerOutputSchema>;
export type ConsumerChannelHello = DataOf<typeof consumerChannelHelloSchema>;
export type ConsumerChannelGoodbye = DataOf<typeof consumerChannelGoodbyeSchema>;
export type PaymentRequest = DataOf<typeof paymentRequestSchema>;
export type PaymentSent = DataOf<typeof paymentSentSchema>;
export type PaymentConfirmed = DataOf<typeof paymentConfirmedSchema>;
export type PayoutSent = DataOf<typeof payoutSentSchema>;
export type PayoutConfirmed = DataOf<typeof payoutConfirmedSchema>;
export type SettlementInterval = DataOf<typeof settlementIntervalSchema>;
export type SettlementAdjustment = DataOf<typeof settlementAdjustmentSchema>;
export type SettlementFinalised = DataOf<typeof settlementFinalisedSchema>;
/** Any record of p2p.settlements. */
export type SettlementRecord = SettlementInterval | SettlementAdjustment | SettlementFinalised;

/** The event types (`ce_type`) a catalog topic carries. */
export type EventTypeOf<T extends keyof typeof catalog> = keyof (typeof catalog)[T]['events'] & string;

/** The typed `data` of one event type of one topic, e.g. `EventDataOf<'openadr.opt', 'openadr.opt.schedule'>`. */
export type EventDataOf<
  T extends keyof typeof catalog,
  E extends EventTypeOf<T>,
> = (typeof catalog)[T]['events'][E] extends infer S extends JSONSchema ? DataOf<S> : never;
