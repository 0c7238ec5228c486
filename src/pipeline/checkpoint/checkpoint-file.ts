/**
 * The checkpoint file: what it holds, its JSON text, and reading it back with every field checked.
 * A checkpoint is a small JSON document; reading allocates only what the text itself contains.
 * @module
 */
import { promises as fs } from 'node:fs';
import { assertSeed } from '../../random/seed.js';
import type { RunSeeds } from '../seeds.js';
import { CheckpointError } from './checkpoint-error.js';
import { BadValueError, decodeValue } from './encode-value.js';

/** What identifies the pipeline a checkpoint belongs to. */
export interface CheckpointFingerprint {
  /** Its steps, described (action names, `update`, `rebatch(8)`, …). */
  readonly records: readonly string[];
  readonly datasetLength: number;
  /** Its declared variables. */
  readonly variables: readonly string[];
}

/** The run options that decide the order of batches and their seeds. */
export interface CheckpointOrder {
  readonly batchSize: number;
  readonly shuffle: boolean | number;
  readonly seed: number | null;
  readonly nEpochs: number | null;
  readonly nIters: number | null;
  readonly dropLast: boolean;
}

/** The state of a run at a checkpoint. */
export interface CheckpointState {
  readonly fingerprint: CheckpointFingerprint;
  readonly order: CheckpointOrder;
  readonly seeds: RunSeeds;
  /** Batches of the dataset's index consumed (finished and handed out, or discarded). */
  readonly batches: number;
  /** The epoch the next batch starts in (informative; checked against `batches`). */
  readonly epoch: number;
  /** The run ended (its after pipeline ran too): resuming runs nothing. */
  readonly finished: boolean;
}

const FORMAT = 'batchflow-ts checkpoint';
const VERSION = 1;
/** Checkpoints larger than this are refused before reading. */
const MAX_BYTES = 256 * 1024 * 1024;

/** The epoch batch number `batches` starts in. */
export function epochOf(batches: number, datasetLength: number, order: CheckpointOrder): number {
  if (datasetLength === 0) return 0;
  if (order.dropLast) {
    const perEpoch = Math.floor(datasetLength / order.batchSize);
    return perEpoch === 0 ? 0 : Math.floor(batches / perEpoch);
  }
  return Math.floor((batches * order.batchSize) / datasetLength);
}

/** The JSON text of a checkpoint; `variables` are already encoded (see encode-value.ts). */
export function checkpointText(state: CheckpointState, variables: Record<string, unknown>): string {
  const { fingerprint, order, seeds, batches, epoch, finished } = state;
  return JSON.stringify({ format: FORMAT, version: VERSION, fingerprint, order, seeds, position: { batches, epoch }, finished, variables });
}

type Fields = Record<string, unknown>;

function fields(value: unknown, what: string, keys: readonly string[], fail: (reason: string) => never): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${what} is not an object`);
  const object = value as Fields;
  for (const key of keys) if (!Object.hasOwn(object, key)) fail(`${what} has no '${key}'`);
  for (const key of Object.keys(object)) if (!keys.includes(key)) fail(`${what} has an unexpected field '${key}'`);
  return object;
}

function count(value: unknown, what: string, fail: (reason: string) => never, allowNull = false): number {
  if (value === null && allowNull) return null as unknown as number;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${what} is not a non-negative integer${allowNull ? ' or null' : ''}`);
  return value;
}

function seed(value: unknown, what: string, fail: (reason: string) => never): number {
  try {
    assertSeed(value, what);
  } catch {
    fail(`${what} is not a seed (an integer in [0, 2^53))`);
  }
  return value;
}

function strings(value: unknown, what: string, fail: (reason: string) => never): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail(`${what} is not a list of strings`);
  return value as string[];
}

