/**
 * The typed error of the 'queue' engine: Redis could not be reached, or went away during a call.
 * @module
 */
import { BatchflowError } from '../../errors.js';

/**
 * The 'queue' engine could not reach its Redis server (nothing listening, wrong address, refused
 * credentials) within `connectTimeoutMs`, or lost it during a call. `url` names the server (without
 * its password); `cause` is the last connection error.
 */
export class QueueConnectionError extends BatchflowError {
  override name = 'QueueConnectionError';
  /** The Redis server, as configured (password hidden). */
  readonly url: string;
  /** What happened, worded to follow the URL (for example `cannot be reached (…)`). */
  readonly reason: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(`queue: Redis at ${url} ${reason}. Start redis-server there, or point configureQueue({ url }) / $BATCHFLOW_REDIS_URL at a running one`, options);
    this.url = url;
    this.reason = reason;
  }
}
