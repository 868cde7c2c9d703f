import { Writable } from 'node:stream';
import { createService, type Service, type ServiceOptions } from './index';

/** Log lines a service wrote, parsed, for assertions on what was logged. */
export class CapturedLogs extends Writable {
  readonly lines: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(JSON.parse(line));
    done();
  }
}

export interface RunningService {
  service: Service;
  url: string;
  logs: CapturedLogs;
}

/**
 * A service on 127.0.0.1 and a free port that never touches process signals, with `routes` added before it
 * listens. Shut it down with `service.shutdown()`.
 */
export async function startService(
  routes: (service: Service) => void,
  options: Partial<ServiceOptions> = {},
): Promise<RunningService> {
  const logs = new CapturedLogs();
  const service = createService({
    name: 'test-service',
    handleSignals: false,
    logDestination: logs,
    ...options,
    config: { host: '127.0.0.1', port: 0, ...options.config },
  });
  routes(service);
  const { url } = await service.listen();
  return { service, url, logs };
}
