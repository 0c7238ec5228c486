/** The debug log of target 'auto': one line on stderr per decision when `BATCHFLOW_DEBUG` names `auto`. */
import type { AutoDecision } from './decisions.js';

/** True when `process.env.BATCHFLOW_DEBUG` lists `auto` (or `*`), comma- or space-separated. */
export function autoDebugEnabled(): boolean {
  const value = process.env.BATCHFLOW_DEBUG;
  return value !== undefined && value.split(/[\s,]+/).some((word) => word === 'auto' || word === '*');
}

function ms(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toPrecision(2);
}

/** One line describing `decision`. */
export function describeDecision(decision: AutoDecision): string {
  const subject = `'${decision.action}'${decision.batchClass ? ` on ${decision.batchClass}` : ''}, ${decision.items} × ${decision.itemShape}`;
  const probe = decision.probe ? `probe ${decision.probe.items} item(s) in ${ms(decision.probe.ms)} ms (${ms(decision.probe.perItemMs)} ms/item); ` : '';
  const estimate = decision.estimate
    ? `rest estimated ${ms(decision.estimate.forMs)} ms on 'for', ${ms(decision.estimate.workersMs)} ms on ${decision.nWorkers} threads; `
    : '';
  const chunk = decision.chunkSize === undefined ? '' : `, chunkSize ${decision.chunkSize}`;
  return `${subject}: ${probe}${estimate}→ '${decision.engine}'${chunk} (${decision.reason})`;
}

/** Writes a new decision to stderr when the debug log is on (later calls that reuse it are not logged). */
export function logDecision(decision: AutoDecision): void {
  if (autoDebugEnabled()) console.error(`[batchflow-ts auto] ${describeDecision(decision)}`);
}
