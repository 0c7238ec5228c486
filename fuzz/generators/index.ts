/**
 * The fuzz generators, one per format (see fuzz/types.ts for how to add one).
 * @module
 */
import type { FuzzGenerator } from '../types.js';
import { bloscMutations, bloscSeeds } from './blosc.js';
import { csvMutations, csvSeeds } from './csv.js';
import { featherMutations, featherSeeds } from './feather.js';
import { hdf5Mutations, hdf5Seeds } from './hdf5.js';
import { jpegMutations, jpegSeeds } from './jpeg.js';
import { pngMutations, pngSeeds } from './png.js';

/** Every registered generator, by format. */
export const generators: readonly FuzzGenerator[] = [
  { format: 'blosc', seeds: bloscSeeds, mutations: bloscMutations },
  { format: 'csv', seeds: csvSeeds, mutations: csvMutations },
  { format: 'feather', seeds: featherSeeds, mutations: featherMutations },
  { format: 'hdf5', seeds: hdf5Seeds, mutations: hdf5Mutations },
  { format: 'jpeg', seeds: jpegSeeds, mutations: jpegMutations },
  { format: 'png', seeds: pngSeeds, mutations: pngMutations },
];
