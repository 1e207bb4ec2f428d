// One logger for every process. Secrets are redacted by key name wherever they appear.
import pino, { type Logger } from 'pino';

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'de-an-06'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.access_token', '*.refresh_token', '*.secret', '*.token', 'headers.authorization'], censor: '[redacted]' },
  });
}
