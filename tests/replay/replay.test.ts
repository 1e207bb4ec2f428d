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

type Event = {
  eventType: string;
  markerRecordedEventAttributes?: { markerName: string; details?: { data?: { payloads?: { data?: string }[] } } };
  workflowExecutionStartedEventAttributes?: { searchAttributes?: { indexedFields?: Record<string, unknown> } };
};

/** A history's first workflow task, up to the next one: the search attributes its start carried, and its events (local activities by type). */
function firstTask(file: string): { started: string[]; kinds: string[] } {
  const events = (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { events: Event[] }).events;
  const end = events.findIndex((e, i) => i > 1 && e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
  const kind = (e: Event): string => {
    const m = e.markerRecordedEventAttributes;
    if (!m) return e.eventType.replace('EVENT_TYPE_', '');
    const data = m.details?.data?.payloads?.[0]?.data;
    const type = m.markerName === 'core_local_activity' && data ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type?: string }).activity_type : undefined;
    return type ? `${m.markerName}:${type}` : m.markerName;
  };
  return { started: Object.keys(events[0]!.workflowExecutionStartedEventAttributes!.searchAttributes?.indexedFields ?? {}).sort(), kinds: events.slice(0, end).map(kind) };
}

describe('replay of recorded histories', () => {
  it('has histories of every kind of task to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining(['ladder.json', 'lifecycle.json', 'multi-unit-parent.json', 'multi-unit-child.json', 'event-cancel.json', 'recurring-first-run.json', 'recurring-last-run.json', 'report.json', 'evidence-delivery.json', 'ladder-lean-start.json', 'starter-row.json']),
    );
  });

  it('a task started with its search attributes asks for no patch and upserts nothing before its deadline is planned', () => {
    const lean = firstTask('ladder-lean-start.json');
    expect(lean.started).toEqual(['EscalationLevel', 'PlanId', 'TaskAssignee', 'TaskDue', 'TaskRef', 'TaskStatus', 'TaskUnit']);
    expect(lean.kinds).not.toContain('core_patch');
    // The deadline planned (a local activity) before any upsert: here the due date is near, so the status changes.
    expect(lean.kinds.indexOf('core_local_activity:planDeadline')).toBeLessThan(lean.kinds.indexOf('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'));
    // Before: the start carried the plan only and the first publish upserted at once.
    const before = firstTask('ladder.json');
    expect(before.started).toEqual(['PlanId', 'TaskRef']);
    expect(before.kinds.indexOf('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES')).toBeLessThan(before.kinds.indexOf('core_local_activity:planDeadline'));
  });

  it('a task whose start wrote its first row only plans its deadline in its first workflow task, as the bare workflow only pings', () => {
    const markers = (file: string) => firstTask(file).kinds.filter((k) => k.startsWith('core_'));
    expect(markers('starter-row.json')).toEqual(['core_local_activity:planDeadline']);
    // Before: the workflow wrote that row itself (a second local activity), here after an upsert.
    expect(markers('ladder-lean-start.json')).toEqual(['core_local_activity:planDeadline', 'core_local_activity:recordTask']);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
