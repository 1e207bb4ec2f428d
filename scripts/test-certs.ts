// Throwaway certificates for the TLS tests, made with the `openssl` command line tool: a CA, a
// server certificate for localhost and 127.0.0.1 signed by it, a client certificate signed by it,
// and a second, unrelated CA (what a client with the wrong CA file trusts). EC P-256 keys, valid
// for two days; nothing here is fit for production.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCerts {
  dir: string;
  /** The CA that signed the server and client certificates (PEM file). */
  ca: string;
  /** Server certificate (SAN DNS:localhost, IP:127.0.0.1; usable for server and client auth) and its key. */
  serverCert: string;
  serverKey: string;
  /** Client certificate (CN de-an-06-worker, client auth) and its key. */
  clientCert: string;
  clientKey: string;
  /** A CA unrelated to the first, and a client certificate it signed (one a server trusting `ca` refuses). */
  otherCa: string;
  otherClientCert: string;
  otherClientKey: string;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 60_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: the TLS tests generate their certificates with it (Debian: apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`);
  }
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

async function makeCa(dir: string, name: string, cn: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  await openssl([
    'req', '-x509', ...KEY, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/O=De an 06 tests/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { cert, key };
}

async function makeLeaf(dir: string, name: string, cn: string, ca: { cert: string; key: string }, ext: string[]): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...ext, ''].join('\n'));
  await openssl(['req', '-new', ...KEY, '-keyout', key, '-out', csr, '-subj', `/O=De an 06 tests/CN=${cn}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-CAserial', join(dir, `${name}.srl`), '-days', '2', '-sha256', '-extfile', extFile, '-out', cert]);
  for (const f of [csr, extFile, join(dir, `${name}.srl`)]) rmSync(f, { force: true });
  return { cert, key };
}

/** Writes the certificates into `dir` (created if missing); private keys are readable by their owner only. */
export async function makeTestCerts(dir: string): Promise<TestCerts> {
  mkdirSync(dir, { recursive: true });
  const ca = await makeCa(dir, 'ca', 'De an 06 test CA');
  const other = await makeCa(dir, 'other-ca', 'Unrelated test CA');
  // Client auth too: the Temporal server's own system worker presents it when the frontend requires client certificates.
  const server = await makeLeaf(dir, 'server', 'localhost', ca, ['extendedKeyUsage=serverAuth,clientAuth', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  const client = await makeLeaf(dir, 'client', 'de-an-06-worker', ca, ['extendedKeyUsage=clientAuth']);
  const otherClient = await makeLeaf(dir, 'other-client', 'de-an-06-worker', other, ['extendedKeyUsage=clientAuth']);
  for (const k of [ca.key, other.key, server.key, client.key, otherClient.key]) chmodSync(k, 0o600);
  return { dir, ca: ca.cert, serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key, otherCa: other.cert, otherClientCert: otherClient.cert, otherClientKey: otherClient.key };
}
