// Connection settings through @temporalio/envconfig: environment, profile file, and the dev-server rule.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientConnectionOptions,
  connectClient,
  connectionError,
  connectionProblemOf,
  describeTemporal,
  diagnoseConnection,
  resolveTemporal,
  TemporalConnectionError,
  workerConnectionOptions,
} from '../../runtime/temporal.js';
import { frontendTlsFromEnv } from '../../scripts/cluster.js';
import { makeTestCerts, type TestCerts } from '../../scripts/test-certs.js';

const API_KEY = 'tmprl-cloud-key-that-must-never-be-logged';
const CERT = '-----BEGIN CERTIFICATE-----\nclient-cert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nclient-private-key\n-----END PRIVATE KEY-----\n';
const CA = '-----BEGIN CERTIFICATE-----\nagency-root-ca\n-----END CERTIFICATE-----\n';

let dir: string;
let files: { cert: string; key: string; ca: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'temporal-config-'));
  files = { cert: join(dir, 'client.pem'), key: join(dir, 'client.key'), ca: join(dir, 'ca.pem') };
  writeFileSync(files.cert, CERT);
  writeFileSync(files.key, KEY);
  writeFileSync(files.ca, CA);
});

const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);
/** An environment with no HOME: the user's own ~/.config/temporalio/temporal.toml never leaks into a test. */
const resolve = (env: Record<string, string>) => resolveTemporal(env);

