/**
 * Redis commands that carry a frame ({@link Frame}) as one of their arguments, written into their
 * wire form (RESP) in one buffer: the frame's bytes are written there once, and the buffer goes to the
 * socket as it is. ioredis would copy a Buffer argument into the command's own buffer, and a pipeline
 * would concatenate its commands again: two more copies of every payload byte.
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
  const wire = Buffer.allocUnsafe(byteLength);
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
  return redis.sendCommand(new preparedCommand(name, shown, wire)) as Promise<unknown>;
}
