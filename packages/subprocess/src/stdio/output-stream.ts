/**
 * A child's stdout or stderr read from a kernel pipe. Async-iterable (byte chunks, or lines
 * with their "\n" in text mode), or read whole with text()/bytes(). What communicate() reads
 * is kept, so a later call after a timeout still returns everything.
 */
import { closeFd } from "./os-pipe.ts";
import { type DecodeErrors, decodeText, TextTranslator } from "./text.ts";

/** How an OutputStream decodes in text mode. */
export interface TextOptions {
  text: boolean;
  encoding: string;
  errors: DecodeErrors;
}

/** Largest output communicate() keeps in memory. */
const MAX_CAPTURE = 2 ** 32 - 1;

export class OutputStream implements AsyncIterable<string | Uint8Array> {
  #fd: number;
  #reader:
    | { read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>; cancel(): Promise<void> }
    | undefined;
  #closed = false;
  #eof = false;
  #handedOff = false;
  // One growable buffer: no per-chunk copies kept, no final concat (1 GB captures stay fast).
  #buf = new ArrayBuffer(0, { maxByteLength: MAX_CAPTURE });
  #len = 0;
  #draining: Promise<void> | undefined;
  /** Lines (strings) instead of byte chunks. */
  readonly textMode: boolean;
  readonly encoding: string;
  readonly errors: DecodeErrors;

  constructor(fd: number, options: TextOptions) {
    this.#fd = fd;
    this.textMode = options.text;
    this.encoding = options.encoding;
    this.errors = options.errors;
  }

  /** @internal the fd for the next process in a pipeline; this side stops reading it. */
  handOff(): number {
    if (this.#reader || this.#len > 0) {
      throw new TypeError("This stream was already read from: it cannot become another process's stdin.");
    }
    this.#handedOff = true;
    return this.#fd;
  }

  /** @internal close the parent's copy after a hand-off. */
  releaseHandOff(): void {
    if (this.#handedOff) this.close();
  }

  async #read(): Promise<Uint8Array | null> {
    if (this.#eof || this.#closed) return null;
    if (this.#handedOff) throw new TypeError("This stream was handed to another process as its stdin.");
    const reader = (this.#reader ??= Bun.file(this.#fd).stream().getReader());
    try {
      const r = await reader.read();
      if (r.done) {
        this.#eof = true;
        this.close();
        return null;
      }
      return r.value ?? new Uint8Array(0);
    } catch (err) {
      if (this.#closed) return null;
      throw err;
    }
  }

  /** @internal read to EOF into the kept buffer (concurrently with the other stream). */
  drain(): Promise<void> {
    this.#draining ??= (async () => {
      for (let c = await this.#read(); c; c = await this.#read()) this.#append(c);
    })();
    return this.#draining;
  }

  #append(chunk: Uint8Array): void {
    const need = this.#len + chunk.length;
    if (need > this.#buf.byteLength) {
      if (need > MAX_CAPTURE) {
        throw new RangeError(
          "More than 4 GiB of output to capture: iterate over the stream instead of communicate().",
        );
      }
      this.#buf.resize(Math.min(MAX_CAPTURE, Math.max(need, this.#buf.byteLength * 2, 65536)));
    }
    new Uint8Array(this.#buf, this.#len, chunk.length).set(chunk);
    this.#len = need;
  }

  /** Bytes read so far: a view once the stream has ended, a copy while it may still grow. */
  #bytesNow(): Uint8Array {
    const view = new Uint8Array(this.#buf, 0, this.#len);
    return this.#eof ? view : view.slice();
  }

  /** @internal what has been read so far, in this stream's mode. */
  collected(): string | Uint8Array {
    const bytes = this.#bytesNow();
    return this.textMode ? decodeText(bytes, this.encoding, this.errors) : bytes;
  }

  /**
   * @internal what has been read so far, for a TimeoutExpired: never throws (it may end in the
   * middle of a character), so bad bytes become U+FFFD even with errors "strict".
   */
  partial(): string | Uint8Array {
    const bytes = this.#bytesNow();
    return this.textMode ? decodeText(bytes, this.encoding, "replace") : bytes;
  }

  /** Reads everything to EOF as text (decoding even in bytes mode). */
  async text(): Promise<string> {
    await this.drain();
    return decodeText(this.#bytesNow(), this.encoding, this.errors);
  }

  /** Reads everything to EOF as bytes. */
  async bytes(): Promise<Uint8Array> {
    await this.drain();
    return this.#bytesNow();
  }

  /** Stops reading and closes the pipe (the child may get SIGPIPE). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.cancel().catch(() => {});
    // Bun.file(fd).stream() never closes the fd itself.
    closeFd(this.#fd);
  }

  get closed(): boolean {
    return this.#closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string | Uint8Array> {
    if (!this.textMode) {
      for (let c = await this.#read(); c; c = await this.#read()) yield c;
      return;
    }
    const translator = new TextTranslator(this.encoding, this.errors);
    let rest = "";
    for (let c = await this.#read(); c; c = await this.#read()) {
      rest += translator.push(c);
      let nl = rest.indexOf("\n");
      while (nl >= 0) {
        yield rest.slice(0, nl + 1);
        rest = rest.slice(nl + 1);
        nl = rest.indexOf("\n");
      }
    }
    rest += translator.push(undefined, true);
    if (rest) yield rest;
  }
}
