import { ReplyError, Valkey } from 'iovalkey';
import type { ConnectionOptions } from 'node:tls';
import { redactSecret } from '../config/config.js';

/** Start cannot use VALKEY_URL: nothing answered in time, or the server refused the credentials or the database. */
export class ValkeyUnavailableError extends Error {
  override name = 'ValkeyUnavailableError';
}

const RETRY_MS = 250;

/**
 * Waits until the server at `url` answers, with AUTH and SELECT done as the app's clients will do them. Network errors
 * are retried until `timeoutMs` (the server may still be starting); a refused password or database fails at once.
 * Only start is bounded this way: once running, the app's clients wait out a Valkey restart.
 */
export async function checkValkeyConnection(url: string, timeoutMs: number, tls?: ConnectionOptions): Promise<void> {
  const shown = `VALKEY_URL=${redactSecret('VALKEY_URL', url)}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await attempt(url, deadline - Date.now(), tls);
    if (outcome.refusal) throw new ValkeyUnavailableError(describeRefusal(shown, outcome.refusal));
    if (!outcome.error) return;
    if (Date.now() + RETRY_MS >= deadline) {
      throw new ValkeyUnavailableError(
        `cannot reach Valkey at ${shown} within ${timeoutMs} ms (VALKEY_CONNECT_TIMEOUT_MS): ${outcome.error.message}`,
      );
    }
    await new Promise((done) => setTimeout(done, RETRY_MS));
  }
}

/**
 * Waits until one of the cluster's seed nodes (VALKEY_CLUSTER_NODES, as URLs) answers as a healthy cluster node.
 * Fails at once, naming it, when a node is not a cluster node (cluster support disabled) or refuses the credentials;
 * fails after `timeoutMs` when none answered, or the cluster they belong to never reported `cluster_state:ok`.
 */
export async function checkValkeyCluster(urls: string[], timeoutMs: number, tls?: ConnectionOptions): Promise<void> {
  const shown = `VALKEY_CLUSTER_NODES=${redactSecret('VALKEY_CLUSTER_NODES', urls.join(','))}`;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    for (const url of urls) {
      const outcome = await attempt(url, Math.max(1, Math.min(deadline - Date.now(), 2000)), tls, clusterInfo);
      const node = redactSecret('VALKEY_URL', url);
      if (outcome.refusal) throw new ValkeyUnavailableError(describeRefusal(shown, outcome.refusal));
      if (outcome.notCluster) {
        throw new ValkeyUnavailableError(
          `${node} (in ${shown}) is not a cluster node (${outcome.notCluster}): for a single server set VALKEY_URL ` +
            'instead, or start the servers with --cluster-enabled yes and create the cluster',
        );
      }
      if (outcome.error) last = `${node}: ${outcome.error.message}`;
      else if (outcome.state === 'ok') return;
      else last = `${node} answers, but its cluster_state is ${outcome.state ?? 'unknown'}`;
    }
    if (Date.now() + RETRY_MS >= deadline) {
      throw new ValkeyUnavailableError(
        `no healthy Valkey Cluster at ${shown} within ${timeoutMs} ms (VALKEY_CONNECT_TIMEOUT_MS); last: ${last}`,
      );
    }
    await new Promise((done) => setTimeout(done, RETRY_MS));
  }
}

/** CLUSTER INFO's state, or what the server said when it is not a cluster node. */
async function clusterInfo(client: Valkey, outcome: Outcome): Promise<void> {
  try {
    const info = String(await client.call('CLUSTER', 'INFO'));
    outcome.state = /cluster_state:(\w+)/.exec(info)?.[1];
  } catch (error) {
    if (/cluster support disabled/i.test((error as Error).message)) outcome.notCluster = (error as Error).message;
    else throw error;
  }
}

interface Outcome {
  /** CLUSTER INFO's cluster_state (cluster probes). */
  state?: string;
  /** The server is up but not a cluster node: what it said. */
  notCluster?: string;
  /** The server answered with a refusal no retry changes. */
  refusal?: Error;
  /** The first network error: worth another try until the deadline. */
  error?: Error;
}

/** One connection and one INFO, all within `timeoutMs`. */
async function attempt(
  url: string,
  timeoutMs: number,
  tls?: ConnectionOptions,
  probe?: (client: Valkey, outcome: Outcome) => Promise<void>,
): Promise<Outcome> {
  const client = new Valkey(url, {
    ...(tls && { tls }),
    connectionName: 'skein:startup-check',
    lazyConnect: true,
    // One try per attempt; the caller retries. No ready check: a server still loading its data counts as up.
    retryStrategy: () => null,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs, 1),
    commandTimeout: Math.max(timeoutMs, 1),
  });
  const outcome: Outcome = {};
  const record = (error: Error): void => {
    if (isRefusal(error)) outcome.refusal ??= error;
    else if (!(error instanceof ReplyError)) outcome.error ??= error;
  };
  client.on('error', record);
  try {
    await client.connect();
    // Replies come in order: once INFO is answered (or refused), so are the AUTH and SELECT sent on connect.
    await client.info('server').catch(record);
    await new Promise((done) => setImmediate(done));
    if (probe && !outcome.refusal && !outcome.error) await probe(client, outcome).catch(record);
  } catch (error) {
    record(error as Error);
  } finally {
    client.disconnect();
  }
  return outcome;
}

/** Node's codes for a server certificate this process does not trust or that names another host. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function isUntrustedCertificate(error: Error): boolean {
  return UNTRUSTED_CERTIFICATE.has((error as NodeJS.ErrnoException).code ?? '');
}

/** A server's answer that no retry changes: bad credentials, a database it does not have, a certificate not trusted. */
function isRefusal(error: Error): boolean {
  if (isUntrustedCertificate(error)) return true;
  if (!(error instanceof ReplyError)) return false;
  const command = (error as { command?: { name?: string } }).command?.name;
  return command === 'auth' || command === 'select' || /^(WRONGPASS|NOAUTH)\b/.test(error.message);
}

function describeRefusal(shown: string, refusal: Error): string {
  if (isUntrustedCertificate(refusal)) {
    const code = (refusal as NodeJS.ErrnoException).code ?? '';
    const what =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'names another host (set VALKEY_TLS_SERVERNAME to the name it carries)'
        : 'is not trusted (set VALKEY_TLS_CA to the CA bundle that signed it)';
    return `TLS: the certificate of Valkey at ${shown} ${what}: ${refusal.message}`;
  }
  const command = (refusal as { command?: { name?: string; args?: unknown[] } }).command;
  if (command?.name === 'select') {
    return `Valkey at ${shown} has no database ${String(command.args?.[0])} (the /db in VALKEY_URL): ${refusal.message}`;
  }
  return `Valkey at ${shown} refused the connection (check the user and password in VALKEY_URL): ${refusal.message}`;
}
