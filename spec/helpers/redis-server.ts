/**
 * A real, throwaway `redis-server` for tests (the example's helper): a free loopback port, persistence
 * off. When the server is not installed it is installed with apt-get if this process is root (CI
 * machines), otherwise the error says how to install it: the tests never skip.
 */
import { startRedisServer as startServer, type RedisServer } from '../../examples/support/redis-server.js';

export { freePort, type RedisServer } from '../../examples/support/redis-server.js';

/** Starts a test `redis-server` (installed first when missing and this process is root). */
export function startRedisServer(): Promise<RedisServer> {
  return startServer({ install: true });
}
