/**
 * The fuzz generators, one per format (see fuzz/types.ts for how to add one).
 * @module
 */
import type { FuzzGenerator } from '../types.js';
import { bloscMutations, bloscSeeds } from './blosc.js';
import { csvMutations, csvSeeds } from './csv.js';

/** Every registered generator, by format. */
export const generators: readonly FuzzGenerator[] = [
  { format: 'blosc', seeds: bloscSeeds, mutations: bloscMutations },
  { format: 'csv', seeds: csvSeeds, mutations: csvMutations },
];
