// Histories recorded from earlier versions of the workflows must replay on the current code:
// a change that would break running workflows fails here instead of in production.
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { installQuietRuntime } from '../helpers/runtime.js';

const DIR = 'tests/replay/histories';
installQuietRuntime();
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has histories of every kind of task to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining(['ladder.json', 'lifecycle.json', 'multi-unit-parent.json', 'multi-unit-child.json', 'event-cancel.json', 'recurring-first-run.json', 'recurring-last-run.json', 'report.json', 'evidence-delivery.json', 'ladder-lean-start.json']),
    );
  });

  it('a task started with its search attributes asks for no patch and upserts nothing before its deadline is planned', () => {
    type Event = { eventType: string; markerRecordedEventAttributes?: { markerName: string }; workflowExecutionStartedEventAttributes?: { searchAttributes?: { indexedFields?: Record<string, unknown> } } };
    const firstTask = (file: string) => {
      const events = (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { events: Event[] }).events;
      const end = events.findIndex((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED');
      const kinds = events.slice(0, end).map((e) => (e.markerRecordedEventAttributes?.markerName ?? e.eventType).replace('EVENT_TYPE_', ''));
      return { started: Object.keys(events[0]!.workflowExecutionStartedEventAttributes!.searchAttributes?.indexedFields ?? {}).sort(), kinds };
    };
    const lean = firstTask('ladder-lean-start.json');
    expect(lean.started).toEqual(['EscalationLevel', 'PlanId', 'TaskAssignee', 'TaskDue', 'TaskRef', 'TaskStatus', 'TaskUnit']);
    expect(lean.kinds).not.toContain('core_patch');
    // The deadline planned (a local activity) before any upsert: here the due date is near, so the status changes.
    expect(lean.kinds.indexOf('core_local_activity')).toBeLessThan(lean.kinds.indexOf('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'));
    // Before: the start carried the plan only and the first publish upserted at once.
    const before = firstTask('ladder.json');
    expect(before.started).toEqual(['PlanId', 'TaskRef']);
    expect(before.kinds.indexOf('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).toBeLessThan(before.kinds.indexOf('core_local_activity'));
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
