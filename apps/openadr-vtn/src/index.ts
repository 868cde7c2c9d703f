export { type RunningVtn, startOpenadrVtn, type VtnOptions } from './app';
export { configProblems, type VtnConfig, vtnEnv } from './config';
