/**
 * Smoke tests of the example programs (issue #6): each runs as its own process, exactly like
 * `npm run demo` / `npm run example:<name>` (tsx), and must exit with code 0, print its key lines,
 * write nothing to stderr except Node warnings, and remove the temp files it made.
 *
 * The children get a private TMPDIR (removed afterwards), so "cleans up" is checked without racing
 * other processes on the machine. Timing lines are only checked for their shape: numbers on a shared
 * machine say nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TIMEOUT_MS = 90_000;

interface Example {
  /** The npm script that runs it. */
  script: string;
  file: string;
  /** Lines (regular expressions, multiline) the output must contain. */
  expect: RegExp[];
  /** Prefix of the temp folders it creates (must be gone afterwards). */
  tempPrefix?: string;
  /** Files it writes for a person to look at, relative to its TMPDIR (each must be there, non-empty). */
  writes?: string[];
}

const examples: Example[] = [
  {
    script: 'demo',
    file: 'examples/augment-photos.ts',
    expect: [
      /^augment-photos: 4 photos \(astronaut, camera, chelsea, rocket\), 3 epochs of batches of 2 on 'threads'$/m,
      /^loaded: 512×512×3, 512×512, 300×451×3, 427×640×3 uint8$/m,
      /^augmented: 6 batches, 12 images \(crop 256 at random origins, rotate ±15°, flip p=0\.5, noise p=0\.5\) in \d+ ms$/m,
      /^wrote 12 augmented PNG files to .*batchflow-augment-photos$/m,
      /^contact sheet \(each photo, then its 3 augmented versions\): .*contact-sheet\.png$/m,
    ],
    writes: ['batchflow-augment-photos/contact-sheet.png', 'batchflow-augment-photos/astronaut-1.png', 'batchflow-augment-photos/rocket-3.png'],
  },
  {
    script: 'example:shapes',
    file: 'examples/demo.ts',
    expect: [
      /^batchflow-ts demo: 64 synthetic 32×32 images/m,
      /^ {2}flipped \d+ of 64 items \(p = 0\.5\)$/m,
      /^determinism: .* → identical images/m,
      /^errors: ActionError: /m,
    ],
  },
  {
    script: 'example:augment-images',
    file: 'examples/augment-images.ts',
    expect: [
      /^augment-images: 192 generated 128×128 float32 images, batches of 32/m,
      /^did: 6 batches, flipped \d+\/192 items, rotated 192 items \(mean \|angle\| \d+\.\d°\)/m,
      /^time: 'for' \d+ ms, 'threads' \d+ ms warm \(\d+ ms on the first run, incl\. pool start-up\) → speed-up ×\d+\.\d\d$/m,
      /^determinism: 'for' and 'threads' give identical pixels/m,
    ],
  },
  {
    script: 'example:tabular-csv',
    file: 'examples/tabular-csv.ts',
    tempPrefix: 'batchflow-tabular-',
    expect: [
      /^tabular-csv: wrote 600 rows \(id, x0\.\.x3, region, y\) to customers\.csv/m,
      /^split: 480 train rows, 120 test rows/m,
      /^epoch 1: 15 steps, running train loss \d+\.\d+, test MSE \d+\.\d+$/m,
      /^epoch 6: 90 steps, running train loss \d+\.\d+, test MSE \d+\.\d+$/m,
      /^learned: y ≈ \d\.\d{3}·x0 [+−] \d\.\d{3}·x1 [+−] \d\.\d{3}·x2 [+−] \d\.\d{3}·x3 [+−] \d\.\d{3}$/m,
      /^true: {4}y = 3\.0·x0 − 2\.0·x1 \+ 0\.5·x2 \+ 0\.0·x3 \+ 4\.0 → recovered$/m, // the example checks the coefficients itself
    ],
  },
  {
    script: 'example:files-blosc',
    file: 'examples/files-blosc.ts',
    tempPrefix: 'batchflow-files-',
    expect: [
      /^files-blosc: dumped 24 items to 24 files \(scan-00\.blosc, scan-01\.blosc, …\)/m,
      /^FilesIndex: 24 ids \(scan-00 → scan-00\.blosc\)$/m,
      /^pipeline: 3 batches of 8, bright fraction per item/m,
      /^verified 24\/24 items: identical to the originals$/m,
      /^load on 'threads': 6 items, identical$/m,
      /^truncated file: CorruptFileError for scan-05\.blosc; images still null$/m,
    ],
  },
  {
    script: 'example:cluster',
    file: 'examples/cluster.ts',
    expect: [
      /^cluster: 128 generated 64×64 float32 images, batches of 16, 2 queue worker processes$/m,
      /^redis-server: redis:\/\/127\.0\.0\.1:\d+ \(pid \d+, persistence off\)$/m,
      /^workers: worker-1 \(pid \d+\), worker-2 \(pid \d+\)$/m,
      /^batch 0 \(16 images, \d+ …\): produced by worker-[12] \(pid \d+\)$/m,
      /^batch 7 \(16 images, \d+ …\): produced by worker-[12] \(pid \d+\)$/m,
      /^batches per worker: worker-1 \d, worker-2 \d$/m,
      /^throughput: 'for' \d+ ms \(\d+ images\/s\), 'queue' \d+ ms warm \(\d+ images\/s; \d+ ms on the first run, incl\. worker start-up\)$/m,
      /^check: 'queue' and 'for' give identical batches \(8 batches, pixels bit for bit, flipped \d+ items\)$/m, // the example compares them itself
      /^stopped: 2 workers and redis-server$/m,
    ],
  },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(file: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** stderr without Node's warnings. */
const unexpectedStderr = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\(node:\d+\) (\[\w+\] )?\w*Warning: /.test(line) && !/^\(Use `node --trace-/.test(line))
    .join('\n');

const scratch = mkdtempSync(path.join(tmpdir(), 'bf-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('every example has its npm script (tsx examples/<file>)', () => {
  const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  for (const example of examples) expect([example.script, scripts[example.script]]).toEqual([example.script, `tsx ${example.file}`]);
  const listed = readdirSync(path.join(ROOT, 'examples'))
    .filter((name) => name.endsWith('.ts') && !['data.ts', 'run-main.ts'].includes(name))
    .sort();
  expect(listed).toEqual(examples.map((e) => path.basename(e.file)).sort());
});

describe.each(examples.map((e) => [e.script, e] as const))('npm run %s', (_script, example) => {
  let result: Run;
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    result = await run(example.file, { ...process.env, TMPDIR: tmp, NO_COLOR: '1', FORCE_COLOR: '0' });
  }, TIMEOUT_MS + 10_000);

  test('exits with code 0 and writes no errors', () => {
    const report = `${example.file} (${result.ms} ms)\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    expect(result.code === 0 ? 0 : report).toBe(0);
    expect(unexpectedStderr(result.stderr)).toBe('');
  });

  test('prints its key lines', () => {
    for (const line of example.expect) expect(result.stdout).toMatch(line);
  });

  if (example.writes) {
    test('writes the files a person looks at', () => {
      for (const file of example.writes!) expect([file, statSync(path.join(tmp, file)).size > 0]).toEqual([file, true]);
    });
  }

  if (example.tempPrefix) {
    test('removes its temp files', () => {
      expect(readdirSync(tmp).filter((name) => name.startsWith(example.tempPrefix!))).toEqual([]);
    });
  }
});
