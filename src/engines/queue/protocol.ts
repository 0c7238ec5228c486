/**
 * What callers and queue workers exchange through Redis: the key names, the job's metadata (small:
 * the chunk itself is a binary payload key) and the reply a worker pushes to its caller's result list.
 * Chunks and replies travel as frames (`./frame.ts`): typed arrays stay binary, as their raw bytes.
 * @module
 */
import type { ChunkMessage, ChunkResult } from '../transport/transport.js';
import { decodeFrame, encodeFrame, type Frame } from './frame.js';

/** The Redis keys of one queue (under the settings' prefix and queue name, next to BullMQ's own). */
export interface QueueKeys {
  /** The binary chunk of a job. */
  payload(jobId: string): string;
  /** Exists while the caller is alive (renewed by it); workers drop the jobs of a caller without it. */
  caller(callerId: string): string;
  /** The list a worker pushes the caller's replies to (a large reply: a reference to its reply key). */
  results(callerId: string): string;
  /** The key a large reply of job `jobId` waits in for its caller (read and removed by it). */
  reply(jobId: string): string;
}

/** The key names of queue `queueName` under `prefix`. */
export function queueKeys(prefix: string, queueName: string): QueueKeys {
  const base = `${prefix}:${queueName}:bf`;
  return {
    payload: (jobId) => `${base}:payload:${jobId}`,
    caller: (callerId) => `${base}:caller:${callerId}`,
    results: (callerId) => `${base}:results:${callerId}`,
    reply: (jobId) => `${base}:reply:${jobId}`,
  };
}

/**
 * Replies of at least this many bytes are written to a reply key of their own (`SET`) and only a
 * reference to it is pushed to the result list. Redis copies a list element into its list node on
 * `RPUSH` and out of it again on `BLPOP` (about 17 ms of the server's single thread per 4 MiB here), while
 * a `SET` keeps the received argument as the value and a `GET` writes it out once.
 */
export const replyKeyBytes = 64 * 1024;

const replyKeyMarker = Buffer.from('batchflow-queue-reply:');

/** What a worker pushes to the result list for a reply kept in key `key`. */
export function replyReference(key: string): Buffer {
  return Buffer.concat([replyKeyMarker, Buffer.from(key, 'utf8')]);
}

/** The reply key an element of the result list refers to, or null when the element is the reply itself. */
export function referencedReplyKey(element: Buffer): string | null {
  if (element.length <= replyKeyMarker.length || !element.subarray(0, replyKeyMarker.length).equals(replyKeyMarker)) return null;
  return element.subarray(replyKeyMarker.length).toString('utf8');
}

/** The data of a BullMQ job: where its chunk is and whom to answer (no item data). */
export interface QueueJobData {
  readonly callerId: string;
  readonly payloadKey: string;
  readonly callerKey: string;
  readonly resultsKey: string;
  /** Milliseconds the caller's keys live without renewal: the TTL of the reply. */
  readonly ttlMs: number;
  /** The caller's shared payload directory (large replies go there too), or null. */
  readonly payloadDirectory?: string | null;
  /** Replies of at least this many bytes go through `payloadDirectory`. */
  readonly payloadFileBytes?: number;
  /** Where a large reply goes (`replyKeyBytes`); absent for callers that read every reply from the list. */
  readonly replyKey?: string;
}

/** Why a worker could not run a chunk (its local thread died, the payload could not be read). */
export interface LostChunk {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** A worker's answer for one job. */
export type QueueReply = { readonly jobId: string; readonly result: ChunkResult } | { readonly jobId: string; readonly lost: LostChunk };

/** The binary form of a chunk (its typed arrays are read when the frame is written). */
export function encodeChunk(message: ChunkMessage): Frame {
  return encodeFrame(message);
}

/**
 * A chunk back from its binary form. Its typed arrays are views of `payload` where they can be (when
 * `payload` is memory of its own, such as a payload file read into shared memory), else copies in
 * shared memory: either way a thread reads them where they are, nothing is moved or copied again.
 */
export function decodeChunk(payload: Uint8Array, viewsAllowed = false): ChunkMessage {
  return decodeFrame(payload, { copy: !viewsAllowed, shared: true }) as ChunkMessage;
}

/** The binary form of a reply. */
export function encodeReply(reply: QueueReply): Frame {
  return encodeFrame(reply);
}

/** A reply back from its binary form (its large typed arrays are views of `payload` where aligned). */
export function decodeReply(payload: Uint8Array): QueueReply {
  return decodeFrame(payload, { copy: false, shared: false }) as QueueReply;
}
