// Styles and scripts served as files from web/static/: the Content-Security-Policy (web/server.ts)
// allows no inline <script> or <style>. Links carry a hash of the file, so a changed file gets a
// new URL and browsers may keep each version for a year.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
export const STATIC_PATH = '/static';

const versions = new Map<string, string>();

/** The URL of a file of web/static/, with its content hash. */
export function asset(name: string): string {
  let v = versions.get(name);
  if (v === undefined) {
    v = createHash('sha256').update(readFileSync(new URL(`./static/${name}`, import.meta.url))).digest('hex').slice(0, 12);
    versions.set(name, v);
  }
  return `${STATIC_PATH}/${name}?v=${v}`;
}

/** Serves web/static/ (mount at STATIC_PATH). No directory listings, no dotfiles. */
export function staticFiles(): RequestHandler {
  return express.static(STATIC_DIR, {
    index: false,
    dotfiles: 'ignore',
    fallthrough: true,
    setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
  });
}
