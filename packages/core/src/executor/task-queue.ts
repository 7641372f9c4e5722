/** The engine's queue of tasks not yet sent to a worker: an array with a moving head (no shift()). */
import type { Task } from "./task.ts";

export class TaskQueue {
  #items: (Task | undefined)[] = [];
  #head = 0;

  /** Entries waiting (done ones included until they are skipped). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  push(task: Task): void {
    this.#items.push(task);
  }

  /** Puts tasks back in front, in their order (a dead worker's sent-ahead work). */
  pushFront(tasks: Task[]): void {
    this.#items = [...tasks, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** The next task that is not done yet, or undefined. */
  take(): Task | undefined {
    const q = this.#items;
    while (this.#head < q.length) {
      const task = q[this.#head] as Task;
      q[this.#head++] = undefined;
      if (!task.done()) return task;
    }
    return undefined;
  }

  /** Counts tasks not done, stopping at `max`. */
  live(max: number): number {
    let n = 0;
    for (let i = this.#head; i < this.#items.length && n < max; i++) if (!this.#items[i]?.done()) n++;
    return n;
  }

  /** Removes and returns every waiting task. */
  drain(): Task[] {
    const out = this.#items.slice(this.#head).filter((t): t is Task => t !== undefined);
    this.#items = [];
    this.#head = 0;
    return out;
  }

  /** Drops consumed slots once they dominate, and everything when nothing live is left. */
  compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.live(1) === 0) {
      this.#items = [];
      this.#head = 0;
    }
  }

  forEach(fn: (task: Task) => void): void {
    for (let i = this.#head; i < this.#items.length; i++) {
      const t = this.#items[i];
      if (t) fn(t);
    }
  }
}
