/**
 * The registered workloads, in report order. To add one (threads/mpc engines, pipeline throughput,
 * io): write `bench/workloads/<name>.ts` exporting a `Workload` and list it here.
 * @module
 */
import type { Workload } from '../harness.js';
import { workloadA } from './apply-scalar.js';
import { workloadB } from './blur-batch.js';
import { workloadEngines } from './engines.js';
import { workloadIndex, workloadPipeline } from './pipeline.js';
import { workloadIO } from './io.js';
import { workloadCsvPipeline } from './csv-pipeline.js';
import { workloadHdf5ColdStart } from './hdf5-cold-start.js';
import { workloadAuto } from './auto.js';
import { workloadPipelineWorkers } from './pipeline-workers.js';
import { workloadHostile } from './hostile.js';
import { workloadImages } from './images.js';
import { workloadQueue } from './queue.js';
import { workloadCheckpoint } from './checkpoint.js';

export const workloads: readonly Workload[] = [
  workloadA,
  workloadB,
  workloadEngines,
  workloadAuto,
  workloadPipeline,
  workloadIndex,
  workloadPipelineWorkers,
  workloadQueue,
  workloadIO,
  workloadImages,
  workloadCsvPipeline,
  workloadHdf5ColdStart,
  workloadHostile,
  workloadCheckpoint,
];
