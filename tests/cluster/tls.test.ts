// The TLS proof: the Temporal server of scripts/cluster.ts (v1.30.1 on PostgreSQL) with its frontend
// on TLS, its settings taken from environment variables, then restarted on the same databases with
// mTLS. Clients are configured only through Temporal's standard variables (TEMPORAL_ADDRESS,
// TEMPORAL_TLS_*), read by runtime/temporal.ts as the worker, the web process and the CLI read
// them; the CLI itself is run where it matters. Certificates are made with openssl for the run.
// Run by `npm run test:cluster` (vitest.cluster.config.ts), not by `npm test`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../domain/task.js';
import { connectClient, describeTemporal, resolveTemporal, TemporalConnectionError } from '../../runtime/temporal.js';
import {
  cli,
  CLUSTER_ARTIFACTS,
  ensureGoTools,
  ensureNamespace,
  freePort,
  setupTemporalSchemas,
  startPostgres,
  startTemporalServer,
  type ClusterPostgres,
  type GoTools,
  type TemporalServer,
} from '../../scripts/cluster.js';
import { makeTestCerts, type TestCerts } from '../../scripts/test-certs.js';
import { eventually } from '../helpers/eventually.js';

const run = promisify(execFile);
const NAMESPACE = 'de-an-06-tls';
const LOGS = resolve(CLUSTER_ARTIFACTS, '../cluster-tls');
const PLAN = {
  id: `tls-${Date.now().toString(36)}`,
  title: 'Kế hoạch thử kết nối TLS',
  document: { number: '01/KH-TLS', issuer: 'Sở Nội vụ' },
  tasks: [{ ref: 'II.1.(1)', title: 'Nhiệm vụ thử', content: 'Nội dung nhiệm vụ thử nghiệm.', lead: ['HCTH'], deadline: { kind: 'date', due: '2030-12-31', text: 'Ngày 31/12/2030' } }],
};
const WORKFLOW_ID = taskWorkflowId(PLAN.id, 'II.1.(1)');

const tmp = mkdtempSync(join(tmpdir(), 'de-an-06-tls-test-'));
const ports = new Set<number>();
let certs: TestCerts;
let tools: GoTools;
let postgres: ClusterPostgres | undefined;
let server: TemporalServer | undefined;
let serverDir: string;
let planFile: string;
const started = Date.now();

/** The server side, as the config template reads it: frontend certificate, and with `mtls` client certificates required. */
function serverEnv(mtls: boolean): Record<string, string> {
  return {
    TEMPORAL_TLS_FRONTEND_CERT: certs.serverCert,
    TEMPORAL_TLS_FRONTEND_KEY: certs.serverKey,
    TEMPORAL_TLS_SERVER_CA_CERT: certs.ca,
    TEMPORAL_TLS_FRONTEND_SERVER_NAME: 'localhost',
    ...(mtls
      ? {
          TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
          TEMPORAL_TLS_CLIENT1_CA_CERT: certs.ca,
          TEMPORAL_TLS_SYSTEM_WORKER_CERT: certs.serverCert,
          TEMPORAL_TLS_SYSTEM_WORKER_KEY: certs.serverKey,
        }
      : {}),
  };
}

/** A client's whole Temporal configuration: the standard variables and nothing else. */
function clientEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: server!.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...extra,
  };
}

/**
 * A process's environment: the test's own, with every inherited TEMPORAL_* variable emptied
 * (empty counts as unset) and no profile file to find, then `env`.
 */
function processEnv(env: Record<string, string>): Record<string, string> {
  const cleared = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('TEMPORAL_')).map((k) => [k, '']));
  return { ...cleared, XDG_CONFIG_HOME: join(tmp, 'no-config'), DATA_DIR: join(tmp, 'data'), TEMPORAL_METRICS_PORT: '0', ...env };
}

/** The CLI's failure output (it exits 1). */
async function cliRefusal(args: string[], env: Record<string, string>): Promise<string> {
  return cli(args, processEnv(env)).then(
    (out) => {
      throw new Error(`the CLI was expected to fail, it printed: ${out}`);
    },
    (err: Error) => err.message,
  );
}

