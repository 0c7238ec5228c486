/**
 * A throwaway local `redis-server` for the cluster example, the tests and the bench: a free loopback
 * port, persistence off, stopped by `stop()`. When the server is not installed, `startRedisServer`
 * installs it with apt-get if asked to and this process is root (CI machines); otherwise its error
 * says how to install it.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A running test Redis server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server process (to kill it in a fault test). */
  readonly process: ChildProcess;
  /** Stops the server (SIGKILL: nothing to save) and waits until it is gone. */
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now (bound once by the OS with port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  return result.status === 0;
}

/** What to do when `redis-server` is not installed. */
export interface RedisServerOptions {
  /** Install it with apt-get when this process is root (default false: fail and say how to install it). */
  readonly install?: boolean;
}

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Makes sure `redis-server` can be started: installs it with apt-get when asked and root, else says how. */
export function ensureRedisServer(options: RedisServerOptions = {}): void {
  if (hasRedisServer()) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (options.install === true && root && apt) {
    if (!run('apt-get', ['install', '-y', 'redis-server'])) {
      run('apt-get', ['update']);
      run('apt-get', ['install', '-y', 'redis-server']);
    }
    if (hasRedisServer()) return;
  }
  throw new Error(
    "the 'queue' engine needs a real redis-server (version 6.2 or newer), which is not installed: " +
      'install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), `brew install redis` (macOS), ' +
      'or put a redis-server binary on PATH, then run this again',
  );
}

/** Resolves once `PING` on `port` answers `+PONG` (or rejects after `timeoutMs`). */
async function waitForPing(port: number, timeoutMs: number, exited: () => string | null): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      let reply = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(reply.startsWith('+PONG')));
      socket.on('data', (data: Buffer) => {
        reply += data.toString();
        if (reply.includes('\r\n')) socket.end();
      });
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
    if (pong) return;
    const exit = exited();
    if (exit !== null) throw new Error(`redis-server exited before answering PING: ${exit}`);
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `redis-server` on a free loopback port with persistence off and waits until it answers. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  ensureRedisServer(options);
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: string | null = null;
  child.stdout!.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-4000)));
  child.stderr!.on('data', (data: Buffer) => (output = (output + data.toString()).slice(-4000)));
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `code ${code}, signal ${signal}; ${output}`;
      resolve();
    }),
  );
  try {
    await waitForPing(port, 10_000, () => exit);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (exit === null) child.kill('SIGKILL');
      await gone;
    },
  };
}
