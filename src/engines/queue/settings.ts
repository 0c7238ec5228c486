/**
 * Settings of the 'queue' engine and its workers, in one place (`configureQueue`). Reading them never
 * connects to Redis: connections are made when target 'queue' is first used (or a worker starts).
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import type { RedisOptions } from 'ioredis';
import { ArgumentError } from '../../errors.js';

/** Settings of the 'queue' engine (`configureQueue`) and of queue workers (`startQueueWorker`). */
export interface QueueSettings {
  /**
   * The Redis server, as `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). Default:
   * `$BATCHFLOW_REDIS_URL`, else `redis://127.0.0.1:6379`.
   */
  readonly url?: string;
  /** More ioredis connection options (TLS, password, family, …), applied over what `url` says. */
  readonly connection?: RedisOptions;
  /** Prefix of every Redis key the engine and BullMQ write (default `batchflow`). */
  readonly prefix?: string;
  /** The BullMQ queue callers and workers share (default `batchflow-ts`). */
  readonly queueName?: string;
  /**
   * How long a payload, a result and a caller's liveness key live in Redis without the caller
   * renewing them (ms, default 60,000). A caller renews them every third of it while chunks are in
   * flight, so this is how soon the data of a caller that died goes away; workers drop its jobs.
   */
  readonly payloadTtlMs?: number;
  /** How long to try to (re)connect before a call fails with a `QueueConnectionError` (ms, default 5,000). */
  readonly connectTimeoutMs?: number;
  /**
   * Workers: how long a job stays locked to a worker without the worker renewing the lock (ms,
   * default 30,000). A worker that dies releases its jobs this long after, to be run again elsewhere.
   */
  readonly lockDurationMs?: number;
  /** Workers: how often each worker looks for jobs whose worker died (ms, default 30,000). */
  readonly stalledIntervalMs?: number;
  /** Workers: how many times a job may lose its worker before it fails the call (default 3). */
  readonly maxStalledCount?: number;
  /**
   * A directory every worker and the caller see at the same path (shared storage; `/dev/shm/...` when
   * workers run on the calling machine): payloads and results of at least `payloadFileBytes` go through
   * files there instead of through Redis, and only their names travel through Redis. Default:
   * `$BATCHFLOW_QUEUE_DIR`, else null (everything through Redis). A file read is kept by its reader
   * (`bfq-kept-<pid>-…`) to write its next payload over, and removed when its engines close or the
   * worker stops; files of a caller or worker that died are removed by the next caller or worker after
   * twice `payloadTtlMs`.
   */
  readonly payloadDirectory?: string | null;
  /** Payloads of at least this many bytes go through `payloadDirectory` (default 1 MiB). */
  readonly payloadFileBytes?: number;
}

/** Every setting with its value (defaults filled in). */
export type ResolvedQueueSettings = Required<Omit<QueueSettings, 'connection'>> & { readonly connection: RedisOptions };

const defaults = {
  prefix: 'batchflow',
  queueName: 'batchflow-ts',
  payloadTtlMs: 60_000,
  connectTimeoutMs: 5_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  payloadFileBytes: 1024 * 1024,
} as const;

const known = new Set(['url', 'connection', 'payloadDirectory', ...Object.keys(defaults)]);
let current: QueueSettings = {};
const listeners = new Set<() => Promise<void>>();

function positiveInteger(settings: Record<string, unknown>, name: string, minimum: number): void {
  const value = settings[name];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ArgumentError(name, `configureQueue: ${name} must be an integer >= ${minimum}, got ${typeof value === 'number' ? value : typeof value}`);
  }
}

function nonEmptyName(settings: Record<string, unknown>, name: string, forbidden: RegExp, what: string): void {
  const value = settings[name];
  if (value === undefined) return;
  if (typeof value !== 'string' || value === '' || forbidden.test(value)) {
    throw new ArgumentError(name, `configureQueue: ${name} must be a non-empty string without ${what}, got ${JSON.stringify(value)}`);
  }
}

