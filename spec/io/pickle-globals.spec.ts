/**
 * The safe pickle reader checks every global a pickle names, wherever it is in the stream: inside
 * `_reconstruct`'s arguments, in an array's BUILD state, in dill's `_create_array` arguments, deep in
 * nested lists, or named through memoized STACK_GLOBAL strings. Each is an UnsafePickleError naming
 * the global and the file; nothing runs and the batch keeps its data.
 */
import { afterAll, expect, test } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Blosc from 'numcodecs/blosc';
import { Batch, UnsafePickleError } from '../../src/index.js';
import { cleanup, tempDir } from './helpers.js';

afterAll(cleanup);

const codec = Blosc.fromConfig({ cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 });
const dir = tempDir('bf-pickle-globals-');
const marker = path.join(dir, 'ran');

/** A pickle `{'x': <value>}` from the opcode text of the value (latin1), at `protocol`. */
function pickleOf(value: string, protocol: 2 | 4): Uint8Array {
  const key = protocol === 4 ? '\x8c\x01x' : 'X\x01\x00\x00\x00x';
  return Uint8Array.from(Buffer.from(`\x80${String.fromCharCode(protocol)}}${key}${value}s.`, 'latin1'));
}

const reconstruct = 'cnumpy.core.multiarray\n_reconstruct\n';
const system = 'cposix\nsystem\n';
const command = `X${String.fromCharCode(`touch ${marker}`.length)}\x00\x00\x00touch ${marker}`;

test.each([
  ["as _reconstruct's class argument", `${reconstruct}${system}K\x00\x85U\x01b\x87R`, 2],
  ["called inside _reconstruct's arguments", `${reconstruct}cnumpy\nndarray\n${system}${command}\x85RK\x00\x85U\x01b\x87R`, 2],
  ['in the BUILD state of an array (as its dtype)', `${reconstruct}cnumpy\nndarray\nK\x00\x85U\x01b\x87R(K\x01K\x00\x85${system}\x89U\x00tb`, 2],
  ["in dill's _create_array arguments", `cdill._dill\n_create_array\n(${reconstruct}(${system}K\x00\x85U\x01btNNtR`, 2],
  ['three lists deep', `]]]${system}aaa`, 2],
  [
    'through memoized STACK_GLOBAL strings (protocol 4)',
    '\x8c\x15numpy.core.multiarray\x94\x8c\x0c_reconstruct\x94\x93\x94\x8c\x05posix\x94\x8c\x06system\x94\x93\x94K\x00\x85\x94C\x01b\x94\x87\x94R\x94',
    4,
  ],
] as const)('posix.system %s is an UnsafePickleError naming the global and the file', async (_, value, protocol) => {
  const file = path.join(dir, `${protocol}-${value.length}.blosc`);
  writeFileSync(file, await codec.encode(pickleOf(value, protocol)));
  const batch = new Batch([0]);
  await batch.addComponents(['x'], [['before']]);
  const error = await batch.load({ fmt: 'blosc', src: () => file }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsafePickleError);
  expect((error as UnsafePickleError).global).toBe('posix.system');
  expect((error as UnsafePickleError).file).toBe(file);
  expect((error as Error).message).toContain('posix.system');
  expect(existsSync(marker)).toBe(false);
  expect(batch.getComponent('x')).toEqual(['before']);
});
