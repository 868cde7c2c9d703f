export {
  type BidContent,
  type ClientLogger,
  type ClusterInfo,
  PowerMatcherAgent,
  type PowerMatcherAgentOptions,
  type PriceUpdate,
} from './agent';
