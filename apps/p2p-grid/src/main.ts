import { runP2pService } from '@flexgrid/p2p-service';
import { gridMigrations, startGrid } from './app';
import { readGridConfig } from './config';

runP2pService('p2p-grid', readGridConfig, (config, options) => startGrid({ config, ...options }), gridMigrations);
