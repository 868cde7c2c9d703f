export { type DevApp, type DevAppContext, devApps, type RunningDevApp } from './apps';
export { type DevHostOptions, type RunningDevHost, startDevHost } from './dev-host';
