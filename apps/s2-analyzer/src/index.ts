export { type RunningS2Analyzer, type S2AnalyzerOptions, startS2Analyzer } from './app';
export { type AnalyzerConfig, analyzerEnv } from './config';
