/**
 * The public surface, listed name by name: `batchflow-ts` exports exactly these runtime values (types
 * are checked by the compiler), and the unstable `batchflow-ts/internal` entry holds the building
 * blocks the public entry leaves out. Adding or removing a public name is a visible change to this file.
 */
import { describe, expect, test } from '@jest/globals';
import * as library from '../src/index.js';
import * as internal from '../src/internal.js';

const publicNames = [
  // batches and arrays
  'Batch',
  'isNdArray',
  'zeros',
  'sharedNdarray',
  'toSharedNdarray',
  'isSharedArray',
  // decorators
  'action',
  'applyParallel',
  'inbatchParallel',
  'tuple',
  'ComponentTuple',
  // datasets
  'Dataset',
  'DatasetIndex',
  'FilesIndex',
  'StopIterationError',
  'calcSplit',
  'IterableDataset',
  'IterableSourceError',
  'SourceItemError',
  'NoIndexError',
  // images
  'ImagesBatch',
  'gaussianFilter',
  'warpImage',
  // pipelines and config
  'Pipeline',
  'PipelineError',
  'SkipBatch',
  'StopPipeline',
  'WorkerStateError',
  'portablePipeline',
  'Config',
  'MissingKeyError',
  // named expressions
  'B',
  'V',
  'C',
  'D',
  'I',
  'F',
  'L',
  'W',
  'P',
  'PP',
  'IF',
  'R',
  'evalExpr',
  'NamedExpression',
  'PerItem',
  'ExpressionError',
  'NoPipelineError',
  'supportedDistributions',
  // engines
  'closeEngines',
  'registerEngine',
  'getAutoDecisions',
  'resetAutoDecisions',
  'configureWorkers',
  'WorkerEngine',
  'createThreadsTransport',
  'createProcessesTransport',
  'configureQueue',
  'createQueueTransport',
  'startQueueWorker',
  'QueueConnectionError',
  'portable',
  'invokeItem',
  'itemFailure',
  'registerErrorClass',
  'ItemContext',
  'Rng',
  // formats
  'registerFormat',
  'registeredFormats',
  // errors
  'BatchflowError',
  'ArgumentError',
  'ComponentError',
  'MissingIdError',
  'UnknownTargetError',
  'UnknownFormatError',
  'ActionError',
  'AssembleError',
  'TimeoutError',
  'NotPortableError',
  'WorkerCrashError',
  'WorkerSetupError',
  'MissingPeerDependencyError',
  'CheckpointError',
  'IoError',
  'MissingFileError',
  'FileFormatError',
  'CorruptFileError',
  'MissingColumnError',
  'MissingRowError',
  'UnsupportedDataError',
  'UnsafePickleError',
  'LoadLimitError',
  'configureLoadLimits',
  'getLoadLimits',
];

const internalNames = [
  'reservedParallelOptions',
  'getAction',
  'getActions',
  'getRegisteredClasses',
  'stripExtension',
  'defaultIterState',
  'PipelineCore',
  'saveDataTo',
  'isNamedExpression',
  'isPerItem',
  'Slice',
  'getEngine',
  'resolveTarget',
  'validTargets',
  'Mutex',
];

const sorted = (names: Iterable<string>): string[] => [...names].sort();

describe('the public entry batchflow-ts', () => {
  test('exports exactly the listed runtime names', () => {
    expect(sorted(Object.keys(library))).toEqual(sorted(publicNames));
  });

  test('every export is defined (no name re-exported from a module that lacks it)', () => {
    const missing = Object.entries(library)
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  test('Pipeline is the pipeline class itself: pipelines are instances of it', () => {
    expect(new library.Pipeline()).toBeInstanceOf(library.Pipeline);
    expect(internal.PipelineCore).toBe(library.Pipeline);
  });
});

describe('the internal entry batchflow-ts/internal', () => {
  test('exports exactly the listed building blocks, none of them public', () => {
    expect(sorted(Object.keys(internal))).toEqual(sorted(internalNames));
    expect(internalNames.filter((name) => name in library)).toEqual([]);
    for (const name of internalNames) expect(internal[name as keyof typeof internal]).toBeDefined();
  });
});
