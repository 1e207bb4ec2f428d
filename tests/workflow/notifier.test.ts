// A notification channel that is down for a while: nothing is lost, nothing is sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnTask } from '../../client/tasks.js';
import { taskWorkflowId } from '../../domain/task.js';
import { eventually, settled, startHarness, testPlan, type Harness } from '../helpers/harness.js';

describe('outbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ secondsPerDay: 30 });
  });
  afterAll(() => h?.stop());

  it('delivers what was sent while the channel was down once it is back, exactly once', async () => {
    const plan = await h.startPlan(testPlan([{ deadline: { kind: 'date', due: '2025-03-28', text: 'Ngày 28/3/2025' } }]));
    const id = taskWorkflowId(plan.id, 'II.1.(1)');
    h.channel.down = true;
    await actOnTask(h.client, id, 'reportCompletion', { actor: 'hcth.cv1', note: 'xong' });
    const pending = await eventually(async () => (await h.outbox({ workflowId: id, kind: 'approval_request' })).find((r) => r.attempts >= 2), 20_000, 'retries');
    expect(pending.status).toBe('pending');
    expect(h.channel.delivered).toHaveLength(0);

    h.channel.down = false;
    const sent = await eventually(async () => (await h.outbox({ workflowId: id, kind: 'approval_request' })).find((r) => r.status === 'sent'), 30_000, 'delivery');
    expect(sent.to.id).toBe('hcth.truong');
    // Nothing left in flight that could send it again.
    await settled(h.client, id);
    expect(h.channel.delivered.filter((n) => n.key === sent.key)).toHaveLength(1);
  });
});
