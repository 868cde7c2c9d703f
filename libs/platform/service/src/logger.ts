import { pino, type DestinationStream, type Logger } from 'pino';
import { withoutUrlPassword } from './config';

export type { Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  /** Every line carries it, so that the logs of the in-process dev host stay apart. */
  service: string;
  level: LogLevel;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

const secretKeys = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'apiKey',
  'accessToken',
  'refreshToken',
  'adminToken',
  // P2P-H6: a registration's secret, in bodies and as the X-Side-Key header.
  'sideKey',
  'x-side-key',
];
const connectionStringKeys = ['databaseUrl', 'DATABASE_URL', 'connectionString'];

/**
 * fast-redact paths match a fixed depth, so each key is listed at the top level and one and two levels
 * down: `{ password }`, `{ user: { password } }`, `{ req: { headers: { authorization } } }`.
 */
const redactPaths = [...secretKeys, ...connectionStringKeys].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** Connection strings stay useful in logs (host, database) with only their password hidden. */
function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (connectionStringKeys.includes(key) && typeof value === 'string') return withoutUrlPassword(value);
  return '[Redacted]';
}

/** pino JSON with level names and ISO times; take `logger.child({ module })` per module. */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: redactPaths, censor },
  };
  // Synchronous stdout: pino's default asynchronous one can reorder or lose the last lines when the process
  // exits right after a shutdown, which are the lines an operator needs.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
