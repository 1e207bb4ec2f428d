// Connection settings through @temporalio/envconfig: environment, profile file, and the dev-server rule.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientConnectionOptions, describeTemporal, resolveTemporal, workerConnectionOptions } from '../../runtime/temporal.js';

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
