// The worker of the engine bench's reference: tinypool used directly, x + 1 over one chunk of a
// Float64Array, the buffer moved back on worker threads (child processes copy it through IPC).
import { isMainThread } from 'node:worker_threads';
import { Tinypool } from 'tinypool';

export default function addOneChunk(data) {
  for (let i = 0; i < data.length; i++) data[i] += 1;
  return isMainThread ? data : Tinypool.move(data);
}
