export { type CommunityOptions, type RunningCommunity, startCommunity } from './community';
export { householdWh, pvWh, windWh } from './profiles';
