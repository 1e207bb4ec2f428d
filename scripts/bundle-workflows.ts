// `npm run build:workflows [file]`: the workflow code bundled once, before the workers start
// (WORKFLOW_BUNDLE=<file>). A worker that bundles it itself at start keeps webpack's memory for
// its life: about 130 MB of RSS (bench/plan-start.ts, --worker-bundles).
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../worker/worker.js';

const file = resolve(process.argv[2] ?? 'dist/workflows.js');
const bytes = await writeWorkflowBundle(file);
console.log(`workflow bundle written: ${file} (${Math.round(bytes / 1024)} KiB)`);
