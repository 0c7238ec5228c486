/**
 * Redis commands that carry a frame ({@link Frame}) as one of their arguments, written to the socket
 * in their wire form (RESP) without copying the frame: the command's small parts (its name, key and
 * other arguments, the bulk headers, the frame's header and structure) are gathered into small
 * buffers, and the frame's large typed arrays are written as they are, views of their own memory,
 * all in one corked write (one `writev`). ioredis would copy a Buffer argument into the command's own
 * buffer, and a pipeline would concatenate its commands again; a wire buffer of our own would still be
 * one more copy of every payload byte (and, when fresh, one page fault per 4 KiB page).
 * @module
 */
import type { Command as RedisCommand, Redis } from 'ioredis';
import type { Frame } from './frame.js';

/** What a prepared command writes to: the connection's socket. */
interface WireSocket {
  write(chunk: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
}

type CommandConstructor = new (name: string, args: ReadonlyArray<string | Buffer>) => RedisCommand;
let preparedCommand: (new (name: string, args: readonly string[], wire: readonly Buffer[]) => RedisCommand) | null = null;

/** Loads ioredis's command class (once); called before {@link sendFramed}. */
export async function loadWire(): Promise<void> {
  if (preparedCommand) return;
  const { Command } = (await import('ioredis')) as unknown as { Command: CommandConstructor };
  preparedCommand = class PreparedCommand extends Command {
    constructor(
      name: string,
      args: readonly string[],
      private readonly wire: readonly Buffer[],
    ) {
      super(name, args);
    }

    /**
     * ioredis writes what this returns to `socket` right away: the pieces before the last are written
     * here first, corked with it into one `writev` (a command resent after a reconnection is written
     * again the same way).
     */
    override toWritable(socket: object): Buffer {
      const wire = this.wire;
      if (wire.length === 1) return wire[0]!;
      const stream = socket as WireSocket;
      stream.cork();
      for (let k = 0; k < wire.length - 1; k++) stream.write(wire[k]!);
      process.nextTick(() => stream.uncork());
      return wire[wire.length - 1]!;
    }
  };
}

/** Pieces of at least this many bytes are written as they are; smaller ones are gathered into one buffer. */
const directBytes = 16 * 1024;

/** The RESP header of a bulk string of `length` bytes. */
function bulkHeader(length: number): string {
  return `$${length}\r\n`;
}

/** Collects a command's wire pieces: small ones into shared buffers, large ones as they are. */
class WirePieces {
  readonly pieces: Buffer[] = [];
  private small: Uint8Array[] = [];
  private smallBytes = 0;

  text(text: string): void {
    this.bytes(Buffer.from(text, 'utf8'));
  }

  bytes(bytes: Uint8Array): void {
    if (bytes.byteLength >= directBytes) {
      this.flush();
      this.pieces.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else if (bytes.byteLength > 0) {
      this.small.push(bytes);
      this.smallBytes += bytes.byteLength;
    }
  }

  /** The pieces, the last one a buffer of the command's own. */
  finish(): Buffer[] {
    this.flush();
    return this.pieces;
  }

  private flush(): void {
    if (this.small.length === 0) return;
    this.pieces.push(Buffer.concat(this.small, this.smallBytes));
    this.small = [];
    this.smallBytes = 0;
  }
}

/**
 * Sends `name` with `args` to `redis` (its first `keyCount` arguments are keys: the connection's
 * `keyPrefix` goes before them) and resolves with the reply. The command is written at once, so
 * commands sent after it on the same connection run after it. The frames' typed arrays must keep their
 * values until the command is answered (the socket may still be sending them until then).
 */
export function sendFramed(redis: Redis, name: string, keyCount: number, args: ReadonlyArray<string | Frame>): Promise<unknown> {
  if (!preparedCommand) throw new Error('sendFramed before loadWire');
  const prefix = typeof redis.options.keyPrefix === 'string' ? redis.options.keyPrefix : '';
  const wire = new WirePieces();
  wire.text(`*${args.length + 1}\r\n${bulkHeader(Buffer.byteLength(name))}${name}\r\n`);
  args.forEach((arg, k) => {
    if (typeof arg === 'string') {
      const text = Buffer.from(k < keyCount ? prefix + arg : arg, 'utf8');
      wire.text(bulkHeader(text.length));
      wire.bytes(text);
    } else {
      wire.text(bulkHeader(arg.byteLength));
      for (const piece of arg.pieces()) wire.bytes(piece);
    }
    wire.text('\r\n');
  });
  const shown = args.map((arg) => (typeof arg === 'string' ? arg : `<${arg.byteLength} bytes>`));
  return redis.sendCommand(new preparedCommand(name, shown, wire.finish())) as Promise<unknown>;
}
