// Run as a child process by shutdown.spec.ts: a service with a slow endpoint and two shutdown hooks that log
// when they run, configured from the environment like an app's main.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { createService, defineConfig, env, loadConfigOrExit, serviceEnv } from './index';

const config = loadConfigOrExit(
  defineConfig({ ...serviceEnv, hangInHook: env.boolean('HANG_IN_HOOK', { default: false }) }),
);
const service = createService({ name: 'draining-service', config });
const hooksLogger = service.logger.child({ module: 'hooks' });

service.app.get('/slow', async (_req, res) => {
  hooksLogger.info('slow request started');
  await sleep(500);
  res.json({ done: true });
});

service.onShutdown('consumers', async () => {
  await sleep(50);
  hooksLogger.info({ hook: 'consumers' }, 'hook ran');
  if (config.hangInHook) await new Promise(() => undefined);
});
service.onShutdown('pool', () => {
  hooksLogger.info({ hook: 'pool' }, 'hook ran');
});

void service.listen();
