// /metrics content: the application's metrics with their labels, gauges read at scrape time, the
// visibility counts cached and a down Temporal reported (not a failed scrape), the SDK's text appended.
import type { Client } from '@temporalio/client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../runtime/metrics.js';

/** A client whose visibility count answers from `answer` (or throws when it says so). */
function fakeClient(answer: (query: string) => number | Error) {
  const queries: string[] = [];
  const client = {
    connection: { withDeadline: <R>(_d: number, fn: () => Promise<R>) => fn() },
    workflow: {
      count: async (query: string) => {
        queries.push(query);
        const a = answer(query);
        if (a instanceof Error) throw a;
        return { count: a };
      },
    },
  } as unknown as Client;
  return { client, queries };
}

const sample = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

describe('application metrics', () => {
  it('counts notifications by channel and outcome, and times webhook answers by status', async () => {
    const m = createMetrics();
    m.notification('zalo_cs', 'delivered');
    m.notification('zalo_cs', 'delivered');
    m.notification('email', 'refused_person');
    m.webhookTimer()(200);
    m.webhookTimer()(401);
    const { body, contentType } = await m.render();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('de_an_06_notifications_total{channel="zalo_cs",outcome="delivered"} 2');
    expect(body).toContain('de_an_06_notifications_total{channel="email",outcome="refused_person"} 1');
    expect(body).toContain('de_an_06_webhook_duration_seconds_count{status="200"} 1');
    expect(body).toContain('de_an_06_webhook_duration_seconds_count{status="401"} 1');
    expect(body).toMatch(/de_an_06_webhook_duration_seconds_bucket\{le="0.005",status="200"\} [01]/);
    // Each registry is its own: another one starts from nothing.
    expect((await createMetrics().render()).body).not.toContain('channel="zalo_cs"');
  });

  it('reads the inbox at scrape time; a store that fails keeps the last values and the scrape answers', async () => {
    let now = 1_000_000;
    let stats: { pending: number; oldestPendingAt?: number } | Error = { pending: 3, oldestPendingAt: now - 90_000 };
    const m = createMetrics({ inbox: { inboxStats: async () => { if (stats instanceof Error) throw stats; return stats; } }, now: () => now });
    let text = (await m.render()).body;
    expect(sample(text, 'de_an_06_inbox_pending')).toBe(3);
    expect(sample(text, 'de_an_06_inbox_oldest_pending_age_seconds')).toBe(90);
    stats = { pending: 0 };
    text = (await m.render()).body;
    expect([sample(text, 'de_an_06_inbox_pending'), sample(text, 'de_an_06_inbox_oldest_pending_age_seconds')]).toEqual([0, 0]);
    stats = { pending: 5, oldestPendingAt: now - 10_000 };
    await m.render();
    stats = new Error('database is down');
    now += 1000;
    text = (await m.render()).body;
    expect(sample(text, 'de_an_06_inbox_pending')).toBe(5);
  });

  it('tasks by status and escalations by level from visibility, cached; Temporal down → visibility_up 0 with the last counts', async () => {
    let now = 0;
    let down = false;
    const { client, queries } = fakeClient((q) => {
      if (down) return new Error('UNAVAILABLE');
      if (q.includes("TaskStatus = 'overdue'")) return 7;
      if (q.includes("TaskStatus = 'done_on_time'")) return 4;
      if (q.includes('EscalationLevel >= 3')) return 1;
      if (q.includes('EscalationLevel >= 2')) return 3;
      if (q.includes('EscalationLevel >= 1')) return 6;
      return 0;
    });
    const m = createMetrics({ client, now: () => now });
    let text = (await m.render()).body;
    expect(text).toContain('de_an_06_tasks{status="overdue"} 7');
    expect(text).toContain('de_an_06_tasks{status="done_on_time"} 4');
    expect(text).toContain('de_an_06_tasks{status="not_due"} 0');
    // Exactly at each level: 6 at least 1, 3 at least 2, 1 at 3.
    expect(text).toContain('de_an_06_escalations{level="1"} 3');
    expect(text).toContain('de_an_06_escalations{level="2"} 2');
    expect(text).toContain('de_an_06_escalations{level="3"} 1');
    expect(sample(text, 'de_an_06_visibility_up')).toBe(1);
    // Only unit tasks; escalations of open ones only.
    expect(queries.every((q) => q.includes("WorkflowType = 'unitTaskWorkflow'"))).toBe(true);
    expect(queries.filter((q) => q.includes('EscalationLevel')).every((q) => q.includes("ExecutionStatus = 'Running'"))).toBe(true);
    const asked = queries.length;
    expect(asked).toBe(11);

    // Within 30 s: no new query.
    now += 20_000;
    await m.render();
    expect(queries.length).toBe(asked);

    // Temporal down after the period: the scrape still answers, with the last counts and up = 0.
    down = true;
    now += 20_000;
    text = (await m.render()).body;
    expect(sample(text, 'de_an_06_visibility_up')).toBe(0);
    expect(text).toContain('de_an_06_tasks{status="overdue"} 7');
    // and is not asked again on every scrape.
    const afterFailure = queries.length;
    now += 1_000;
    await m.render();
    expect(queries.length).toBe(afterFailure);
  });

  it('appends the Temporal SDK text when its exporter answers, and goes on without it when it does not', async () => {
    const sdk = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('# HELP temporal_worker_task_slots_available x\n# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available{worker_type="WorkflowWorker"} 100\n');
    });
    servers.push(sdk);
    await new Promise<void>((r) => sdk.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sdk.address() as AddressInfo).port}/metrics`;
    const m = createMetrics({ sdkMetricsUrl: url });
    m.notification('email', 'delivered');
    const text = (await m.render()).body;
    expect(text).toContain('temporal_worker_task_slots_available{worker_type="WorkflowWorker"} 100');
    expect(text.indexOf('de_an_06_notifications_total')).toBeLessThan(text.indexOf('temporal_worker_task_slots_available'));

    await new Promise((r) => sdk.close(r));
    servers = [];
    const without = (await m.render()).body;
    expect(without).toContain('de_an_06_notifications_total{channel="email",outcome="delivered"} 1');
    expect(without).not.toContain('temporal_worker');
  });
});
