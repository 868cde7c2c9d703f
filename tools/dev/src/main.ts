import { loadConfigOrExit } from '@flexgrid/platform-service';
import { devApps } from './apps';
import { devHostEnv } from './config';
import { startDevHost } from './dev-host';

async function main(): Promise<void> {
  const config = loadConfigOrExit(devHostEnv);
  // The platform service's shutdown: SIGTERM or Ctrl-C stops the apps, the bus and the databases, then exits.
  const host = await startDevHost({ ...config, apps: devApps, handleSignals: true });

  const lines = [
    '',
    'flexgrid dev host',
    `  bus:       ${host.bus.description}${config.kafkaBrokers ? '' : '  (set KAFKA_BROKERS to use Kafka)'}`,
    `  databases: ${config.databaseUrl ? 'PostgreSQL at DATABASE_URL, one per app' : `embedded PGlite, one per app, ${config.dataDir ? `in ${config.dataDir}` : 'in memory'}  (set DATABASE_URL to use PostgreSQL)`}`,
    `  host:      ${host.url}  (/livez /readyz /metrics)`,
    ...(host.apps.length > 0
      ? host.apps.map((a) => `  ${a.name.padEnd(10)} ${a.banner}  (${a.database})`)
      : ['  apps:      none yet; each service adds itself to tools/dev/src/apps.ts']),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`dev host failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
