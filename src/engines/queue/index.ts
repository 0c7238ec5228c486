/**
 * The 'queue' engine (BullMQ on Redis): registers target `'queue'` (alias `'q'`) and gathers what the
 * library exports for it. Importing it loads neither BullMQ nor ioredis and connects to nothing.
 * @module
 */
import './queue-engine.js';

export { configureQueue, type QueueSettings } from './settings.js';
export { QueueConnectionError } from './errors.js';
export { createQueueTransport } from './queue-transport.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './queue-worker.js';
