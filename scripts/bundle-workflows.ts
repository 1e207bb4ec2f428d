// `npm run build:workflows [file]`: the workflow code bundled once, before the workers start
// (WORKFLOW_BUNDLE=<file>). A worker that bundles it itself at start keeps webpack's memory for
// its life: about 130 MB of RSS (bench/plan-start.ts, --worker-bundles).
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WORKFLOWS_PATH } from '../worker/worker.js';

const file = resolve(process.argv[2] ?? 'dist/workflows.js');
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, code);
console.log(`workflow bundle written: ${file} (${Math.round(code.length / 1024)} KiB)`);
