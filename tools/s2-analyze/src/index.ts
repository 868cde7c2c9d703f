export { type CommandIo, main } from './main';
