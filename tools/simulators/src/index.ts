export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export { startPowerMatcherSimulation, type PowerMatcherSimulation } from './powermatcher';
