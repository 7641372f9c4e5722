/**
 * Python's text mode: decode (UTF-8 by default) and turn \r\n and lone \r into \n. `errors` as in
 * Python: "strict" (the default) throws UnicodeDecodeError on bytes that are not valid in the
 * encoding, "replace" puts U+FFFD in their place.
 */
import { UnicodeDecodeError } from "../errors.ts";

export type DecodeErrors = "strict" | "replace";
const ERRORS: readonly string[] = ["strict", "replace"];

export class TextTranslator {
  #decoder: TextDecoder;
  #pendingCR = false;
  readonly #encoding: string;

  constructor(encoding = "utf-8", errors: DecodeErrors = "strict") {
    this.#encoding = encoding;
    try {
      this.#decoder = new TextDecoder(encoding as ConstructorParameters<typeof TextDecoder>[0], {
        fatal: errors === "strict",
      });
    } catch {
      throw new RangeError(
        `Unknown encoding '${encoding}'. Use a WHATWG encoding label such as "utf-8" or "latin1".`,
      );
    }
  }

  /** Feeds bytes; `end` flushes what is held back. */
  push(bytes: Uint8Array | undefined, end = false): string {
    let s: string;
    try {
      s = this.#decoder.decode(bytes, { stream: !end });
    } catch (err) {
      throw new UnicodeDecodeError(this.#encoding, { cause: err });
    }
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

/** Throws (before anything is spawned) for an encoding TextDecoder does not know or an unsupported `errors`. */
export function validateDecoding(encoding: string | undefined, errors?: unknown): void {
  if (errors !== undefined && (typeof errors !== "string" || !ERRORS.includes(errors))) {
    throw new TypeError(
      `errors must be "strict" or "replace", got ${JSON.stringify(errors)} (TextDecoder offers no other handlers).`,
    );
  }
  if (encoding !== undefined) new TextTranslator(encoding);
}

/** Decodes a whole buffer in text mode. */
export function decodeText(bytes: Uint8Array, encoding?: string, errors: DecodeErrors = "strict"): string {
  return new TextTranslator(encoding, errors).push(bytes, true);
}
