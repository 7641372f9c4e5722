/** A child's stdin when it is PIPE: write text or bytes, then end() to send EOF. */
import type { FileSink } from "bun";

export class InputStream {
  #sink: FileSink;
  #ended = false;

  constructor(sink: FileSink) {
    this.#sink = sink;
  }

  /** Writes and waits until the data is handed to the pipe. */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.#ended) throw new TypeError("stdin was already closed: cannot write after end().");
    // A pending write settles later: await it too, or its EPIPE would be an unhandled rejection.
    await this.#sink.write(data);
    await this.#sink.flush();
  }

  /** Closes stdin (the child sees EOF). Harmless twice. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#sink.end();
    } catch {
      // The child closed its end first (it exited): nothing to deliver.
    }
  }

  /** Alias of end(), like Python's p.stdin.close(). */
  close(): Promise<void> {
    return this.end();
  }

  get ended(): boolean {
    return this.#ended;
  }
}
