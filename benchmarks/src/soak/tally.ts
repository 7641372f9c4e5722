/** The soak's cancel tallies: what cancel() answered, summed over rounds, and the promise's violations. */
import type { CancelVerdicts } from "@conc/core/testing";

export interface CancelTally {
  kind: string;
  tasks: number;
  cancelledTrue: number;
  cancelledFalse: number;
  /** cancel() false, and the task was still dropped before it started (remote and distributed only). */
  cancelledFalseDropped?: number;
  notCancelled: number;
  violations: number;
  /** The first few violations, spelled out. */
  wrong?: string[];
  seconds: number;
}

/** Adds one round's verdicts. */
export function count(tally: CancelTally, v: CancelVerdicts): void {
  tally.cancelledTrue += v.cancelledTrue;
  tally.cancelledFalse += v.cancelledFalseDropped + v.cancelledFalseRan;
  if (v.cancelledFalseDropped > 0 || tally.cancelledFalseDropped !== undefined)
    tally.cancelledFalseDropped = (tally.cancelledFalseDropped ?? 0) + v.cancelledFalseDropped;
  tally.notCancelled += v.notCancelled;
  tally.violations += v.wrong.length;
  if (v.wrong.length > 0) tally.wrong = [...(tally.wrong ?? []), ...v.wrong].slice(0, 10);
}

export const newTally = (kind: string, tasks: number): CancelTally => ({
  kind,
  tasks,
  cancelledTrue: 0,
  cancelledFalse: 0,
  notCancelled: 0,
  violations: 0,
  seconds: 0,
});
