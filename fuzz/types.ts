/**
 * The fuzz suite's data model. A **generator** (one per file format, in fuzz/generators/) builds valid
 * seed files once, then the harness derives cases from them: each case is one seed with one seeded
 * mutation applied to one of its files (generic byte mutations from mutations.ts, or the generator's
 * own format-aware ones: header field edits, size bombs). A child process loads each case through the
 * public API and reports how it ended.
 *
 * To add a format: write `fuzz/generators/<format>.ts` exporting a {@link FuzzGenerator} and list it
 * in fuzz/generators/index.ts. `seeds()` returns a few small valid files (dumped through the public
 * API, or copied from spec/fixtures) with how to load them ({@link LoadSpec}); `mutations` lists the
 * format-aware edits (each gets the bytes of a seed file and a seeded {@link FuzzRandom}, and returns
 * the mutated bytes, or null when it does not apply to that file). Mutations must be deterministic
 * given the random generator, so a seed and a case count always give the same cases.
 * @module
 */

/** A seeded random source (see random.ts). */
export interface FuzzRandom {
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [from, to]. */
  between(from: number, to: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
}

/** One file of a case, by its path relative to the case folder. */
export interface FuzzFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * How the child loads a case (JSON-serialisable).
 * - `batch`: `new B(ids)` for a Batch class with `components` (null: a plain `Batch` without
 *   components), each component preset to a sentinel value, then `batch.load({ fmt, src, ...options })`.
 * - `table`: `Dataset.fromTable(src, { fmt, ...options })`.
 * `src` is relative to the case folder ('.' for the folder itself).
 */
export type LoadSpec =
  | {
      readonly kind: 'batch';
      readonly fmt: string;
      readonly src: string;
      readonly ids: ReadonlyArray<string | number>;
      readonly components: readonly string[] | null;
      readonly options?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'table'; readonly fmt: string; readonly src: string; readonly options?: Readonly<Record<string, unknown>> };

/** A valid starting point: files and how to load them. */
export interface FuzzSeed {
  /** Short name, e.g. 'container-f32'. */
  readonly name: string;
  readonly files: readonly FuzzFile[];
  readonly load: LoadSpec;
}

/** A format-aware mutation: the mutated bytes of one seed file (or a promise of them), or null when it does not apply. */
export interface FormatMutation {
  readonly name: string;
  apply(bytes: Uint8Array, random: FuzzRandom, file: string): Uint8Array | null | Promise<Uint8Array | null>;
}

/** What a format contributes to the fuzz suite. */
export interface FuzzGenerator {
  /** The format name ('blosc', 'csv', 'feather', 'hdf5'); the counts are reported per format. */
  readonly format: string;
  /** Builds the valid seeds (called once per run, in the parent process). */
  seeds(): Promise<readonly FuzzSeed[]>;
  /** Format-aware mutations (header field edits, size bombs, …), used besides the generic byte ones. */
  readonly mutations: readonly FormatMutation[];
  /** Which files of a seed may be mutated (default: all). */
  mutable?(seed: FuzzSeed): readonly string[];
}

/** One case: a seed with one mutation applied. */
export interface FuzzCase {
  readonly format: string;
  /** `format/seed/mutation#n`, for reports. */
  readonly label: string;
  readonly files: readonly FuzzFile[];
  readonly load: LoadSpec;
}

/** How a case ended. */
export type FuzzOutcome =
  | 'ok' // loaded
  | 'typed' // a BatchflowError naming the file, the batch unchanged
  | 'hang' // past the deadline (the child was killed)
  | 'untyped' // another error type, or a BatchflowError that does not name the file
  | 'changed' // the load failed but the batch's components changed
  | 'crash'; // the child process died (out of memory, abort)

/** The child's report of one case. */
export interface CaseResult {
  readonly label: string;
  readonly format: string;
  readonly outcome: FuzzOutcome;
  /** Milliseconds the load took (for a hang: the deadline). */
  readonly ms: number;
  /** Error name and message, or what changed. */
  readonly detail?: string;
}
