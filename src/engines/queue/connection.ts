/**
 * Redis connections of the 'queue' engine and its workers: ioredis options from the settings, a
 * password-free URL for messages, and connections that give up after `connectTimeoutMs` without a
 * server (so a call fails with a `QueueConnectionError` instead of waiting forever). ioredis is
 * imported when the first connection is made, never when the library is imported.
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis';
import { parseRedisUrl, type ResolvedQueueSettings } from './settings.js';
import { QueueConnectionError } from './errors.js';

/** The URL of the settings with its password replaced by `***` (for messages and logs). */
export function safeUrl(url: string): string {
  const parsed = parseRedisUrl(url, 'url');
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** Where a Redis URL points: host and port, the credentials and database it names, and whether it asks for TLS. */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly tls: boolean;
}

/** The endpoint of the settings' URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS). */
export function redisEndpoint(settings: ResolvedQueueSettings): RedisEndpoint {
  const url = parseRedisUrl(settings.url, 'url');
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(db === '' ? {} : { db: Number(db) }),
    tls: url.protocol === 'rediss:',
  };
}

/** ioredis options for the settings' URL, then `connection` over them. */
export function redisOptions(settings: ResolvedQueueSettings): RedisOptions {
  const { tls, ...endpoint } = redisEndpoint(settings);
  return { ...endpoint, ...(tls ? { tls: {} } : {}), ...settings.connection };
}

/** A connection and what happens to it. */
export interface ManagedConnection {
  readonly redis: Redis;
  /** Resolves once the server answered; rejects with a QueueConnectionError when it cannot be reached in time. */
  readonly ready: Promise<void>;
  /** Rejects with a QueueConnectionError when the connection is lost for good (never resolves). */
  readonly ended: Promise<never>;
  /** Keeps the process alive (true) or not (false) while the connection is open. */
  setRef(ref: boolean): void;
  /** The error saying why the connection is not usable now (unreachable, or lost). */
  lost(): QueueConnectionError;
}

/**
 * Opens a connection that retries for `connectTimeoutMs` after it loses its server (or fails to reach
 * it), then ends: `ready` and `ended` reject with a QueueConnectionError saying what happened.
 * `persistent` connections (workers) retry forever once they were connected.
 */
export async function openConnection(settings: ResolvedQueueSettings, purpose: string, persistent = false): Promise<ManagedConnection> {
  const { Redis: RedisClient } = await import('ioredis');
  const where = safeUrl(settings.url);
  let lostAt: number | null = null;
  let wasReady = false;
  let lastError: unknown = null;
  let ref = true;
  const redis = new RedisClient({
    ...redisOptions(settings),
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: () => {
      lostAt ??= Date.now();
      if ((!persistent || !wasReady) && Date.now() - lostAt >= settings.connectTimeoutMs) return null;
      return Math.min(250, Math.max(20, Math.floor(settings.connectTimeoutMs / 10)));
    },
  });
  const reason = (): string => {
    // checked by shape: errors of Node's sockets are not `instanceof Error` under jest's VM
    const message = typeof lastError === 'object' && lastError !== null ? (lastError as { message?: unknown }).message : undefined;
    const detail = typeof message === 'string' && message !== '' ? `: ${message}` : '';
    return wasReady
      ? `went away (${purpose} connection lost, not back within connectTimeoutMs = ${settings.connectTimeoutMs} ms${detail})`
      : `cannot be reached (${purpose} connection, tried for connectTimeoutMs = ${settings.connectTimeoutMs} ms${detail})`;
  };
  redis.on('error', (error: unknown) => {
    lastError = error;
  });
  const lost = (): QueueConnectionError => new QueueConnectionError(where, reason(), { cause: lastError });
  const ended = new Promise<never>((_, reject) => {
    redis.once('end', () => reject(lost()));
  });
  ended.catch(() => {});
  const applyRef = (): void => {
    const stream = (redis as unknown as { stream?: { ref(): void; unref(): void } }).stream;
    if (ref) stream?.ref();
    else stream?.unref();
  };
  // a server that accepts the connection but never answers (not Redis, or hung) must not hang the call
  const silent = setTimeout(() => {
    // only while connected and waiting for the answer: when reconnecting, the retries end it (and a
    // disconnect() between two attempts would never emit 'end')
    if (wasReady || redis.status !== 'connect') return;
    lastError ??= new Error(`connected, but no answer to the first command within ${settings.connectTimeoutMs} ms (is it a Redis server?)`);
    redis.disconnect();
  }, settings.connectTimeoutMs).unref();
  redis.once('end', () => clearTimeout(silent));
  redis.on('ready', () => {
    wasReady = true;
    lostAt = null;
    clearTimeout(silent);
    applyRef();
  });
  const ready = Promise.race([
    new Promise<void>((resolve) => {
      if (redis.status === 'ready') resolve();
      else redis.once('ready', () => resolve());
    }),
    ended,
  ]);
  ready.catch(() => {});
  redis.connect().catch(() => {}); // failures arrive through 'end' after the retries
  return {
    redis,
    ready,
    ended,
    setRef: (value) => {
      ref = value;
      applyRef();
    },
    lost,
  };
}

/**
 * Closes a connection without waiting for a server that may be gone: politely (QUIT, at most 1 s)
 * unless `abrupt` (a connection that may be blocked in a BLPOP, which QUIT would wait behind).
 */
export async function closeConnection(connection: ManagedConnection | null | undefined, abrupt = false): Promise<void> {
  if (!connection) return;
  const { redis } = connection;
  if (redis.status === 'end') return;
  connection.setRef(true); // an idle connection is unref'd: the process must wait for its goodbye
  if (redis.status === 'ready' && !abrupt) {
    await Promise.race([redis.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
  redis.disconnect();
}
