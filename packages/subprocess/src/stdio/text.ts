/** Python's text mode: decode (UTF-8 by default) and turn \r\n and lone \r into \n. */
export class TextTranslator {
  #decoder: TextDecoder;
  #pendingCR = false;

  constructor(encoding = "utf-8") {
    try {
      this.#decoder = new TextDecoder(encoding as ConstructorParameters<typeof TextDecoder>[0]);
    } catch {
      throw new RangeError(
        `Unknown encoding '${encoding}'. Use a WHATWG encoding label such as "utf-8" or "latin1".`,
      );
    }
  }

  /** Feeds bytes; `end` flushes what is held back. */
  push(bytes: Uint8Array | undefined, end = false): string {
    let s = this.#decoder.decode(bytes, { stream: !end });
    if (this.#pendingCR) {
      s = `\r${s}`;
      this.#pendingCR = false;
    }
    // A \r at the end of a chunk may be the first half of \r\n: hold it back.
    if (!end && s.endsWith("\r")) {
      this.#pendingCR = true;
      s = s.slice(0, -1);
    }
    return s.replace(/\r\n?/g, "\n");
  }
}

/** Throws a RangeError for an encoding TextDecoder does not know (before anything is spawned). */
export function validateEncoding(encoding: string | undefined): void {
  if (encoding !== undefined) new TextTranslator(encoding);
}

/** Decodes a whole buffer in text mode. */
export function decodeText(bytes: Uint8Array, encoding?: string): string {
  return new TextTranslator(encoding).push(bytes, true);
}
