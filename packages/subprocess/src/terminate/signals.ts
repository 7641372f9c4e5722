/** Return codes like Python's: -N when killed by signal N. */
import { constants } from "node:os";

export type SignalName = keyof typeof constants.signals;

/** Python's returncode from Bun's exitCode / signalCode. */
export function toReturncode(exitCode: number | null, signalCode: string | null): number | null {
  if (signalCode) return -(constants.signals[signalCode as SignalName] ?? 0);
  return exitCode;
}

/** Signal number from a name or number. */
export function signalNumber(sig: SignalName | number): number {
  if (typeof sig === "number") return sig;
  const n = constants.signals[sig];
  if (n === undefined) throw new TypeError(`Unknown signal ${String(sig)}.`);
  return n;
}

/** Sends a signal to a whole process group; ignores a group that is already gone. */
export function killGroup(pgid: number, sig: SignalName | number): void {
  try {
    process.kill(-pgid, signalNumber(sig));
  } catch {
    // ESRCH: nothing left in the group
  }
}

/** Python's names on Linux that os.constants.signals lacks (glibc's SIGRTMIN / SIGRTMAX). */
const REALTIME: Record<number, string> =
  process.platform === "linux" ? { 34: "SIGRTMIN", 64: "SIGRTMAX" } : {};

/**
 * The name Python's signal.Signals gives signal `n` (the first of its aliases: SIGABRT, not
 * SIGIOT), or undefined for a number that is no signal.
 */
export function signalName(n: number): string | undefined {
  for (const [name, value] of Object.entries(constants.signals)) if (value === n) return name;
  return REALTIME[n];
}
