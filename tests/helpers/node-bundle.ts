// (No vitest imports here: the global setup uses it.)
// The project's entry points (the CLI, `npm start`, the test worker process) bundled once per run
// with esbuild, so a test that spawns one runs plain `node` instead of compiling TypeScript with tsx
// in every process (about a second saved per process). Packages stay external: they load from
// node_modules exactly as they do under tsx; only the project's own sources are bundled.
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

/**
 * Each source keeps its own `import.meta.url` (web/assets.ts finds its static files by it,
 * worker/worker.ts the workflow sources), as if it had been loaded from its own file.
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Bundles `entry` (a .ts file) into the ES module `outfile`, which must lie inside the project so that packages resolve. */
export async function bundleNodeEntry(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [ownImportMetaUrl],
  });
  return outfile;
}
