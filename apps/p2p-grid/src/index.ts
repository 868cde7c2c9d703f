export { type RunningGrid, SERVICE_NAME, startGrid, type StartGridOptions } from './app';
export { type GridConfig, gridConfigOf, gridEnv, readGridConfig } from './config';
