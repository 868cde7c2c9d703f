export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export { DEVICE_KINDS, deviceBid, startPowerMatcherSimulation, type PowerMatcherSimulation } from './powermatcher';
