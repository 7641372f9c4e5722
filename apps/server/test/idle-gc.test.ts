import { describe, expect, test } from "bun:test";
import { IdleGc } from "../src/store/idle-gc.ts";

describe("IdleGc", () => {
  function gc(minFinished: number) {
    const state = { busy: false, collected: 0 };
    const g = new IdleGc(
      () => state.busy,
      () => state.collected++,
      1,
      minFinished,
    );
    return { g, state };
  }

  test("collects once after a burst ends, not before enough tasks ended", async () => {
    const { g, state } = gc(3);
    g.finished();
    g.finished();
    await Bun.sleep(20);
    expect(state.collected).toBe(0);
    g.finished();
    await Bun.sleep(20);
    expect(state.collected).toBe(1);
    // The count starts over.
    g.finished();
    await Bun.sleep(20);
    expect(state.collected).toBe(1);
    g.close();
  });

  test("never while work is held; close cancels a pending collection", async () => {
    const { g, state } = gc(1);
    state.busy = true;
    g.finished();
    await Bun.sleep(20);
    expect(state.collected).toBe(0);
    state.busy = false;
    g.finished();
    g.close();
    await Bun.sleep(20);
    expect(state.collected).toBe(0);
  });
});
