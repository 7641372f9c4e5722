import { expect, test } from "bun:test";
import { ChunkFailure, serializeError, WorkerExitedError } from "@conc/core";
import { encode } from "../codec.ts";
import { failureOf, removedError, stalledError } from "./job-errors.ts";

class Refused extends Error {
  override name = "Refused";
}
const resolve = (name: string) => (name === "Refused" ? (Refused as never) : undefined);
const json = (payload: unknown) => JSON.stringify(encode(payload, "error"));

test("failureOf: BullMQ's reason alone, conc's error with its class, a chunk's partial results", () => {
  const bare = failureOf("boom", null, false, resolve) as Error;
  expect(bare.message).toBe("The job failed on its worker node: boom");
  const typed = failureOf("x", json({ e: serializeError(new Refused("no")) }), false, resolve);
  expect(typed).toBeInstanceOf(Refused);
  expect((typed as Error).message).toBe("no");
  const chunk = failureOf("x", json({ e: serializeError(new Refused("at 3")), r: [1, 4, 9] }), true, resolve);
  expect(chunk).toBeInstanceOf(ChunkFailure);
  expect((chunk as ChunkFailure).results).toEqual([1, 4, 9]);
  // A plain task's error stays itself even if results rode along.
  expect(
    failureOf("x", json({ e: serializeError(new Refused("p")), r: [1] }), false, resolve),
  ).toBeInstanceOf(Refused);
});

test("stalled and removed errors say what happened and what to do", () => {
  const s = stalledError("job-1");
  expect(s).toBeInstanceOf(WorkerExitedError);
  expect(s.message).toContain("pass `retries`");
  expect(removedError("job-2").message).toContain("job-2 was removed");
});
