// A periodic report: gather every task's state, write the files, tell the reporting unit.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BuiltReport } from '../activities/reports.js';
import { texts } from '../domain/notification.js';
import type { Cycle } from '../domain/plan.js';

const { buildReport } = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5 } });
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** `period` ("2024-05", "2024-Q2", …) when built on demand; `cycle` when a schedule starts it (the current period). */
export async function reportWorkflow(input: { planId: string; period?: string; cycle?: Cycle }): Promise<BuiltReport> {
  const r = await buildReport(input);
  const { workflowId } = workflowInfo();
  const text = texts.reportReady(r.planTitle, r.period.label, r.total, r.counts.done_on_time + r.counts.done_late, r.counts.overdue, [r.docx, r.xlsx], r.submitBy);
  await Promise.all(
    r.recipients.map((to, i) =>
      notify({ key: `${workflowId}#${i + 1}:report`, kind: 'report', to, planId: r.planId, workflowId, taskRef: '', text, actions: [] }),
    ),
  );
  return r;
}
