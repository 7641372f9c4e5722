import { afterEach, describe, expect, test } from "bun:test";
import { TimeoutError } from "@conc/core";
import { cleanup, start } from "./helpers.ts";

afterEach(cleanup);

describe("RemoteExecutor.map is core's map", () => {
  test("an endless generator with buffersize: lazy pull, early stop cancels what was sent", async () => {
    const h = start();
    const remote = h.client();
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const out: number[] = [];
    for await (const v of remote.map("square", naturals(), { buffersize: 4 })) {
      out.push(v);
      if (out.length === 10) break;
    }
    expect(out).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    // Lazy: only a buffer's worth beyond what was consumed was ever pulled.
    expect(pulled).toBeLessThanOrEqual(10 + 4 + 1);
  });

  test("timeout raises TimeoutError with its fields, like the local map", async () => {
    const h = start();
    const remote = h.client();
    const err = await (async () => {
      for await (const _ of remote.map("sleep", [2000, 2000], { timeout: 100 })) {
        // nothing arrives in time
      }
    })().catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(100);
    expect((err as Error).message).toBe("map() did not finish within 100 ms.");
  });

  test("async iterables and several inputs zip like Python (shortest wins)", async () => {
    const h = start();
    const remote = h.client();
    async function* xs() {
      yield 1;
      yield 2;
      yield 3;
    }
    const out: number[] = [];
    for await (const v of remote.map("add", xs(), [10, 20])) out.push(v);
    expect(out).toEqual([11, 22]);
  });
});