/** The state and variables in checkpoint text `text`; every field is checked (`file` names it in errors). */
export function parseCheckpoint(file: string, text: string): { state: CheckpointState; variables: Map<string, unknown> } {
  const fail = (reason: string): never => {
    throw new CheckpointError(file, `not a valid checkpoint: ${reason}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(file, `not a valid checkpoint: the JSON does not parse (truncated or corrupt): ${(error as Error).message}`, { cause: error });
  }
  const top = fields(json, 'the file', ['format', 'version', 'fingerprint', 'order', 'seeds', 'position', 'finished', 'variables'], fail);
  if (top.format !== FORMAT) fail(`format is ${JSON.stringify(top.format)}, expected '${FORMAT}'`);
  if (top.version !== VERSION) fail(`version ${JSON.stringify(top.version)} is not supported (this library writes version ${VERSION})`);
  const print = fields(top.fingerprint, 'fingerprint', ['records', 'datasetLength', 'variables'], fail);
  const fingerprint = {
    records: strings(print.records, 'fingerprint.records', fail),
    datasetLength: count(print.datasetLength, 'fingerprint.datasetLength', fail),
    variables: strings(print.variables, 'fingerprint.variables', fail),
  };
  const o = fields(top.order, 'order', ['batchSize', 'shuffle', 'seed', 'nEpochs', 'nIters', 'dropLast'], fail);
  if (typeof o.shuffle !== 'boolean' && !(typeof o.shuffle === 'number' && Number.isSafeInteger(o.shuffle)))
    fail('order.shuffle is not a boolean or an integer');
  if (typeof o.dropLast !== 'boolean') fail('order.dropLast is not a boolean');
  const order: CheckpointOrder = {
    batchSize: count(o.batchSize, 'order.batchSize', fail),
    shuffle: o.shuffle as boolean | number,
    seed: o.seed === null ? null : seed(o.seed, 'order.seed', fail),
    nEpochs: count(o.nEpochs, 'order.nEpochs', fail, true),
    nIters: count(o.nIters, 'order.nIters', fail, true),
    dropLast: o.dropLast as boolean,
  };
  if (order.batchSize < 1) fail('order.batchSize is 0');
  const s = fields(top.seeds, 'seeds', ['root', 'order', 'pipeline', 'execution'], fail);
  const seeds: RunSeeds = {
    root: seed(s.root, 'seeds.root', fail),
    order: s.order === null ? null : seed(s.order, 'seeds.order', fail),
    pipeline: seed(s.pipeline, 'seeds.pipeline', fail),
    execution: seed(s.execution, 'seeds.execution', fail),
  };
  const p = fields(top.position, 'position', ['batches', 'epoch'], fail);
  const batches = count(p.batches, 'position.batches', fail);
  const epoch = count(p.epoch, 'position.epoch', fail);
  if (epoch !== epochOf(batches, fingerprint.datasetLength, order)) fail(`position.epoch ${epoch} does not agree with position.batches ${batches}`);
  if (typeof top.finished !== 'boolean') fail('finished is not a boolean');
  const stored = fields(top.variables, 'variables', Object.keys((top.variables ?? {}) as object), fail);
  const variables = new Map<string, unknown>();
  for (const name of Object.keys(stored)) {
    try {
      variables.set(name, decodeValue(stored[name]));
    } catch (error) {
      if (error instanceof BadValueError || error instanceof RangeError)
        throw new CheckpointError(file, `not a valid checkpoint: variable '${name}': ${error.message}`, { cause: error });
      throw error;
    }
  }
  return { state: { fingerprint, order, seeds, batches, epoch, finished: top.finished as boolean }, variables };
}

/** Reads checkpoint `file`; null when it does not exist. Errors name the file. */
export async function readCheckpoint(file: string): Promise<{ state: CheckpointState; variables: Map<string, unknown> } | null> {
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new CheckpointError(file, 'is not a file');
    if (stat.size > MAX_BYTES) throw new CheckpointError(file, `is ${stat.size} bytes, more than the ${MAX_BYTES} a checkpoint may have`);
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CheckpointError(file, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parseCheckpoint(file, text);
}
