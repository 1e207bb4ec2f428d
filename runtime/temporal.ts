// Connecting to Temporal and making sure the namespace has the search attributes we query.
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import proto from '@temporalio/proto';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { isIP } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsConnectOptions } from 'node:tls';

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

/**
 * Connects and checks the server answers; a failure is a `TemporalConnectionError` saying why when
 * it can be told (gRPC itself only says "Failed to connect before the deadline").
 */
export async function connectClient(t: TemporalSettings, extra: Pick<ConnectionOptions, 'connectTimeout'> = {}): Promise<{ connection: Connection; client: Client }> {
  const options = clientConnectionOptions(t, extra);
  let connection: Connection;
  try {
    connection = await Connection.connect(options);
  } catch (err) {
    throw connectionError(options.address!, t, await diagnoseConnection(options.address!, t), err);
  }
  return { connection, client: new Client({ connection, namespace: t.namespace }) };
}

// --- why a connection fails ----------------------------------------------------------------------

/** What stands between this process and the server, as far as a connection attempt can tell. */
export type ConnectionProblem =
  /** Nothing answers at the address (refused, unknown host, unreachable). */
  | 'unreachable'
  /** TLS is on, the server speaks plain gRPC. */
  | 'server-not-tls'
  /** TLS is off, the server speaks TLS. */
  | 'server-requires-tls'
  /** The server's certificate is not signed by the CA this client trusts. */
  | 'server-ca'
  /** The server's certificate does not name the address (or TEMPORAL_TLS_SERVER_NAME). */
  | 'server-name'
  | 'server-cert-expired'
  /** mTLS: the server wants a client certificate and none is configured. */
  | 'client-cert-required'
  /** mTLS: the server does not accept the configured client certificate. */
  | 'client-cert-refused';

