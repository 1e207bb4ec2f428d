// Log format (pretty for a person at a terminal, JSON elsewhere) and redaction of secrets.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config.js';
import { logFormat, loggerOptions } from '../../runtime/logger.js';

const run = promisify(execFile);

describe('log format', () => {
  it('is pretty in a terminal, JSON in production, in a pipe or a file', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'development' }, true)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(logFormat({}, false)).toBe('json');
  });

  it('follows LOG_FORMAT whatever the output is', () => {
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormat({ LOG_FORMAT: 'pretty', NODE_ENV: 'production' }, false)).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'prety' })).toThrow(/LOG_FORMAT/);
  });
});

describe('redaction', () => {
  it('hides API keys, TLS private keys, tokens and authorization headers, and keeps ordinary keys', () => {
    const lines: string[] = [];
    const log = pino(loggerOptions('info', 'test'), { write: (l: string) => void lines.push(l) });
    log.info(
      {
        apiKey: 'k1',
        TEMPORAL_API_KEY: 'k2',
        temporal: { apiKey: 'k3', tls: { clientCertPair: { crt: 'public-cert', key: 'k4' } } },
        options: { connection: { apiKey: 'k5' } },
        profile: { api_key: 'k6', tls: { client_key_data: 'k7' } },
        headers: { authorization: 'Bearer k8' },
        zalo: { access_token: 'k9', refresh_token: 'k10' },
        metadata: { authorization: 'Bearer k11' },
        key: 'notification-42',
        address: 'temporal:7233',
      },
      'connected',
    );
    const line = lines.join('');
    for (let i = 1; i <= 11; i++) expect(line).not.toMatch(new RegExp(`\\bk${i}\\b`));
    const o = JSON.parse(line) as Record<string, any>;
    expect(o.apiKey).toBe('[redacted]');
    expect(o.temporal.tls.clientCertPair).toEqual({ crt: 'public-cert', key: '[redacted]' });
    // An outbox/idempotency `key` is not a secret: it stays readable.
    expect(o.key).toBe('notification-42');
    expect(o.address).toBe('temporal:7233');
  });
});

describe('createLogger in a process', () => {
  const script = join(mkdtempSync(join(tmpdir(), 'logger-')), 'log.ts');
  writeFileSync(
    script,
    `import { createLogger } from ${JSON.stringify(resolve('runtime/logger.ts'))};\n` +
      `const log = createLogger('info');\n` +
      `log.info({ temporal: { address: 'temporal:7233', apiKey: 'secret-api-key' } }, 'connected to Temporal');\n` +
      `log.warn('stopped');\n` +
      `process.exit(0);\n`,
  );
  const logOf = async (env: Record<string, string>) =>
    (await run(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, LOG_FORMAT: '', NODE_ENV: '', ...env }, timeout: 30_000 })).stdout;

  it('writes one JSON object a line when stdout is a pipe (what tests and log collectors read)', async () => {
    const lines = (await logOf({})).trim().split('\n');
    expect(lines).toHaveLength(2);
    // pino's async stdout may swap the last two lines when the process exits at once: find them by message.
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed.find((o) => o.msg === 'connected to Temporal')).toMatchObject({ level: 30, temporal: { address: 'temporal:7233', apiKey: '[redacted]' } });
    expect(parsed.find((o) => o.msg === 'stopped')).toMatchObject({ level: 40 });
  });

  it('with LOG_FORMAT=pretty prints readable lines through pino-pretty, flushed before exit, still redacted', async () => {
    const out = await logOf({ LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/INFO.*connected to Temporal/);
    expect(out).toMatch(/WARN.*stopped/);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain('secret-api-key');
    expect(() => JSON.parse(out.split('\n')[0]!)).toThrow();
  });
});
