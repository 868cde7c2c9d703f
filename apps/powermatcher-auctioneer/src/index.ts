export {
  checkClusterConfiguration,
  type PowerMatcherAuctioneerOptions,
  type RunningAuctioneer,
  SERVICE_NAME,
  startPowerMatcherAuctioneer,
} from './app';
export { type AuctioneerSettings, auctioneerEnv, auctioneerSettings, type Role, SettingsError } from './config';
