export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export { type CommunityOptions, type RunningCommunity, startCommunity } from './p2p';
