// The baseline for the plan-start benchmark: a bare workflow with one local activity and one timer.
import { proxyLocalActivities, sleep } from '@temporalio/workflow';

const { ping } = proxyLocalActivities<{ ping(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

export async function bareTimerWorkflow(): Promise<void> {
  await ping();
  await sleep('30 days');
}
