// Connecting to Temporal and making sure the namespace has the search attributes we query.
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import proto from '@temporalio/proto';
import type { NativeConnectionOptions } from '@temporalio/worker';

const { temporal } = proto;
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

const INDEXED: Record<string, number> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** Registers the missing ones; an attribute already present is left as it is. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !have.has(name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED[type]!])),
  });
  return missing.map(([name]) => name);
}

/** Where and how to connect, resolved once from the environment and the Temporal profile file. */
export interface TemporalSettings {
  /** Unset when nothing names a cluster: `npm start` then runs the embedded dev server. */
  address: string | undefined;
  namespace: string;
  apiKey?: string;
  /** `true`: TLS with the system's roots (Temporal Cloud); an object: server CA, server name, client certificate. */
  tls?: TLSConfig | boolean;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_*, `grpc_meta` in the profile). */
  metadata?: Record<string, string>;
  /** The profile and file read, for the start-up log only. */
  profile?: string;
  configFile?: string;
}

/**
 * The standard Temporal client configuration (`@temporalio/envconfig`): the profile file
 * (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; profile TEMPORAL_PROFILE, else
 * "default") overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 * TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*.
 * Certificate files are read here, so a wrong path stops the start-up rather than the first call.
 */
export function resolveTemporal(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  // An empty variable (compose's `${X:-}`) means unset, as in loadConfig: an empty API key must not turn TLS on.
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  // envconfig reads anything but 1/true as "off": a typo must not quietly disable TLS.
  if (vars.TEMPORAL_TLS !== undefined && !['1', '0', 'true', 'false'].includes(vars.TEMPORAL_TLS))
    throw new Error(`Invalid environment: TEMPORAL_TLS must be true or false, not «${vars.TEMPORAL_TLS}»`);
  let profile: ClientConfigProfile;
  let options: NativeConnectionOptions;
  let namespace: string | undefined;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
    ({ connectionOptions: options, namespace } = toClientOptions(profile));
  } catch (err) {
    throw new Error(`Invalid Temporal connection settings${vars.TEMPORAL_CONFIG_FILE ? ` (${vars.TEMPORAL_CONFIG_FILE})` : ''}: ${safeMessage(err)}`);
  }
  // envconfig silently drops a certificate without its key (or the reverse): that is a plain TLS connection, not mTLS.
  if (!profile.tls?.disabled && !!profile.tls?.clientCert !== !!profile.tls?.clientKey)
    throw new Error('Invalid Temporal connection settings: mTLS needs both the client certificate and its key (TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*)');
  // The embedded dev server speaks plain gRPC: TLS or a key with no address is a forgotten TEMPORAL_ADDRESS.
  if (!options.address && (options.apiKey !== undefined || (options.tls !== undefined && options.tls !== false)))
    throw new Error('Invalid Temporal connection settings: TLS or an API key is set but no address (TEMPORAL_ADDRESS or `address` in the profile)');
  return {
    address: options.address,
    namespace: namespace ?? 'default',
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.tls !== undefined && options.tls !== null ? { tls: options.tls } : {}),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length ? { metadata: profile.grpcMeta } : {}),
    ...(vars.TEMPORAL_PROFILE ? { profile: vars.TEMPORAL_PROFILE } : {}),
    ...(vars.TEMPORAL_CONFIG_FILE ? { configFile: vars.TEMPORAL_CONFIG_FILE } : {}),
  };
}

/** smol-toml quotes the offending lines, which may hold the API key: keep only where it is. */
function safeMessage(err: unknown): string {
  const e = err as { line?: unknown; column?: unknown; message?: unknown };
  if (typeof e.line === 'number' && typeof e.column === 'number') return `invalid TOML at line ${e.line}, column ${e.column}`;
  return String(e.message ?? err);
}

function requireAddress(t: TemporalSettings): string {
  if (!t.address) throw new Error('no Temporal address: start the embedded dev server first or set TEMPORAL_ADDRESS');
  return t.address;
}

/** Options for the client's `Connection.connect`. */
export function clientConnectionOptions(t: TemporalSettings, extra: Pick<ConnectionOptions, 'connectTimeout'> = {}): ConnectionOptions {
  return { address: requireAddress(t), ...(t.tls !== undefined ? { tls: t.tls } : {}), ...(t.apiKey !== undefined ? { apiKey: t.apiKey } : {}), ...(t.metadata ? { metadata: t.metadata } : {}), ...extra };
}

/** Options for the worker's `NativeConnection.connect`. */
export function workerConnectionOptions(t: TemporalSettings): NativeConnectionOptions {
  return { address: requireAddress(t), ...(t.tls !== undefined ? { tls: t.tls } : {}), ...(t.apiKey !== undefined ? { apiKey: t.apiKey } : {}), ...(t.metadata ? { metadata: t.metadata } : {}) };
}

/** What may be logged: never the key, the certificates or the headers' values. */
export function describeTemporal(t: TemporalSettings): Record<string, unknown> {
  const tls = typeof t.tls === 'object' ? t.tls : undefined;
  return {
    address: t.address ?? '(embedded dev server)',
    namespace: t.namespace,
    tls: !t.tls ? 'off' : tls?.clientCertPair ? 'mTLS' : 'on',
    apiKey: t.apiKey !== undefined,
    ...(tls?.serverRootCACertificate ? { serverCA: true } : {}),
    ...(tls?.serverNameOverride ? { serverName: tls.serverNameOverride } : {}),
    ...(t.metadata ? { grpcHeaders: Object.keys(t.metadata) } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
    ...(t.configFile ? { configFile: t.configFile } : {}),
  };
}

export async function connectClient(t: TemporalSettings, extra: Pick<ConnectionOptions, 'connectTimeout'> = {}): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect(clientConnectionOptions(t, extra));
  return { connection, client: new Client({ connection, namespace: t.namespace }) };
}
