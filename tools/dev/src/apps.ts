import type { Bus } from '@flexgrid/platform-kafka';
import type { Database } from '@flexgrid/platform-db';
import type { Logger, LogLevel } from '@flexgrid/platform-service';
import { openadrVtnDevApp } from './openadr-vtn';
import { p2pGridDevApp } from './p2p-grid';
import { p2pProducerDevApps } from './p2p-producer';
import { powermatcherDevApp } from './powermatcher';
import { s2AnalyzerDevApp } from './s2-analyzer';

/** What the dev host hands each app: the shared bus, a database of its own, a port, and a logger. */
export interface DevAppContext {
  bus: Bus;
  database: Database;
  port: number;
  logger: Logger;
  /** The host's LOG_LEVEL, for the app's own logger. */
  logLevel: LogLevel;
  /** The URLs of the apps started before this one, by name (the P2P grid provisions its community's producers). */
  started: Readonly<Record<string, string>>;
}

export interface RunningDevApp {
  /** Where the app serves; the apps started after it reach it here. */
  url: string;
  /** The banner's line for the app when it says more than the URL: its page, how to sign in, its peers. */
  banner?: string;
  stop(): Promise<void>;
}

/**
 * An app that runs inside the dev host. Each app adds itself to `devApps` (below) as its issue lands,
 * wrapping the same composition its own main.ts does, but with the host's bus and database.
 */
export interface DevApp {
  name: string;
  /** Default port; DEV_<NAME>_PORT overrides it. */
  port: number;
  start(context: DevAppContext): Promise<RunningDevApp>;
}

// The P2P producers start before the grid, whose simulated community registers its sources at them.
export const devApps: DevApp[] = [
  openadrVtnDevApp,
  ...p2pProducerDevApps,
  p2pGridDevApp,
  powermatcherDevApp,
  s2AnalyzerDevApp,
];
