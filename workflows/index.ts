// Every workflow type the worker registers.
export { unitTaskWorkflow } from './unit-task.js';
export { multiUnitTaskWorkflow } from './multi-unit-task.js';
export { reportWorkflow } from './report.js';
