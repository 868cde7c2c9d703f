export { type ExampleAppOptions, type RunningExampleApp, startExampleApp } from './app';
