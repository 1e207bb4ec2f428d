// Every side effect of the engine, created once per worker with its dependencies.
import { chainFor, type Chain, type Org } from '../domain/org.js';
import type { Delivery, Notification } from '../domain/notification.js';
import type { TaskRecord } from '../domain/task-record.js';
import type { Notifier } from './notifier.js';
import { createReportActivities, type ReportDeps } from './reports.js';
import { createScheduleActivities, type ScheduleContext } from './schedule.js';

export interface ActivityDeps extends ScheduleContext, ReportDeps {
  org: Org;
  notifier: Notifier;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createScheduleActivities(deps),
    ...createReportActivities(deps),

    async notify(n: Notification): Promise<Delivery | undefined> {
      return (await deps.notifier.send(n)) ?? undefined;
    },

    /** Writes the task's row to the read model; an older version than the stored one changes nothing. */
    async recordTask(r: TaskRecord): Promise<void> {
      await deps.store.taskPut(r);
    },

    /** The chain of a unit as the org chart has it now (for a task reassigned to another unit). */
    async resolveChain(unitCode: string): Promise<Chain | null> {
      return deps.org.units.some((u) => u.code === unitCode) ? chainFor(deps.org, unitCode) : null;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
