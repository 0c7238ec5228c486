/**
 * The progress bar on a terminal while actions print: log lines appear whole above the bar, the bar
 * shows epoch, rates and elapsed time, and the run leaves the cursor on a fresh line below the bar.
 * The terminal is a fake TTY stream; the bytes it receives are replayed on a tiny terminal model.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { ArgumentError, B, Dataset } from '../../src/index.js';
import { ImagesBatch, imagesData } from './fixtures/batches.js';

/** A writable that says it is a terminal of `columns` columns and keeps every byte written to it. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 120;
  output = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.output += String(chunk);
    done();
  }
  /** Synchronous capture: console output and the bar interleave in write order. */
  override write(chunk: unknown): boolean {
    this.output += String(chunk);
    return true;
  }
}

/** Replays terminal output (text, \r, \n, ESC[K, ESC 7/8, cursor moves) and returns the screen and cursor. */
function replay(bytes: string): { lines: string[]; row: number; col: number } {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  let saved: [number, number] = [0, 0];
  const put = (ch: string): void => {
    while (lines.length <= row) lines.push('');
    const line = lines[row]!.padEnd(col, ' ');
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i]!;
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      while (lines.length <= row) lines.push('');
    } else if (ch === '\x1b') {
      const rest = bytes.slice(i + 1);
      if (rest[0] === '7') {
        saved = [row, col];
        i += 1;
        continue;
      }
      if (rest[0] === '8') {
        [row, col] = saved;
        i += 1;
        continue;
      }
      const csi = /^\[(\??)(\d*)([A-Za-z])/.exec(rest);
      if (!csi) throw new Error(`unexpected escape at ${i}: ${JSON.stringify(rest.slice(0, 8))}`);
      i += csi[0].length;
      const n = csi[2] === '' ? 1 : Number(csi[2]);
      if (csi[1] === '?') continue; // cursor visibility, line wrapping
      if (csi[3] === 'K') lines[row] = (lines[row] ?? '').slice(0, csi[2] === '2' ? 0 : col);
      else if (csi[3] === 'A') row = Math.max(0, row - n);
      else if (csi[3] === 'B') row += n;
      else if (csi[3] === 'C') col += n;
      else if (csi[3] === 'D') col = Math.max(0, col - n);
      else if (csi[3] === 'G') col = n - 1;
    } else put(ch);
  }
  return { lines, row, col };
}

const imagesDataset = (n = 10): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

afterEach(() => {
  jest.restoreAllMocks();
});

describe('bar: { stream } on a terminal while the run prints', () => {
  test('each logged line is whole on its own line above the bar; the output ends below the final bar', async () => {
    const terminal = new FakeTerminal();
    // the program's console writes to the same terminal as the bar
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void terminal.write(`${args.join(' ')}\n`));
    const logged: string[] = [];
    const say = (size: number): void => {
      const text = `batch of ${size} items number ${logged.length}`;
      logged.push(text);
      console.log(text);
    };
    const pipeline = imagesDataset(10).p.call(say, B('size')).print('printed', B('size'));
    await pipeline.run({ batchSize: 3, nEpochs: 2, bar: { stream: terminal } });

    expect(terminal.output.endsWith('\n')).toBe(true);
    const screen = replay(terminal.output);
    expect(screen.col).toBe(0); // the cursor is at the start of a fresh line…
    expect(screen.lines[screen.row]).toBe(''); // …which is empty (the shell prompt overwrites nothing)
    const visible = screen.lines.slice(0, screen.row);
    const bar = visible[visible.length - 1]!;
    const above = visible.slice(0, -1);
    expect(above.filter((line) => line.startsWith('batch of'))).toEqual(logged);
    expect(above.filter((line) => line.startsWith('printed'))).toHaveLength(7);
    for (const line of above) expect(line).toMatch(/^(batch of \d+ items number \d+|printed \d+)$/); // nothing glued to a log line
    expect(above).toHaveLength(14);
    // the final bar: epoch, count, rates, elapsed time
    expect(bar).toMatch(/epoch 2\/2/);
    expect(bar).toMatch(/ 7\/7 /);
    expect(bar).toMatch(/[\d.]+ batches\/s/);
    expect(bar).toMatch(/[\d.]+ items\/s/);
    expect(bar).toMatch(/\d+s elapsed/);
  });

  test('the bar shows the epoch during the run', async () => {
    const terminal = new FakeTerminal();
    const epochs: string[] = [];
    const seeEpoch = (): void => {
      const current = replay(terminal.output);
      epochs.push(/epoch \d\/\d/.exec(current.lines[current.row] ?? '')?.[0] ?? 'none');
    };
    await imagesDataset(4)
      .p.call(seeEpoch)
      .run({ batchSize: 2, nEpochs: 2, bar: { stream: terminal } });
    // before batch k runs, the bar shows the batches yielded so far
    expect(epochs).toEqual(['epoch 1/2', 'epoch 1/2', 'epoch 1/2', 'epoch 2/2']);
  });

  test('a stream that is not a terminal gets nothing; a bad bar option is an ArgumentError', async () => {
    const terminal = new FakeTerminal();
    Object.defineProperty(terminal, 'isTTY', { value: false });
    await imagesDataset().p.run({ batchSize: 5, bar: { stream: terminal } });
    expect(terminal.output).toBe('');
    await expect(imagesDataset().p.run({ batchSize: 5, bar: { strem: terminal } as never })).rejects.toThrow(ArgumentError);
    await expect(imagesDataset().p.run({ batchSize: 5, bar: { strem: terminal } as never })).rejects.toThrow(/^bar: unknown option 'strem'/);
  });

  test('console methods are back to normal after the run', async () => {
    const before = console.log;
    await imagesDataset().p.run({ batchSize: 5, bar: { stream: new FakeTerminal() } });
    expect(console.log).toBe(before);
  });
});
