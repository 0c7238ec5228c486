/**
 * Compile-only type tests of target 'auto' and its decision report. Checked by `tsc -p . --noEmit`
 * (part of `npm test`); nothing here runs at import.
 */
import { Batch, applyParallel, getAutoDecisions, resetAutoDecisions, type AutoDecision, type Target, type TargetName } from '../../src/index.js';

export async function autoChecks(): Promise<void> {
  const target: Target = 'auto';
  const canonical: TargetName = 'auto';
  // @ts-expect-error: a misspelled target
  const misspelled: Target = 'automatic';
  void [target, canonical, misspelled];

  class AutoTyped extends Batch {
    static override components = ['x'] as const;
    @applyParallel({ src: 'x', target: 'auto' })
    inc(item: number, options: { by?: number }): number {
      return item + (options.by ?? 1);
    }
  }
  const batch = new AutoTyped(2);
  await batch.actions.inc({ target: 'auto', by: 2, nWorkers: 2, chunkSize: 4 });
  await batch.applyParallel((x: number) => x + 1, { src: 'x', target: 'auto' });

  const decisions: AutoDecision[] = getAutoDecisions();
  const first = decisions[0]!;
  const engine: 'for' | 'threads' = first.engine;
  const perItem: number | undefined = first.probe?.perItemMs;
  void [engine, perItem];
  // @ts-expect-error: decisions are read-only reports
  first.engine = 'mpc';
  // @ts-expect-error: 'auto' never picks 'mpc'
  const mpc: AutoDecision['engine'] = 'mpc';
  void mpc;
  resetAutoDecisions();
}
