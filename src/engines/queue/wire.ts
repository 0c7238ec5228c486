/**
 * Redis commands that carry a frame ({@link Frame}) as one of their arguments, written into their
 * wire form (RESP) in one buffer: the frame's bytes are written there once, and the buffer goes to the
 * socket as it is. ioredis would copy a Buffer argument into the command's own buffer, and a pipeline
 * would concatenate its commands again: two more copies of every payload byte. The wire buffers are
 * reused once their command is answered (all its bytes were written by then): fresh memory costs a
 * page fault per page on first write, which on small virtual machines is slower than the copy itself.
 * @module
 */
import type { Command as RedisCommand, Redis } from 'ioredis';
import type { Frame } from './frame.js';

type CommandConstructor = new (name: string, args: ReadonlyArray<string | Buffer>) => RedisCommand;
let preparedCommand: (new (name: string, args: readonly string[], wire: Buffer) => RedisCommand) | null = null;

/** Loads ioredis's command class (once); called before {@link sendFramed}. */
export async function loadWire(): Promise<void> {
  if (preparedCommand) return;
  const { Command } = (await import('ioredis')) as unknown as { Command: CommandConstructor };
  preparedCommand = class PreparedCommand extends Command {
    constructor(
      name: string,
      args: readonly string[],
      private readonly wire: Buffer,
    ) {
      super(name, args);
    }

    override toWritable(): Buffer {
      return this.wire;
    }
  };
}

/** Wire buffers free for reuse, smallest first; dropped when none was taken for {@link idleMs}. */
const free: Buffer[] = [];
const keptBuffers = 8;
const idleMs = 2000;
let idleTimer: NodeJS.Timeout | null = null;

/** A buffer of at least `byteLength` bytes: the smallest free one that fits, or a new one. */
function takeBuffer(byteLength: number): Buffer {
  if (byteLength < 64 * 1024) return Buffer.allocUnsafe(byteLength);
  const index = free.findIndex((buffer) => buffer.length >= byteLength);
  if (index >= 0) return free.splice(index, 1)[0]!;
  return Buffer.allocUnsafeSlow(Math.ceil(byteLength / 65536) * 65536);
}

/** Gives `buffer` back for reuse (the largest ones are kept). */
function giveBack(buffer: Buffer): void {
  if (buffer.length < 64 * 1024) return;
  free.push(buffer);
  free.sort((a, b) => a.length - b.length);
  if (free.length > keptBuffers) free.shift();
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    free.length = 0;
    idleTimer = null;
  }, idleMs).unref();
}

/** The RESP header of a bulk string of `length` bytes. */
function bulkHeader(length: number): string {
  return `$${length}\r\n`;
}

/**
 * Sends `name` with `args` to `redis` (its first `keyCount` arguments are keys: the connection's
 * `keyPrefix` goes before them) and resolves with the reply. The command is written at once, so
 * commands sent after it on the same connection run after it.
 */
export function sendFramed(redis: Redis, name: string, keyCount: number, args: ReadonlyArray<string | Frame>): Promise<unknown> {
  if (!preparedCommand) throw new Error('sendFramed before loadWire');
  const prefix = typeof redis.options.keyPrefix === 'string' ? redis.options.keyPrefix : '';
  const texts = args.map((arg, k) => (typeof arg === 'string' ? Buffer.from(k < keyCount ? prefix + arg : arg, 'utf8') : null));
  const start = `*${args.length + 1}\r\n${bulkHeader(Buffer.byteLength(name))}${name}\r\n`;
  const lengths = args.map((arg, k) => (typeof arg === 'string' ? texts[k]!.length : arg.byteLength));
  const byteLength = lengths.reduce((sum, length) => sum + bulkHeader(length).length + length + 2, Buffer.byteLength(start));
  const buffer = takeBuffer(byteLength);
  const wire = buffer.length === byteLength ? buffer : buffer.subarray(0, byteLength);
  let at = wire.write(start, 0);
  args.forEach((arg, k) => {
    at += wire.write(bulkHeader(lengths[k]!), at);
    const text = texts[k];
    if (text) text.copy(wire, at);
    else (arg as Frame).writeTo(wire, at);
    at += lengths[k]!;
    at += wire.write('\r\n', at);
  });
  const shown = args.map((arg) => (typeof arg === 'string' ? arg : `<${arg.byteLength} bytes>`));
  const sent = redis.sendCommand(new preparedCommand(name, shown, wire)) as Promise<unknown>;
  // answered (or failed for good): the socket has no more use for the bytes
  void sent.then(
    () => giveBack(buffer),
    () => {},
  );
  return sent;
}