/** Connects in this process exactly as the worker does: resolveTemporal over the variables, then connectClient. */
async function connectWith(env: Record<string, string>, connectTimeout = 3000) {
  const t = resolveTemporal(env);
  return { t, ...(await connectClient(t, { connectTimeout })) };
}

async function refusal(env: Record<string, string>): Promise<TemporalConnectionError> {
  const err = await connectWith(env, 2000).then(
    async ({ connection }) => {
      await connection.close();
      return new Error('connected');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof TemporalConnectionError)) throw new Error(`expected a TemporalConnectionError, got ${String(err)}`);
  return err;
}

async function startServer(mtls: boolean): Promise<void> {
  const previous = server;
  if (previous) {
    server = undefined;
    await previous.stop();
  }
  // The same ports as before: the databases' membership rows name them.
  server = await startTemporalServer(tools, postgres!.port, serverDir, ports, {
    env: serverEnv(mtls),
    logFile: join(LOGS, mtls ? 'temporal-server-mtls.log' : 'temporal-server-tls.log'),
    ...(previous ? { ports: previous.ports } : {}),
  });
}

/** The server's own system worker polls its per-namespace queue through the frontend: with TLS on, it got through. */
async function systemWorkerPolls(): Promise<string[]> {
  const { connection } = await connectWith(clientEnv(server!.tls?.clientCertPair ? { TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey } : {}));
  try {
    return await eventually(async () => {
      const r = await connection.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: 'temporal-sys-per-ns-tq', kind: 1 }, taskQueueType: 1 });
      const ids = (r.pollers ?? []).map((p) => p.identity ?? '');
      return ids.length > 0 && ids;
    }, 30_000, 'the system worker polling through the TLS frontend');
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  rmSync(LOGS, { recursive: true, force: true });
  mkdirSync(LOGS, { recursive: true });
  mkdirSync(CLUSTER_ARTIFACTS, { recursive: true });
  mkdirSync(join(tmp, 'no-config'));
  certs = await makeTestCerts(join(tmp, 'certs'));
  tools = await ensureGoTools();
  postgres = await startPostgres(await freePort(ports));
  await setupTemporalSchemas(tools, postgres.port);
  serverDir = mkdtempSync(join(tmpdir(), 'de-an-06-temporal-tls-'));
  await startServer(false);
  await ensureNamespace(server!.address, NAMESPACE, server!.tls);
  planFile = join(tmp, 'plan.yaml');
  writeFileSync(planFile, stringify(PLAN));
  console.log(`TLS server up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${server!.address}`);
}, 20 * 60_000);

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  if (serverDir) rmSync(serverDir, { recursive: true, force: true });
  console.log(`TLS file done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 120_000);

describe('Temporal over TLS, configured only by TEMPORAL_* variables', () => {
  it('server TLS without client certificates: the CLI starts a plan, the workflow is on the server', async () => {
    const env = clientEnv();
    expect(describeTemporal(resolveTemporal(env))).toEqual({ address: server!.address, namespace: NAMESPACE, tls: 'on', apiKey: false, serverCA: true, serverName: 'localhost' });

    const out = await cli(['plan', 'start', planFile], processEnv(env));
    expect(out).toContain(`Đã khởi động kế hoạch ${PLAN.id} (1 nhiệm vụ): 1 luồng theo dõi mới, 0 đã chạy từ trước.`);

    const { connection, client } = await connectWith(env);
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
      expect(ns.namespaceInfo?.name).toBe(NAMESPACE);
      const wf = await client.workflow.getHandle(WORKFLOW_ID).describe();
      expect(wf.status.name).toBe('RUNNING');
      expect(wf.taskQueue).toBe('de-an-06');
    } finally {
      await connection.close();
    }
    // The server's own internal clients reach the frontend over TLS too.
    expect((await systemWorkerPolls()).length).toBeGreaterThan(0);
  });

  it('the server speaks only TLS: a client without TLS is told to turn it on', async () => {
    const err = await refusal({ TEMPORAL_ADDRESS: server!.address, TEMPORAL_NAMESPACE: NAMESPACE });
    expect(err.problem).toBe('server-requires-tls');
    expect(err.message).toMatch(/^Cannot connect to Temporal at 127\.0\.0\.1:\d+: the server requires TLS: set TEMPORAL_TLS=true/);
  });

  it('a wrong CA is refused with a message naming it, in the CLI (Vietnamese) and for the logs (English)', async () => {
    const env = clientEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.otherCa });
    const out = await cliRefusal(['plan', 'start', planFile], env);
    expect(out).toContain(`Không kết nối được máy chủ Temporal tại ${server!.address}: chứng chỉ TLS của máy chủ không được CA đã cấu hình xác nhận (TEMPORAL_TLS_SERVER_CA_CERT_PATH).`);
    expect(out).not.toContain('Hãy chạy «npm start»');

    const err = await refusal(env);
    expect(err.problem).toBe('server-ca');
    expect(err.message).toBe(`Cannot connect to Temporal at ${server!.address}: the server's TLS certificate is not trusted by the configured CA (TEMPORAL_TLS_SERVER_CA_CERT_*) (unable to verify the first certificate)`);
    // A name the certificate does not hold.
    expect((await refusal(clientEnv({ TEMPORAL_TLS_SERVER_NAME: 'temporal.so-noi-vu.local' }))).problem).toBe('server-name');
  });

  describe('the same server restarted with mTLS (client certificates required)', () => {
    beforeAll(() => startServer(true), 180_000);

    it('a client with TEMPORAL_TLS_CLIENT_CERT_PATH and _KEY_PATH connects: the CLI finds the plan already running', async () => {
      const env = clientEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey });
      expect(describeTemporal(resolveTemporal(env))).toMatchObject({ tls: 'mTLS', serverCA: true });
      const out = await cli(['plan', 'start', planFile], processEnv(env));
      expect(out).toContain(`Đã khởi động kế hoạch ${PLAN.id} (1 nhiệm vụ): 0 luồng theo dõi mới, 1 đã chạy từ trước.`);
      const { connection, client } = await connectWith(env);
      try {
        expect((await client.workflow.getHandle(WORKFLOW_ID).describe()).status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
      expect((await systemWorkerPolls()).length).toBeGreaterThan(0);
    });

    it('the same client without a certificate is refused: the CLI and the worker say a client certificate is needed', async () => {
      const env = clientEnv();
      const out = await cliRefusal(['plan', 'start', planFile], env);
      expect(out).toContain(`Không kết nối được máy chủ Temporal tại ${server!.address}: máy chủ yêu cầu chứng chỉ máy khách (mTLS). Đề nghị đặt TEMPORAL_TLS_CLIENT_CERT_PATH và TEMPORAL_TLS_CLIENT_KEY_PATH.`);

      // The worker process stops at its start with the English message in its output.
      const worker = await run(process.execPath, ['--import', 'tsx', 'worker/main.ts', '--role', 'worker'], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, ...processEnv(env), LOG_FORMAT: 'json', PORT: String(await freePort(ports)) },
        timeout: 120_000,
      }).then(
        (r) => ({ code: 0, output: r.stdout + r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
      writeFileSync(join(LOGS, 'worker-without-client-cert.log'), worker.output);
      expect(worker.code).toBe(1);
      expect(worker.output).toContain(`Cannot connect to Temporal at ${server!.address}: the server requires a client certificate (mTLS): set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH`);
    });

    it('a client certificate from another CA is refused, and so is a wrong server CA', async () => {
      const other = await refusal(clientEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: certs.otherClientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.otherClientKey }));
      expect(other.problem).toBe('client-cert-refused');
      expect(other.message).toMatch(/the server refused the client certificate \(TEMPORAL_TLS_CLIENT_CERT_\*\)/);
      const wrongCa = await refusal(clientEnv({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.otherCa, TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }));
      expect(wrongCa.problem).toBe('server-ca');
    });
  });
});