/** Throws an ArgumentError naming the first bad option of `settings`. */
export function assertQueueSettings(settings: unknown): asserts settings is QueueSettings {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new ArgumentError('settings', `configureQueue needs an options object, got ${settings === null ? 'null' : typeof settings}`);
  }
  const record = settings as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!known.has(name)) throw new ArgumentError(name, `configureQueue: unknown option '${name}' (known: ${[...known].join(', ')})`);
  }
  if (record.url !== undefined) parseRedisUrl(record.url, 'url');
  if (record.connection !== undefined && (typeof record.connection !== 'object' || record.connection === null || Array.isArray(record.connection))) {
    throw new ArgumentError('connection', `configureQueue: connection must be an object of ioredis options, got ${typeof record.connection}`);
  }
  nonEmptyName(record, 'prefix', /[\s{}]/, 'spaces or braces');
  nonEmptyName(record, 'queueName', /[\s{}:]/, 'spaces, braces or colons'); // BullMQ's keys are <prefix>:<queueName>:…
  positiveInteger(record, 'payloadTtlMs', 100);
  positiveInteger(record, 'connectTimeoutMs', 1);
  positiveInteger(record, 'lockDurationMs', 100);
  positiveInteger(record, 'stalledIntervalMs', 100);
  positiveInteger(record, 'maxStalledCount', 0);
  positiveInteger(record, 'payloadFileBytes', 1);
  const directory = record.payloadDirectory;
  if (directory !== undefined && directory !== null && (typeof directory !== 'string' || !isAbsolute(directory))) {
    throw new ArgumentError(
      'payloadDirectory',
      `configureQueue: payloadDirectory must be an absolute path (the same on every machine) or null, got ${JSON.stringify(directory)}`,
    );
  }
}

/** Checks a Redis URL and returns it parsed; `argument` names it in the ArgumentError. */
export function parseRedisUrl(url: unknown, argument: string): URL {
  let parsed: URL | null = null;
  if (typeof url === 'string') {
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new ArgumentError(argument, `a Redis URL looks like redis://HOST:PORT (or rediss:// for TLS), got ${JSON.stringify(url)}`);
  }
  return parsed;
}

/**
 * Sets how the 'queue' engine reaches Redis and how its jobs behave. Options not given keep their
 * defaults (a second call replaces the first). The 'queue' engine's open connections are closed, so
 * the next call uses the new settings. Nothing connects here. A bad option is an `ArgumentError`
 * naming it.
 */
export async function configureQueue(settings: QueueSettings): Promise<void> {
  assertQueueSettings(settings);
  current = { ...settings };
  await Promise.all([...listeners].map((listener) => listener()));
}

/** Calls `listener` (which closes what used the old settings) whenever `configureQueue` changes them. */
export function onQueueSettingsChange(listener: () => Promise<void>): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The settings in force: `overrides` over `configureQueue`'s over the defaults (and `$BATCHFLOW_REDIS_URL`). */
export function queueSettings(overrides: QueueSettings = {}): ResolvedQueueSettings {
  assertQueueSettings(overrides);
  const merged = { ...defaults, ...current, ...overrides };
  const url = overrides.url ?? current.url ?? process.env.BATCHFLOW_REDIS_URL ?? 'redis://127.0.0.1:6379';
  parseRedisUrl(url, overrides.url === undefined && current.url === undefined ? 'BATCHFLOW_REDIS_URL' : 'url');
  const chosenDirectory =
    'payloadDirectory' in overrides
      ? overrides.payloadDirectory
      : 'payloadDirectory' in current
        ? current.payloadDirectory
        : process.env.BATCHFLOW_QUEUE_DIR || null;
  if (chosenDirectory) assertQueueSettings({ payloadDirectory: chosenDirectory });
  const payloadDirectory = chosenDirectory ? resolve(chosenDirectory) : null;
  return { ...merged, url, payloadDirectory, connection: { ...current.connection, ...overrides.connection } };
}
