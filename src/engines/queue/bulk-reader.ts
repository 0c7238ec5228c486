/**
 * A second connection per process for the queue's large values (chunk payloads, replies): a plain
 * socket that reads into one reused 64 KiB buffer and copies each `GET` reply straight into memory
 * its caller gives (a reused shared slot). The Redis client joins every reply that spans several
 * socket reads into memory of its own first, which costs a copy and, for values of megabytes, fresh
 * pages and garbage collection in every process that receives them.
 *
 * It speaks only what it needs of RESP2 (`AUTH`, `SELECT`, `GET`) and only for plain `redis://` URLs
 * with no extra connection options; {@link readValue} falls back to the client otherwise, and when
 * this connection fails, so that reconnecting, timeouts and errors stay the client's.
 * @module
 */
import { connect, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import type { ReplyMemory } from '../engine.js';
import { redisEndpoint } from './connection.js';
import type { ResolvedQueueSettings } from './settings.js';

/** Values of at least this many bytes are read into the memory the caller gives; smaller ones into fresh memory. */
const largeValueBytes = 64 * 1024;
/** The connection's name in the server's `CLIENT LIST`. */
export const bulkClientName = 'batchflow-ts:bulk';
/** The one buffer every socket read goes into. */
const readBufferBytes = 64 * 1024;
const CR = 0x0d;
const LF = 0x0a;

/** One command waiting for its answer. */
interface Request {
  /** Where a large bulk answer goes (GET); undefined for commands answered `+OK`. */
  readonly memory: ReplyMemory | undefined;
  resolve(value: Buffer | null): void;
  reject(error: Error): void;
}

/** The bulk string being received: its bytes so far, and how many (with the final CRLF) are still to come. */
interface Body {
  readonly target: Uint8Array;
  filled: number;
  remaining: number;
}

/** A RESP command as bytes: `*<n>` then each argument as a bulk string. */
function command(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/** See the module comment. */
export class BulkReader {
  private readonly requests: Request[] = [];
  /** The header line being received (up to its CRLF). */
  private line: number[] = [];
  private body: Body | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {}

  /**
   * Opens the connection (with `AUTH` and `SELECT` as the URL says), or resolves null when the settings
   * need more than this reader speaks (TLS, extra connection options) or the server cannot be reached
   * within `connectTimeoutMs`: the client then reads every value.
   */
  static async open(settings: ResolvedQueueSettings): Promise<BulkReader | null> {
    if (!BulkReader.speaks(settings)) return null;
    const { host, port, username, password, db } = redisEndpoint(settings);
    let reader: BulkReader | null = null;
    const socket = connect({
      host,
      port,
      onread: {
        buffer: Buffer.allocUnsafe(readBufferBytes),
        callback: (count: number, buffer: Uint8Array): boolean => {
          reader?.receive(buffer, count);
          return true;
        },
      },
      noDelay: true,
    });
    // neither the connecting socket nor its timer keeps the process alive (a reader opened again in the
    // background must not hold up a script's exit); commands waiting for answers do (see settleRef)
    socket.unref();
    reader = new BulkReader(socket);
    const opened = reader;
    socket.on('error', (error) => opened.fail(error));
    socket.on('close', () => opened.fail(new Error('the connection closed')));
    const timer = setTimeout(() => socket.destroy(new Error(`no connection within ${settings.connectTimeoutMs} ms`)), settings.connectTimeoutMs).unref();
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
        socket.once('close', () => reject(new Error('the connection closed')));
      });
      const handshake: Array<Promise<unknown>> = [];
      if (password !== undefined) handshake.push(opened.send(['AUTH', ...(username === undefined ? [] : [username]), password], undefined));
      if (db !== undefined) handshake.push(opened.send(['SELECT', String(db)], undefined));
      // named for CLIENT LIST (a server that refuses the name still serves the reads)
      handshake.push(opened.send(['CLIENT', 'SETNAME', bulkClientName], undefined).catch(() => null));
      await Promise.all(handshake);
      return opened;
    } catch {
      opened.close();
      return null;
    } finally {
      clearTimeout(timer);
      opened.settleRef();
    }
  }

  /** True when the settings need nothing this reader does not speak: a plain `redis://` URL and no extra connection options. */
  static speaks(settings: ResolvedQueueSettings): boolean {
    return !redisEndpoint(settings).tls && Object.keys(settings.connection).length === 0;
  }

  /** False once the connection failed or was closed. */
  get usable(): boolean {
    return this.failure === null;
  }

  /**
   * The value of `key`, or null when it does not exist. A value of 64 KiB or more is read into the
   * memory `memory` gives for its size (when it gives enough), else into fresh memory.
   */
  get(key: string, memory?: ReplyMemory): Promise<Buffer | null> {
    return this.send(['GET', key], memory ?? (() => null));
  }

  /** Ends the connection; commands waiting fail. */
  close(): void {
    this.fail(new Error('the connection was closed'));
    this.socket.destroy();
  }

  private send(args: readonly string[], memory: ReplyMemory | undefined): Promise<Buffer | null> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.requests.push({ memory, resolve, reject });
      this.settleRef();
      this.socket.write(command(args));
    });
  }

  /** The socket keeps the process alive only while answers are awaited. */
  private settleRef(): void {
    if (this.requests.length > 0) this.socket.ref();
    else this.socket.unref();
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const request of this.requests.splice(0)) request.reject(error);
    this.socket.destroy();
  }

  /** Consumes `count` bytes of `buffer` (the reused read buffer: nothing may keep a view of it). */
  private receive(buffer: Uint8Array, count: number): void {
    let at = 0;
    try {
      while (at < count && this.failure === null) {
        if (this.body !== null) at = this.fillBody(buffer, at, count);
        else at = this.readLine(buffer, at, count);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private fillBody(buffer: Uint8Array, at: number, count: number): number {
    const body = this.body!;
    const take = Math.min(body.remaining, count - at);
    // the last two bytes are the CRLF after the value
    const valueBytes = Math.max(0, Math.min(take, body.remaining - 2));
    if (valueBytes > 0) body.target.set(buffer.subarray(at, at + valueBytes), body.filled);
    body.filled += valueBytes;
    body.remaining -= take;
    if (body.remaining === 0) {
      this.body = null;
      const length = body.filled;
      this.answer(Buffer.from(body.target.buffer, body.target.byteOffset, length));
    }
    return at + take;
  }

  private readLine(buffer: Uint8Array, at: number, count: number): number {
    let end = at;
    while (end < count && buffer[end] !== LF) end++;
    for (let k = at; k < end; k++) this.line.push(buffer[k]!);
    if (end === count) {
      if (this.line.length > 1024) throw new Error('a reply line longer than 1 KiB: not a Redis server?');
      return count;
    }
    const line = this.line;
    this.line = [];
    if (line[line.length - 1] === CR) line.pop();
    this.header(Buffer.from(line).toString('latin1'));
    return end + 1;
  }

  /** A header line: `+OK`, `-ERR …`, `$<length>` (a value follows) or `$-1` (none). */
  private header(text: string): void {
    const kind = text[0];
    if (kind === '+') return this.answer(null);
    if (kind === '-') {
      const request = this.requests.shift();
      this.settleRef();
      return request?.reject(new Error(`Redis answered: ${text.slice(1)}`));
    }
    const length = kind === '$' ? Number(text.slice(1)) : Number.NaN;
    if (!Number.isSafeInteger(length) || length < -1) throw new Error(`an unexpected reply line ${JSON.stringify(text.slice(0, 80))}`);
    if (length === -1) return this.answer(null);
    const request = this.requests[0];
    if (request === undefined) throw new Error('a value no command asked for');
    const given = length >= largeValueBytes ? request.memory?.(length) : null;
    const target = given !== null && given !== undefined && given.byteLength >= length ? given : Buffer.allocUnsafe(length);
    // answered once the value and its CRLF are in (an empty value too)
    this.body = { target, filled: 0, remaining: length + 2 };
  }

  private answer(value: Buffer | null): void {
    const request = this.requests.shift();
    if (request === undefined) throw new Error('an answer no command asked for');
    this.settleRef();
    request.resolve(value);
  }
}

/** Pause between attempts to open a bulk reader again after its connection failed. */
const reopenDelayMs = 5_000;

/**
 * The bulk reader of a process's queue connections: opened with them, and opened again in the
 * background (at most every 5 s) after its connection failed, for as long as it is not closed.
 * Meanwhile {@link current} is null and values are read by the client.
 */
export class BulkReaders {
  private reader: BulkReader | null = null;
  private opening: Promise<void> | null = null;
  private lastAttempt = 0;
  private closed = false;

  constructor(private readonly settings: ResolvedQueueSettings) {}

  /** Opens the first reader (resolves either way: without one, the client reads). */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** The reader to use now, or null (the client reads). */
  current(): BulkReader | null {
    if (this.reader?.usable === true) return this.reader;
    if (!this.closed && this.opening === null && BulkReader.speaks(this.settings) && Date.now() - this.lastAttempt >= reopenDelayMs) {
      void this.attempt();
    }
    return null;
  }

  /** Closes the reader; none is opened again. */
  close(): void {
    this.closed = true;
    this.reader?.close();
    this.reader = null;
  }

  private attempt(): Promise<void> {
    this.lastAttempt = Date.now();
    this.opening ??= (async () => {
      try {
        const reader = await BulkReader.open(this.settings);
        if (this.closed) reader?.close();
        else this.reader = reader;
      } finally {
        this.opening = null;
      }
    })();
    return this.opening;
  }
}

/**
 * The value of `key` read by `bulk` when it is usable, else (or when it fails) by the client `redis`,
 * whose reconnects, retries and errors then apply. See {@link BulkReader.get} for `memory`.
 */
export async function readValue(bulk: BulkReader | null, redis: Redis, key: string, memory?: ReplyMemory): Promise<Buffer | null> {
  if (bulk?.usable === true) {
    try {
      return await bulk.get(key, memory);
    } catch {
      // the plain socket failed (the server went away, or answered with an error): the client says what
    }
  }
  return redis.getBuffer(key);
}
