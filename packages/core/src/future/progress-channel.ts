/**
 * A future's progress: the last value and its subscribers. Delivery is synchronous and in order;
 * a value published from inside a callback is delivered after the current one reached everyone,
 * so no subscriber ever sees values out of order.
 */
type Listener = (value: unknown, future: unknown) => void;

export class ProgressChannel {
  value: unknown;
  #listeners: Listener[] = [];
  #queue: unknown[] | undefined;

  subscribe(cb: Listener): () => void {
    // A fresh array on change: a delivery in progress keeps the list it started with.
    this.#listeners = [...this.#listeners, cb];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== cb);
    };
  }

  publish(value: unknown, future: unknown): void {
    this.value = value;
    if (this.#listeners.length === 0) return;
    if (this.#queue) {
      this.#queue.push(value);
      return;
    }
    const queue: unknown[] = [value];
    this.#queue = queue;
    try {
      for (let i = 0; i < queue.length; i++) {
        for (const cb of this.#listeners) {
          try {
            cb(queue[i], future);
          } catch (err) {
            console.error("conc: an onProgress callback threw; ignoring it:", err);
          }
        }
      }
    } finally {
      this.#queue = undefined;
    }
  }
}
