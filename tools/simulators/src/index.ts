export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export * as s2 from './s2';
