/**
 * The queue's plain-socket reader of large values, against a real redis-server: values of 64 KiB or
 * more land in the memory the caller gives, smaller ones in fresh memory; answers come back in order;
 * it authenticates and selects the database the URL names; it refuses what it does not speak (so the
 * client reads instead), and a server that goes away fails its reads and makes `readValue` use the client.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { BulkReader, BulkReaders, bulkClientName, readValue } from '../../../src/engines/queue/bulk-reader.js';
import { queueSettings } from '../../../src/engines/queue/settings.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  client = new Redis({ host: '127.0.0.1', port: server.port });
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await server?.stop();
}, 30_000);

/** `bytes` bytes of a pattern that differs from one position to the next and between seeds. */
function pattern(bytes: number, seed: number): Buffer {
  const value = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) value[i] = (i * 31 + seed * 7 + (i >> 11)) & 0xff;
  return value;
}

async function openReader(url = server.url): Promise<BulkReader> {
  const reader = await BulkReader.open(queueSettings({ url, connectTimeoutMs: 2_000 }));
  expect(reader).not.toBeNull();
  return reader!;
}

describe('BulkReader', () => {
  test('reads a value of megabytes into the memory it is given, byte for byte', async () => {
    const value = pattern(5 * 1024 * 1024 + 13, 1);
    await client.set('bulk:large', value);
    const reader = await openReader();
    const slot = new Uint8Array(new SharedArrayBuffer(8 * 1024 * 1024));
    const asked: number[] = [];
    const read = await reader.get('bulk:large', (bytes) => {
      asked.push(bytes);
      return slot;
    });
    reader.close();
    expect(asked).toEqual([value.length]);
    expect(read!.buffer).toBe(slot.buffer);
    expect(read!.length).toBe(value.length);
    expect(read!.equals(value)).toBe(true);
  });

  test('reads small values, empty values and missing keys without asking for memory, in the order asked', async () => {
    const values = [pattern(100, 2), Buffer.alloc(0), pattern(70 * 1024, 3), pattern(3, 4)];
    await Promise.all(values.map((value, k) => client.set(`bulk:mixed:${k}`, value)));
    const reader = await openReader();
    const asked: number[] = [];
    const memory = (bytes: number): Uint8Array => {
      asked.push(bytes);
      return new Uint8Array(bytes);
    };
    const keys = ['bulk:mixed:0', 'bulk:missing', 'bulk:mixed:1', 'bulk:mixed:2', 'bulk:mixed:3'];
    const read = await Promise.all(keys.map((key) => reader.get(key, memory)));
    reader.close();
    expect(read[1]).toBeNull();
    expect([read[0], read[2], read[3], read[4]].map((value) => value!.toString('hex'))).toEqual(values.map((value) => value.toString('hex')));
    // only the value of 64 KiB or more asked for memory
    expect(asked).toEqual([70 * 1024]);
  });

  test('memory that is too small is not used: the value gets memory of its own', async () => {
    const value = pattern(200 * 1024, 5);
    await client.set('bulk:too-small', value);
    const reader = await openReader();
    const small = new Uint8Array(1024);
    const read = await reader.get('bulk:too-small', () => small);
    reader.close();
    expect(read!.buffer).not.toBe(small.buffer);
    expect(read!.equals(value)).toBe(true);
  });

  test('an error answer fails that read only; the next one is answered', async () => {
    await client.rpush('bulk:a-list', 'x');
    await client.set('bulk:after', 'fine');
    const reader = await openReader();
    const [wrong, after] = await Promise.allSettled([reader.get('bulk:a-list'), reader.get('bulk:after')]);
    expect(reader.usable).toBe(true);
    reader.close();
    expect(wrong.status).toBe('rejected');
    expect(String((wrong as PromiseRejectedResult).reason)).toMatch(/Redis answered: WRONGTYPE/);
    expect(after.status === 'fulfilled' && after.value?.toString()).toBe('fine');
  });

  test('authenticates and selects the database the URL names; a wrong password or a TLS URL gives no reader', async () => {
    const other = await startRedisServer();
    try {
      const admin = new Redis({ host: '127.0.0.1', port: other.port });
      await admin.select(3);
      await admin.set('bulk:in-db-3', 'three');
      await admin.config('SET', 'requirepass', 's3cret:/@');
      admin.disconnect();
      const password = encodeURIComponent('s3cret:/@');
      const reader = await openReader(`redis://:${password}@127.0.0.1:${other.port}/3`);
      expect((await reader.get('bulk:in-db-3'))?.toString()).toBe('three');
      reader.close();
      const wrong = await BulkReader.open(queueSettings({ url: `redis://:nope@127.0.0.1:${other.port}/3`, connectTimeoutMs: 2_000 }));
      expect(wrong).toBeNull();
      const tls = await BulkReader.open(queueSettings({ url: `rediss://127.0.0.1:${other.port}`, connectTimeoutMs: 2_000 }));
      expect(tls).toBeNull();
      const withOptions = await BulkReader.open(queueSettings({ url: `redis://127.0.0.1:${other.port}`, connection: { family: 4 }, connectTimeoutMs: 2_000 }));
      expect(withOptions).toBeNull();
    } finally {
      await other.stop();
    }
  }, 60_000);

  test('a server that goes away fails the reads waiting and leaves the reader unusable; readValue then asks the client', async () => {
    const other = await startRedisServer();
    const otherClient = new Redis({ host: '127.0.0.1', port: other.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    otherClient.on('error', () => {});
    try {
      await otherClient.set('bulk:gone', pattern(3 * 1024 * 1024, 6));
      const reader = await openReader(other.url);
      // a script that keeps the server busy (it serves nobody else meanwhile), so the read waits while the server is killed
      const blocker = new Redis({ host: '127.0.0.1', port: other.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
      blocker.on('error', () => {});
      const busy = blocker.eval('local n = 0 for i = 1, 2000000000 do n = n + i end return 1', 0).catch(() => 'ended');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const failed = (promise: Promise<unknown>): Promise<boolean> =>
        promise.then(
          () => false,
          () => true,
        );
      const waiting = failed(reader.get('bulk:gone'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.stop();
      expect(await busy).toBe('ended');
      expect(await waiting).toBe(true);
      expect(reader.usable).toBe(false);
      expect(await failed(reader.get('bulk:gone'))).toBe(true);
      // readValue falls back to the client, whose error (the server is gone) is the one the caller gets
      const fallback = await readValue(reader, otherClient, 'bulk:gone').then(
        () => 'read',
        (error: unknown) => String((error as { message?: unknown }).message),
      );
      expect(fallback).toMatch(/Connection is closed|ECONNRESET|ECONNREFUSED|max retries|Stream isn't writeable/i);
      blocker.disconnect();
    } finally {
      otherClient.disconnect();
      await other.stop();
    }
  }, 60_000);

  test('BulkReaders opens a new reader in the background (at most every 5 s) after the server dropped the connection; meanwhile none is offered', async () => {
    const readers = new BulkReaders(queueSettings({ url: server.url, connectTimeoutMs: 2_000 }));
    await readers.start();
    const first = readers.current();
    expect(first).not.toBeNull();
    await client.set('bulk:again', 'again');
    const listed = String(await client.client('LIST'))
      .split('\n')
      .filter((line) => line.includes(`name=${bulkClientName}`));
    for (const line of listed) await client.client('KILL', 'ID', /id=(\d+)/.exec(line)![1]!);
    const until = Date.now() + 10_000;
    while (first!.usable && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first!.usable).toBe(false);
    // the last attempt (the start) was under 5 s ago: the client reads for now
    expect(readers.current()).toBeNull();
    let again: BulkReader | null = null;
    while (again === null && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = readers.current();
    }
    expect(again).not.toBeNull();
    expect(again).not.toBe(first);
    expect((await again!.get('bulk:again'))?.toString()).toBe('again');
    readers.close();
    expect(readers.current()).toBeNull();
  }, 30_000);

  test('readValue without a reader reads with the client', async () => {
    await client.set('bulk:client', 'by the client');
    expect((await readValue(null, client, 'bulk:client'))?.toString()).toBe('by the client');
  });
});