describe('Temporal connection settings', () => {
  it('with nothing set has no address (npm start runs the embedded dev server) and the default namespace, plain gRPC', () => {
    const t = resolve({});
    expect(t).toEqual({ address: undefined, namespace: 'default' });
    // The caller fills in the dev server's address; no TLS, no key.
    expect(clientConnectionOptions({ ...t, address: '127.0.0.1:7233' })).toEqual({ address: '127.0.0.1:7233' });
    expect(() => clientConnectionOptions(t)).toThrow(/no Temporal address/);
  });

  it('treats empty variables (compose ${X:-}) as unset: an empty API key does not switch TLS on', () => {
    expect(resolve({ TEMPORAL_ADDRESS: '', TEMPORAL_API_KEY: '', TEMPORAL_NAMESPACE: '' })).toEqual({ address: undefined, namespace: 'default' });
  });

  it('reads the default profile file under XDG_CONFIG_HOME, and its absence is the dev-server rule', () => {
    const home = mkdtempSync(join(tmpdir(), 'xdg-'));
    expect(resolve({ XDG_CONFIG_HOME: home }).address).toBeUndefined();
    mkdirSync(join(home, 'temporalio'));
    writeFileSync(join(home, 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "temporal.so-noi-vu.local:7233"\nnamespace = "de-an-06"\n');
    expect(resolve({ XDG_CONFIG_HOME: home })).toEqual({ address: 'temporal.so-noi-vu.local:7233', namespace: 'de-an-06' });
  });

  it('self-hosted without TLS: TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, as before', () => {
    const t = resolve({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'so-noi-vu' });
    expect(t).toEqual({ address: 'temporal:7233', namespace: 'so-noi-vu' });
    expect(workerConnectionOptions(t)).toEqual({ address: 'temporal:7233' });
    expect(clientConnectionOptions(t, { connectTimeout: 5000 })).toEqual({ address: 'temporal:7233', connectTimeout: 5000 });
  });

  it('Temporal Cloud with an API key: TLS on by default, the key in both connections, never in the description', () => {
    const t = resolve({ TEMPORAL_ADDRESS: 'ap-southeast-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'de-an-06.a1b2c', TEMPORAL_API_KEY: API_KEY });
    expect(t.tls).toBe(true);
    expect(t.namespace).toBe('de-an-06.a1b2c');
    expect(clientConnectionOptions(t)).toEqual({ address: 'ap-southeast-1.aws.api.temporal.io:7233', tls: true, apiKey: API_KEY });
    expect(workerConnectionOptions(t)).toEqual({ address: 'ap-southeast-1.aws.api.temporal.io:7233', tls: true, apiKey: API_KEY });
    expect(describeTemporal(t)).toEqual({ address: 'ap-southeast-1.aws.api.temporal.io:7233', namespace: 'de-an-06.a1b2c', tls: 'on', apiKey: true });
    expect(JSON.stringify(describeTemporal(t))).not.toContain(API_KEY);
  });

  it('lets TEMPORAL_TLS=false turn TLS off even with an API key (a local proxy), and refuses anything but true/false', () => {
    expect(resolve({ TEMPORAL_ADDRESS: 'proxy:7233', TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS: 'false' }).tls).toBe(false);
    expect(describeTemporal(resolve({ TEMPORAL_ADDRESS: 'proxy:7233', TEMPORAL_TLS: 'true' })).tls).toBe('on');
    expect(() => resolve({ TEMPORAL_ADDRESS: 'proxy:7233', TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS must be true or false/);
  });

  it('secured self-hosted cluster: mTLS certificate and key files, server CA and server name', () => {
    const t = resolve({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.so-noi-vu.local',
    });
    const tls = workerConnectionOptions(t).tls;
    if (typeof tls !== 'object' || !tls) throw new Error(`expected a TLS object, got ${String(tls)}`);
    expect(text(tls.clientCertPair?.crt)).toBe(CERT);
    expect(text(tls.clientCertPair?.key)).toBe(KEY);
    expect(text(tls.serverRootCACertificate)).toBe(CA);
    expect(tls.serverNameOverride).toBe('temporal.so-noi-vu.local');
    expect(clientConnectionOptions(t).tls).toBe(tls);
    expect(t.apiKey).toBeUndefined();
    const described = describeTemporal(t);
    expect(described).toEqual({ address: '10.0.0.5:7233', namespace: 'default', tls: 'mTLS', apiKey: false, serverCA: true, serverName: 'temporal.so-noi-vu.local' });
    expect(JSON.stringify(described)).not.toContain('client-private-key');
  });

  it('takes certificate and key contents from *_DATA variables (secrets injected by the platform)', () => {
    const t = resolve({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY });
    const tls = t.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect([text(tls.clientCertPair?.crt), text(tls.clientCertPair?.key)]).toEqual([CERT, KEY]);
  });

  it('refuses a client certificate without its key (envconfig would quietly drop mTLS), and a missing certificate file', () => {
    expect(() => resolve({ TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert })).toThrow(/both the client certificate and its key/);
    expect(() => resolve({ TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_CLIENT_KEY_PATH: files.key })).toThrow(/both the client certificate and its key/);
    expect(() => resolve({ TEMPORAL_ADDRESS: 'a:7233', TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'nope.pem') })).toThrow(/nope\.pem/);
  });

  it('refuses TLS or an API key with no address rather than starting a dev server that speaks neither', () => {
    expect(() => resolve({ TEMPORAL_API_KEY: API_KEY })).toThrow(/no address/);
    expect(() => resolve({ TEMPORAL_TLS_SERVER_NAME: 'temporal.local' })).toThrow(/no address/);
  });

  it('reads a named profile from TEMPORAL_CONFIG_FILE; the environment overrides it', () => {
    const file = join(dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '',
        '[profile.cloud]',
        'address = "de-an-06.a1b2c.tmprl.cloud:7233"',
        'namespace = "de-an-06.a1b2c"',
        '[profile.cloud.tls]',
        `client_cert_path = "${files.cert}"`,
        `client_key_path = "${files.key}"`,
        '',
        '[profile.apikey]',
        'address = "ap-southeast-1.aws.api.temporal.io:7233"',
        'namespace = "de-an-06.a1b2c"',
        `api_key = "${API_KEY}"`,
      ].join('\n'),
    );
    expect(resolve({ TEMPORAL_CONFIG_FILE: file })).toEqual({ address: 'localhost:7233', namespace: 'default', configFile: file });

    const cloud = resolve({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    expect(cloud.address).toBe('de-an-06.a1b2c.tmprl.cloud:7233');
    expect(text((cloud.tls as { clientCertPair?: { key: Uint8Array } }).clientCertPair?.key)).toBe(KEY);
    expect(describeTemporal(cloud)).toMatchObject({ tls: 'mTLS', apiKey: false, profile: 'cloud', configFile: file });

    const keyed = resolve({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'apikey', TEMPORAL_NAMESPACE: 'other.a1b2c' });
    expect(keyed).toMatchObject({ apiKey: API_KEY, tls: true, namespace: 'other.a1b2c' });

    expect(() => resolve({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' })).toThrow(/Profile 'prod' not found/);
  });

  it('a profile with a namespace but no address is still the dev server, on that namespace', () => {
    const file = join(dir, 'ns-only.toml');
    writeFileSync(file, '[profile.default]\nnamespace = "thu-nghiem"\n');
    expect(resolve({ TEMPORAL_CONFIG_FILE: file })).toMatchObject({ address: undefined, namespace: 'thu-nghiem' });
  });

  it('reports a broken profile file by position, without quoting its lines (they may hold the API key)', () => {
    const file = join(dir, 'broken.toml');
    writeFileSync(file, `[profile.default]\naddress = "a:7233"\napi_key = "${API_KEY}\n`);
    let message = '';
    try {
      resolve({ TEMPORAL_CONFIG_FILE: file });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/invalid TOML at line \d+, column \d+/);
    expect(message).not.toContain(API_KEY);
  });

  it('passes TEMPORAL_GRPC_META_* headers to both connections and logs only their names', () => {
    const t = resolve({ TEMPORAL_ADDRESS: 'gw:7233', TEMPORAL_GRPC_META_X_AGENCY_TOKEN: 'gateway-secret' });
    expect(workerConnectionOptions(t).metadata).toEqual({ 'x-agency-token': 'gateway-secret' });
    expect(clientConnectionOptions(t).metadata).toEqual({ 'x-agency-token': 'gateway-secret' });
    expect(JSON.stringify(describeTemporal(t))).not.toContain('gateway-secret');
  });
});

describe('why a connection to Temporal fails (gRPC only says "Failed to connect before the deadline")', () => {
  it('reads the TLS library\'s error codes as problems an operator can fix', () => {
    const tlsOn = { secured: true, clientCert: false };
    expect(connectionProblemOf({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, tlsOn)).toBe('server-ca');
    expect(connectionProblemOf({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, tlsOn)).toBe('server-ca');
    expect(connectionProblemOf({ code: 'CERT_HAS_EXPIRED' }, tlsOn)).toBe('server-cert-expired');
    expect(connectionProblemOf({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, tlsOn)).toBe('server-name');
    expect(connectionProblemOf({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }, tlsOn)).toBe('client-cert-required');
    // TLS 1.2 servers send the same alert for a missing and a refused certificate.
    expect(connectionProblemOf({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }, tlsOn)).toBe('client-cert-required');
    expect(connectionProblemOf({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }, { secured: true, clientCert: true })).toBe('client-cert-refused');
    expect(connectionProblemOf({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }, { secured: true, clientCert: true })).toBe('client-cert-refused');
    expect(connectionProblemOf({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, tlsOn)).toBe('server-not-tls');
    expect(connectionProblemOf({ code: 'ECONNREFUSED' }, tlsOn)).toBe('unreachable');
    expect(connectionProblemOf({ code: 'ECONNRESET' }, tlsOn)).toBeUndefined();
    // With TLS off the probe only tells whether the server wants TLS.
    expect(connectionProblemOf({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, { secured: false, clientCert: false })).toBeUndefined();
    expect(connectionProblemOf({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }, { secured: false, clientCert: false })).toBe('server-requires-tls');
    expect(connectionProblemOf({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }, { secured: false, clientCert: false })).toBe('server-requires-tls');
  });

  it('says it in English for the logs and in Vietnamese for the CLI, naming the variable to fix', () => {
    const cause = new Error('Failed to connect before the deadline');
    const withCa = { tls: { serverRootCACertificate: Buffer.from(CA) } };
    const e = connectionError('10.0.0.5:7233', withCa, { problem: 'server-ca', detail: 'unable to verify the first certificate' }, cause);
    expect(e).toBeInstanceOf(TemporalConnectionError);
    expect(e.message).toBe("Cannot connect to Temporal at 10.0.0.5:7233: the server's TLS certificate is not trusted by the configured CA (TEMPORAL_TLS_SERVER_CA_CERT_*) (unable to verify the first certificate)");
    expect(e.vi).toMatch(/^Không kết nối được máy chủ Temporal tại 10\.0\.0\.5:7233: chứng chỉ TLS của máy chủ không được CA đã cấu hình xác nhận \(TEMPORAL_TLS_SERVER_CA_CERT_PATH\)/);
    expect(e.cause).toBe(cause);
    // No CA configured: the system's roots did not know it.
    expect(connectionError('t:7233', { tls: true }, { problem: 'server-ca', detail: 'x' }, cause).message).toMatch(/not signed by a CA this system trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
    expect(connectionError('10.0.0.5:7233', { tls: { serverNameOverride: 'temporal.local' } }, { problem: 'server-name', detail: 'x' }, cause).vi).toContain('không cấp cho tên «temporal.local». Đề nghị đặt TEMPORAL_TLS_SERVER_NAME');
    expect(connectionError('a:7233', withCa, { problem: 'client-cert-required', detail: 'x' }, cause).message).toMatch(/requires a client certificate \(mTLS\): set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
    expect(connectionError('a:7233', withCa, { problem: 'client-cert-refused', detail: 'x' }, cause).vi).toContain('máy chủ từ chối chứng chỉ máy khách');
    expect(connectionError('a:7233', {}, { problem: 'server-requires-tls', detail: 'x' }, cause).message).toMatch(/the server requires TLS: set TEMPORAL_TLS=true/);
    // Nothing diagnosed: the SDK's own words, with their cause.
    const unknown = connectionError('a:7233', {}, undefined, Object.assign(new Error('Failed to connect to Temporal server'), { cause: new Error('14 UNAVAILABLE: x') }));
    expect(unknown.problem).toBeUndefined();
    expect(unknown.message).toBe('Cannot connect to Temporal at a:7233: Failed to connect to Temporal server: 14 UNAVAILABLE: x');
  });

  describe('against TLS servers on loopback (certificates made with openssl)', () => {
    let certs: TestCerts;
    const servers: Server[] = [];
    const addr = (s: Server) => `127.0.0.1:${(s.address() as AddressInfo).port}`;
    const listen = async (s: Server) => {
      servers.push(s);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return addr(s);
    };
    /** Answers the HTTP/2 preface with a SETTINGS frame, as a gRPC server does. */
    const h2ish = (sock: NodeJS.ReadWriteStream) => sock.once('data', () => sock.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])));
    let tlsAddress: string;
    let mtlsAddress: string;
    let plainAddress: string;
    let closedAddress: string;
    const ca = () => readFileSync(certs.ca);
    const pair = (cert: string, key: string) => ({ crt: readFileSync(cert), key: readFileSync(key) });

    beforeAll(async () => {
      certs = await makeTestCerts(join(dir, 'certs'));
      const identity = { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey), ALPNProtocols: ['h2'] };
      tlsAddress = await listen(createTlsServer(identity, h2ish).on('tlsClientError', () => undefined));
      mtlsAddress = await listen(createTlsServer({ ...identity, requestCert: true, rejectUnauthorized: true, ca: ca() }, h2ish).on('tlsClientError', () => undefined));
      // A plain gRPC server sends its SETTINGS frame at once: not a TLS record.
      plainAddress = await listen(createTcpServer((sock) => sock.end(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]))));
      const closed = createTcpServer();
      closedAddress = await new Promise<string>((r) => closed.listen(0, '127.0.0.1', () => r(addr(closed))));
      await new Promise((r) => closed.close(r));
    });
    afterAll(() => {
      for (const s of servers) s.close();
    });

    it('tells a wrong CA, a wrong name, a missing client certificate, TLS against plain and plain against TLS', async () => {
      expect(await diagnoseConnection(tlsAddress, { tls: { serverRootCACertificate: ca() } })).toBeUndefined();
      expect(await diagnoseConnection(tlsAddress, { tls: { serverRootCACertificate: readFileSync(certs.otherCa) } })).toEqual({ problem: 'server-ca', detail: 'unable to verify the first certificate' });
      expect((await diagnoseConnection(tlsAddress, { tls: { serverRootCACertificate: ca(), serverNameOverride: 'temporal.so-noi-vu.local' } }))?.problem).toBe('server-name');
      expect((await diagnoseConnection(tlsAddress, { tls: true }))?.problem).toBe('server-ca');
      expect((await diagnoseConnection(tlsAddress, {}))?.problem).toBe('server-requires-tls');

      expect(await diagnoseConnection(mtlsAddress, { tls: { serverRootCACertificate: ca(), clientCertPair: pair(certs.clientCert, certs.clientKey) } })).toBeUndefined();
      expect(await diagnoseConnection(mtlsAddress, { tls: { serverRootCACertificate: ca() } })).toEqual({ problem: 'client-cert-required', detail: 'tlsv13 alert certificate required' });
      // A refused certificate is not tried here: Node's TLS server hangs up without an alert, where
      // Temporal's (Go) sends one; tests/cluster/tls.test.ts checks it against the real server.

      expect(await diagnoseConnection(plainAddress, { tls: { serverRootCACertificate: ca() } })).toEqual({ problem: 'server-not-tls', detail: 'wrong version number' });
      expect((await diagnoseConnection(closedAddress, { tls: { serverRootCACertificate: ca() } }))?.problem).toBe('unreachable');
      expect((await diagnoseConnection(closedAddress, {}))?.problem).toBe('unreachable');
    });

    it('connectClient turns the SDK\'s deadline error into the diagnosed one', async () => {
      const t = resolve({ TEMPORAL_ADDRESS: tlsAddress, TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.otherCa, TEMPORAL_TLS_SERVER_NAME: 'localhost' });
      const err = await connectClient(t, { connectTimeout: 1000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TemporalConnectionError);
      expect((err as TemporalConnectionError).problem).toBe('server-ca');
      expect((err as Error).message).toBe(`Cannot connect to Temporal at ${tlsAddress}: the server's TLS certificate is not trusted by the configured CA (TEMPORAL_TLS_SERVER_CA_CERT_*) (unable to verify the first certificate)`);
    });
  });
});

describe("the cluster server's frontend TLS, from the config template's variables (scripts/cluster.ts)", () => {
  it('is off with none set, and refuses half a setting by naming the variable', () => {
    expect(frontendTlsFromEnv({})).toBeUndefined();
    expect(frontendTlsFromEnv({ TEMPORAL_TLS_FRONTEND_CERT: '', TEMPORAL_TLS_FRONTEND_KEY: '' })).toBeUndefined();
    expect(() => frontendTlsFromEnv({ TEMPORAL_TLS_FRONTEND_CERT: files.cert })).toThrow(/TEMPORAL_TLS_FRONTEND_KEY is not set/);
    expect(() => frontendTlsFromEnv({ TEMPORAL_TLS_FRONTEND_CERT: files.cert, TEMPORAL_TLS_FRONTEND_KEY: files.key })).toThrow(/TEMPORAL_TLS_SERVER_CA_CERT is not set/);
    expect(() => frontendTlsFromEnv({ TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true' })).toThrow(/needs TEMPORAL_TLS_FRONTEND_CERT/);
    expect(() => frontendTlsFromEnv({ TEMPORAL_TLS_FRONTEND_CERT: join(dir, 'nope.pem'), TEMPORAL_TLS_FRONTEND_KEY: files.key })).toThrow(/TEMPORAL_TLS_FRONTEND_CERT names a file that does not exist/);
  });

  it('TLS, then mTLS with the client CA and the system worker\'s own certificate', () => {
    const tls = { TEMPORAL_TLS_FRONTEND_CERT: files.cert, TEMPORAL_TLS_FRONTEND_KEY: files.key, TEMPORAL_TLS_SERVER_CA_CERT: files.ca, TEMPORAL_TLS_FRONTEND_SERVER_NAME: 'localhost' };
    expect(frontendTlsFromEnv(tls)).toEqual({ certFile: files.cert, keyFile: files.key, systemWorker: { rootCaFile: files.ca, serverName: 'localhost' } });
    expect(() => frontendTlsFromEnv({ ...tls, TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true' })).toThrow(/TEMPORAL_TLS_CLIENT1_CA_CERT is not set \(required with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH=true\)/);
    expect(() => frontendTlsFromEnv({ ...tls, TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'yes' })).toThrow(/must be true or false/);
    const mtls = { ...tls, TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true', TEMPORAL_TLS_CLIENT1_CA_CERT: files.ca, TEMPORAL_TLS_SYSTEM_WORKER_CERT: files.cert, TEMPORAL_TLS_SYSTEM_WORKER_KEY: files.key };
    expect(frontendTlsFromEnv(mtls)).toEqual({ certFile: files.cert, keyFile: files.key, clientCaFiles: [files.ca], systemWorker: { rootCaFile: files.ca, serverName: 'localhost', certFile: files.cert, keyFile: files.key } });
  });
});
