// Debian's Chromium for the browser tests, installed from the distribution's packages when it is
// missing (no browser download from anywhere else). Fails loudly when it cannot be installed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function ensureChromium(log: (m: string) => void = console.log): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  log(`Chromium not found at ${CHROMIUM}: installing Debian's chromium package (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update', '-qq'], { env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`cannot install Chromium for the browser tests (apt-get install chromium, as root): ${(err as Error).message}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing; set CHROMIUM_PATH`);
  return CHROMIUM;
}