export interface ConnectionDiagnosis {
  problem: ConnectionProblem;
  /** The TLS library's own words, e.g. "unable to verify the first certificate". */
  detail: string;
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA']);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** TLS alerts a server sends about the client's certificate. */
const CLIENT_CERT_ALERTS = new Set(['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED', 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR']);
/** What OpenSSL says when the bytes answering a ClientHello are not TLS. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_RECORD_LAYER_FAILURE', 'ERR_SSL_HTTP_REQUEST']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/** The problem a socket error of a TLS (or, with `secured` false, probing) handshake shows; undefined when it shows none. */
export function connectionProblemOf(err: { code?: string }, o: { secured: boolean; clientCert: boolean }): ConnectionProblem | undefined {
  const code = err.code ?? '';
  if (UNREACHABLE.has(code)) return 'unreachable';
  // The probe of a plain client: a TLS alert is proof enough that the server speaks TLS.
  if (!o.secured) return code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || CLIENT_CERT_ALERTS.has(code) ? 'server-requires-tls' : undefined;
  if (UNTRUSTED.has(code)) return 'server-ca';
  if (EXPIRED.has(code)) return 'server-cert-expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'server-name';
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'client-cert-required';
  // TLS 1.2 servers answer a missing certificate with the same alerts as a refused one.
  if (CLIENT_CERT_ALERTS.has(code)) return o.clientCert ? 'client-cert-refused' : 'client-cert-required';
  if (NOT_TLS.has(code)) return 'server-not-tls';
  return undefined;
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  return { host: m?.[1] ?? address, port: m?.[2] ? Number(m[2]) : 7233 };
}

/** HTTP/2's client preface and an empty SETTINGS frame: a gRPC server answers with its SETTINGS. */
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/**
 * A TLS handshake of our own with the connection's settings (and, with TLS off, one that checks
 * whether the server speaks TLS), to tell why gRPC could not connect. Undefined when it goes
 * through or shows nothing known.
 */
export async function diagnoseConnection(address: string, t: Pick<TemporalSettings, 'tls' | 'apiKey'>, timeoutMs = 3000): Promise<ConnectionDiagnosis | undefined> {
  const { host, port } = splitAddress(address);
  // As the SDK does: an API key turns TLS on unless it is switched off.
  const secured = t.tls === undefined ? t.apiKey !== undefined : t.tls !== false;
  const cfg = typeof t.tls === 'object' ? t.tls : {};
  const servername = cfg.serverNameOverride ?? (isIP(host) ? undefined : host);
  const options: TlsConnectOptions = {
    host,
    port,
    ALPNProtocols: ['h2'],
    ...(servername ? { servername } : {}),
    ...(!secured ? { rejectUnauthorized: false } : {}),
    ...(secured && cfg.serverRootCACertificate ? { ca: Buffer.from(cfg.serverRootCACertificate) } : {}),
    ...(secured && cfg.clientCertPair ? { cert: Buffer.from(cfg.clientCertPair.crt), key: Buffer.from(cfg.clientCertPair.key) } : {}),
  };
  return new Promise((resolve) => {
    let settled = false;
    const socket = connectTls(options);
    const done = (d: ConnectionDiagnosis | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(d);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () => {
      if (!secured) return done({ problem: 'server-requires-tls', detail: `${socket.getProtocol() ?? 'TLS'} handshake completed` });
      // With TLS 1.3 the server judges the client's certificate after the client deems the
      // handshake done: its refusal, or its first HTTP/2 frame, comes after this.
      socket.write(H2_PREFACE);
    });
    socket.once('data', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const problem = connectionProblemOf(err, { secured, clientCert: !!cfg.clientCertPair });
      // OpenSSL's "…:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/…": the words only.
      done(problem && { problem, detail: /SSL routines:[^:]*:([^:]+)/.exec(err.message)?.[1] ?? err.message });
    });
    socket.once('close', () => done(undefined));
  });
}

/** A connection failure, in English for the logs (`message`) and in Vietnamese for the CLI (`vi`). */
export class TemporalConnectionError extends Error {
  override readonly name = 'TemporalConnectionError';
  constructor(
    readonly address: string,
    readonly problem: ConnectionProblem | undefined,
    message: string,
    readonly vi: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The error a failed `Connection.connect` becomes, given what `diagnoseConnection` found. */
export function connectionError(address: string, t: Pick<TemporalSettings, 'tls'>, d: ConnectionDiagnosis | undefined, cause: unknown): TemporalConnectionError {
  const cfg = typeof t.tls === 'object' ? t.tls : {};
  const name = cfg.serverNameOverride ?? splitAddress(address).host;
  const en = `Cannot connect to Temporal at ${address}: `;
  const vi = `Không kết nối được máy chủ Temporal tại ${address}: `;
  const because = d ? ` (${d.detail})` : '';
  const [english, vietnamese]: [string, string] = ((): [string, string] => {
    switch (d?.problem) {
      case 'server-ca':
        return cfg.serverRootCACertificate
          ? [`the server's TLS certificate is not trusted by the configured CA (TEMPORAL_TLS_SERVER_CA_CERT_*)${because}`, 'chứng chỉ TLS của máy chủ không được CA đã cấu hình xác nhận (TEMPORAL_TLS_SERVER_CA_CERT_PATH). Đề nghị kiểm tra lại tệp CA: đó phải là CA đã ký chứng chỉ của máy chủ.']
          : [`the server's TLS certificate is not signed by a CA this system trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it${because}`, 'chứng chỉ TLS của máy chủ không do CA nào mà máy này tin cậy ký. Đề nghị đặt TEMPORAL_TLS_SERVER_CA_CERT_PATH là tệp CA đã ký chứng chỉ của máy chủ.'];
      case 'server-name':
        return [`the server's TLS certificate is not issued for "${name}": set TEMPORAL_TLS_SERVER_NAME to a name it holds${because}`, `chứng chỉ TLS của máy chủ không cấp cho tên «${name}». Đề nghị đặt TEMPORAL_TLS_SERVER_NAME là tên ghi trong chứng chỉ.`];
      case 'server-cert-expired':
        return [`the server's TLS certificate has expired or is not valid yet${because}`, 'chứng chỉ TLS của máy chủ đã hết hạn hoặc chưa đến ngày có hiệu lực.'];
      case 'client-cert-required':
        return [`the server requires a client certificate (mTLS): set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH${because}`, 'máy chủ yêu cầu chứng chỉ máy khách (mTLS). Đề nghị đặt TEMPORAL_TLS_CLIENT_CERT_PATH và TEMPORAL_TLS_CLIENT_KEY_PATH.'];
      case 'client-cert-refused':
        return [`the server refused the client certificate (TEMPORAL_TLS_CLIENT_CERT_*): not signed by a CA it trusts, or expired${because}`, 'máy chủ từ chối chứng chỉ máy khách (TEMPORAL_TLS_CLIENT_CERT_PATH): chứng chỉ không do CA mà máy chủ tin cậy ký, hoặc đã hết hạn.'];
      case 'server-not-tls':
        return [`TLS is on but the server does not speak TLS (check TEMPORAL_TLS and the port)${because}`, 'đã bật TLS nhưng máy chủ không dùng TLS. Đề nghị kiểm tra TEMPORAL_TLS và cổng kết nối.'];
      case 'server-requires-tls':
        return [`the server requires TLS: set TEMPORAL_TLS=true, and TEMPORAL_TLS_SERVER_CA_CERT_PATH when its CA is your own${because}`, 'máy chủ yêu cầu kết nối TLS. Đề nghị đặt TEMPORAL_TLS=true (và TEMPORAL_TLS_SERVER_CA_CERT_PATH khi chứng chỉ của máy chủ do CA riêng ký).'];
      case 'unreachable':
        return [`nothing answers there${because}`, 'không có máy chủ nào trả lời tại địa chỉ này.'];
      default: {
        const e = cause as { message?: string; cause?: { message?: string } };
        const msg = [e?.message ?? String(cause), e?.cause?.message].filter(Boolean).join(': ');
        return [msg, 'máy chủ không trả lời.'];
      }
    }
  })();
  return new TemporalConnectionError(address, d?.problem, en + english, vi + vietnamese, { cause });
}
