// The HTTP entry point: health, the Zalo webhook and (with the double) the dev chat page.
import express, { type Express, type Router } from 'express';
import type { Connection } from '@temporalio/client';

export interface WebDeps {
  connection: Connection;
  namespace: string;
  /** Further routes (the Zalo webhook, the dev chat page). */
  routers?: Router[];
}

export function createApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', async (_req, res) => {
    let reachable = false;
    let error: string | undefined;
    try {
      await deps.connection.withDeadline(Date.now() + 2000, () => deps.connection.workflowService.describeNamespace({ namespace: deps.namespace }));
      reachable = true;
    } catch (err) {
      error = (err as Error).message;
    }
    res.status(200).json({ ok: reachable, temporal: { reachable, namespace: deps.namespace, ...(error ? { error } : {}) } });
  });

  for (const r of deps.routers ?? []) app.use(r);
  return app;
}
