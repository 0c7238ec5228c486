/**
 * Turns generators into cases: for each format, the unmutated seeds first (they must load), then
 * `count` seeded mutations of them (half generic byte mutations, half the format's own).
 * @module
 */
import { byteMutations } from './mutations.js';
import { fuzzRandom } from './random.js';
import type { FormatMutation, FuzzCase, FuzzGenerator, FuzzRandom, FuzzSeed } from './types.js';

/** A per-format seed derived from the run seed, so adding a format does not change the others' cases. */
function formatSeed(seed: number, format: string): number {
  let hash = seed | 0;
  for (const char of format) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

async function mutateOnce(seed: FuzzSeed, generator: FuzzGenerator, random: FuzzRandom, n: number): Promise<FuzzCase | null> {
  const names = generator.mutable?.(seed) ?? seed.files.map((file) => file.name);
  const target = random.pick(names);
  const file = seed.files.find((f) => f.name === target)!;
  const pool: readonly FormatMutation[] = generator.mutations.length > 0 && random.chance(0.5) ? generator.mutations : byteMutations;
  const mutation = random.pick(pool);
  const bytes = await mutation.apply(file.bytes, random, file.name);
  if (bytes === null) return null;
  return {
    format: generator.format,
    label: `${generator.format}/${seed.name}/${mutation.name}#${n}`,
    files: seed.files.map((f) => (f.name === target ? { name: f.name, bytes } : f)),
    load: seed.load,
  };
}

/** The cases of one generator: its seeds unmutated, then `count` mutated cases. */
export async function* generatorCases(generator: FuzzGenerator, seed: number, count: number): AsyncGenerator<FuzzCase> {
  const seeds = await generator.seeds();
  if (seeds.length === 0) throw new Error(`fuzz generator '${generator.format}' has no seeds`);
  for (const s of seeds) yield { format: generator.format, label: `${generator.format}/${s.name}/seed`, files: s.files, load: s.load };
  const random = fuzzRandom(formatSeed(seed, generator.format));
  for (let n = 0; n < count; n++) {
    let made: FuzzCase | null = null;
    for (let attempt = 0; attempt < 20 && made === null; attempt++) made = await mutateOnce(random.pick(seeds), generator, random, n);
    if (made) yield made;
  }
}
