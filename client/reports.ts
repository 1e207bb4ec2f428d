// Report schedules of a plan (Temporal Schedules in Asia/Ho_Chi_Minh) and reports built on demand.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Month } from '@temporalio/client';
import type { BuiltReport } from '../activities/reports.js';
import type { Cycle, Plan } from '../domain/plan.js';
import { resolvePolicy } from '../domain/policy.js';
import { reportWorkflow } from '../workflows/index.js';

/** Reports are due "trước ngày 15" of these months; they are compiled on the policy's report day. */
const MONTHS_OF: Record<Cycle, Month[] | '*'> = {
  monthly: '*',
  quarterly: ['MARCH', 'JUNE', 'SEPTEMBER', 'DECEMBER'],
  'half-yearly': ['JUNE'],
  yearly: ['DECEMBER'],
};

export const reportScheduleId = (planId: string, cycle: Cycle): string => `report/${planId}/${cycle}`;

export interface ReportScheduleSpec {
  scheduleId: string;
  cycle: Cycle;
  day: number;
  months: Month[] | '*';
}

export function reportSchedules(plan: Plan): ReportScheduleSpec[] {
  const day = resolvePolicy(plan.policy).reportDay;
  const cycles = [...new Set((plan.reporting?.cycles ?? []).map((c) => c.cycle))];
  return cycles.map((cycle) => ({ scheduleId: reportScheduleId(plan.id, cycle), cycle, day, months: MONTHS_OF[cycle] }));
}

/** Creates the plan's report schedules; ones that exist already are left as they are. */
export async function ensureReportSchedules(client: Client, plan: Plan, taskQueue: string): Promise<string[]> {
  const created: string[] = [];
  for (const s of reportSchedules(plan)) {
    try {
      await client.schedule.create({
        scheduleId: s.scheduleId,
        spec: {
          calendars: [{ dayOfMonth: s.day, month: s.months, hour: 7, minute: 30, comment: `báo cáo ${s.cycle}` }],
          timezone: 'Asia/Ho_Chi_Minh',
        },
        action: { type: 'startWorkflow', workflowType: reportWorkflow, workflowId: s.scheduleId, taskQueue, args: [{ planId: plan.id, cycle: s.cycle }] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      });
      created.push(s.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return created;
}

/** Builds a report now for a period ("2024-05", "2024-Q2", "2024-H1", "2024") and waits for its files. */
export async function buildReportNow(client: Client, planId: string, period: string, taskQueue: string): Promise<BuiltReport> {
  return client.workflow.execute(reportWorkflow, {
    workflowId: `report/${planId}/${period}/${Date.now()}`,
    taskQueue,
    args: [{ planId, period }],
  });
}
