export * from './topic';
export * from './catalog';
export * from './validation';
export * from './types';
export { meterReadings, meterReadingSchema, meterChannelHelloSchema, meterChannelGoodbyeSchema } from './topics/meter';
export {
  openadrEvents,
  openadrOpt,
  openadrVenStatus,
  openadrEventCreatedSchema,
  openadrEventModifiedSchema,
  openadrEventCancelledSchema,
  optEventResponseSchema,
  optScheduleSchema,
  optCancelledSchema,
  venStatusSchema,
} from './topics/openadr';
export {
  powermatcherBids,
  powermatcherPrices,
  marketBasisSchema,
  bidAcceptedSchema,
  bidAggregatedSchema,
  pricePublishedSchema,
} from './topics/powermatcher';
export { s2Frames, findingSchema, conversationStateSchema, s2FrameSchema, s2SessionEndedSchema } from './topics/s2';
export {
  p2pProducerOutput,
  p2pPaymentRequests,
  p2pPayments,
  p2pSettlements,
  producerChannelHelloSchema,
  producerChannelGoodbyeSchema,
  producerOutputSchema,
  consumerChannelHelloSchema,
  consumerChannelGoodbyeSchema,
  paymentRequestSchema,
  paymentSentSchema,
  paymentConfirmedSchema,
  payoutSentSchema,
  payoutConfirmedSchema,
  settlementIntervalSchema,
  settlementAdjustmentSchema,
  settlementFinalisedSchema,
} from './topics/p2p';
export { outboxCheckpoints } from './topics/platform';
