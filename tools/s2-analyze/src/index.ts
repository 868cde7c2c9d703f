export { type Console, main } from './main';
