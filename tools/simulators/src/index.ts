export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export * as openadr from './openadr/index';
export * as p2p from './p2p/index';
export * as powermatcher from './powermatcher/index';
export * as s2 from './s2/index';
