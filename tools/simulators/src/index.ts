export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
