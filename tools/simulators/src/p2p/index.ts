export { type CommunityOptions, PRODUCER_IDS, type RunningCommunity, startCommunity } from './community';
export { householdWh, pvWh, windWh } from './profiles';
