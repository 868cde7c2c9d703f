import { createLogger } from './index';
import { CapturedLogs } from './test-service.test-util';

describe('logger', () => {
  it('writes JSON lines with the service, the module, level names and redacted secrets', () => {
    const logs = new CapturedLogs();
    const logger = createLogger({ service: 'openadr-vtn', level: 'info', destination: logs }).child({
      module: 'store',
    });

    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', accept: 'application/json', 'x-side-key': 'side-key-1' } },
        body: { sideKey: 'side-key-2' },
        user: { name: 'ops', password: 'hunter2' },
        token: 'tkn',
        config: { databaseUrl: 'postgres://flexgrid:s3cret@db:5432/vtn', adminToken: 'admin-secret' },
      },
      'connected',
    );
    logger.debug('not at info level');

    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({
      level: 'info',
      service: 'openadr-vtn',
      module: 'store',
      msg: 'connected',
      req: { headers: { authorization: '[Redacted]', accept: 'application/json', 'x-side-key': '[Redacted]' } },
      body: { sideKey: '[Redacted]' },
      user: { name: 'ops', password: '[Redacted]' },
      token: '[Redacted]',
      config: { databaseUrl: 'postgres://flexgrid:***@db:5432/vtn', adminToken: '[Redacted]' },
    });
    expect(JSON.stringify(logs.lines[0])).not.toMatch(/hunter2|s3cret|admin-secret|Bearer abc|side-key-/);
  });
});
