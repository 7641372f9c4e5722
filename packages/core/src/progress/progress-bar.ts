/**
 * A progress display on a stream (stderr by default): on a TTY one line redrawn in place (at most
 * every `redrawMs`) and erased when closed; otherwise a plain line every `intervalMs`. It draws only
 * when told about progress (no timers), so it never keeps a program alive.
 */
import { ArgumentTypeError } from "../errors.ts";
import { formatProgress } from "./format.ts";

/** Where a progress display writes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface ProgressBarOptions {
  /** Items expected (enables %, bar and ETA). */
  total?: number | undefined;
  /** Shown first on the line. */
  label?: string | undefined;
  /** Default process.stderr. */
  stream?: ProgressStream | undefined;
  /** Clock in ms (default performance.now). */
  now?: (() => number) | undefined;
  /** Plain (non-TTY) lines at most this often (default 3000 ms). */
  intervalMs?: number | undefined;
  /** TTY redraws at most this often (default 100 ms). */
  redrawMs?: number | undefined;
}

const CLEAR = "\r\x1b[K";
/** Bars drawing on each TTY stream, innermost last: a nested bar takes the line over until it closes. */
const active = new WeakMap<ProgressStream, ProgressBar[]>();

/**
 * @example
 * const bar = new ProgressBar({ total: items.length, label: "squares" });
 * for (const x of items) { work(x); bar.tick(); }
 * bar.close();
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #redraw: number;
  readonly #start: number;
  #label: string | undefined;
  #total: number | undefined;
  #count = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: ProgressBarOptions = {}) {
    const { total, label, stream = process.stderr, now = () => performance.now() } = options;
    if (total !== undefined && (typeof total !== "number" || !(total >= 0)))
      throw new ArgumentTypeError(`total must be a number >= 0, got ${String(total)}.`, "total");
    this.#stream = stream;
    this.#now = now;
    this.#tty = stream.isTTY === true;
    this.#interval = options.intervalMs ?? 3000;
    this.#redraw = options.redrawMs ?? 100;
    this.#total = total;
    this.#label = label;
    this.#start = now();
    if (this.#tty) {
      let stack = active.get(stream);
      if (!stack) active.set(stream, (stack = []));
      stack.push(this);
      this.#draw(true);
    } else {
      this.#lastDraw = this.#start;
    }
  }

  /** Items done so far. */
  get count(): number {
    return this.#count;
  }

  /** Counts `n` more items done. */
  tick(n = 1): void {
    this.update(this.#count + n);
  }

  /** Sets the count (and optionally the total). */
  update(count: number, total?: number): void {
    if (this.#closed) return;
    this.#count = count;
    if (total !== undefined) this.#total = total;
    this.#draw(this.#total !== undefined && count >= this.#total);
  }

  /** Ends the display: on a TTY the line is erased (an outer bar, if any, is drawn again). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#tty) return;
    const stack = active.get(this.#stream) ?? [];
    const wasTop = stack[stack.length - 1] === this;
    stack.splice(stack.indexOf(this), 1);
    if (!wasTop) return;
    this.#stream.write(CLEAR);
    const outer = stack[stack.length - 1];
    if (outer) outer.#draw(true);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #draw(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < (this.#tty ? this.#redraw : this.#interval)) return;
    if (this.#tty) {
      const stack = active.get(this.#stream);
      if (stack && stack[stack.length - 1] !== this) return;
    } else if (force && this.#count === 0) return;
    this.#lastDraw = now;
    const snapshot = {
      label: this.#label,
      count: this.#count,
      total: this.#total,
      elapsedMs: now - this.#start,
    };
    if (!this.#tty) {
      this.#stream.write(`${formatProgress(snapshot)}\n`);
      return;
    }
    // A terminal that reports no size (0 under `script`, pipes to a pty) gets 80 columns.
    const columns = this.#stream.columns || 80;
    let line = formatProgress(snapshot, 20);
    if (line.length >= columns) line = formatProgress(snapshot);
    this.#stream.write(`${CLEAR}${line.slice(0, Math.max(0, columns - 1))}`);
  }
}
