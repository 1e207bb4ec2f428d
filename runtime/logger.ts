// One logger for every process. Secrets are redacted by key name wherever they appear.
// Pretty lines for a person at a terminal; JSON for log collectors, pipes and production.
import pino, { type Logger, type LoggerOptions } from 'pino';

export type LogFormat = 'json' | 'pretty';

/** Secret-bearing keys, redacted at the top level and two levels down (e.g. `temporal.tls.clientCertPair.key`). */
const SECRET_KEYS = ['access_token', 'refresh_token', 'secret', 'token', 'apiKey', 'api_key', 'clientKey', 'client_key_data', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'clientCertPair.key', 'headers.authorization', 'metadata.authorization'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** LOG_FORMAT wins; otherwise pretty only for a terminal outside production (pipes, files and containers get JSON). */
export function logFormat(env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = process.stdout.isTTY === true): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return stdoutIsTTY && env.NODE_ENV !== 'production' ? 'pretty' : 'json';
}

export function loggerOptions(level: string, name: string): LoggerOptions {
  return { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'de-an-06', format: LogFormat = logFormat()): Logger {
  if (format === 'json') return pino(loggerOptions(level, name));
  // A transport formats in a worker thread, off the event loop; redaction still happens here first.
  return pino({
    ...loggerOptions(level, name),
    transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: 1 } },
  });
}
