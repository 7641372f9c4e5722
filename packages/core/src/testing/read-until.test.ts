import { expect, test } from "bun:test";
import { readUntil, runToEnd } from "./read-until.ts";

test("readUntil returns once the marker is printed, and throws naming the child when output ends first", async () => {
  const ready = Bun.spawn(["sh", "-c", "printf 'starting\\nready on 1\\n'; sleep 5"], { stdout: "pipe" });
  try {
    expect(await readUntil(ready.stdout, "ready", "the probe")).toContain("ready on 1");
  } finally {
    ready.kill("SIGKILL");
    await ready.exited;
  }
  const quits = Bun.spawn(["sh", "-c", "echo oops"], { stdout: "pipe" });
  await expect(readUntil(quits.stdout, "ready", "the probe")).rejects.toThrow(
    'the probe ended its output before printing "ready": oops',
  );
  await quits.exited;
});

test("runToEnd gives exit code, stdout and stderr, and kills a child that outlives its limit", async () => {
  expect(await runToEnd(["sh", "-c", "echo out; echo err >&2; exit 3"])).toEqual({
    code: 3,
    out: "out\n",
    err: "err\n",
  });
  const hung = await runToEnd(["sleep", "30"], { killAfterMs: 50 });
  expect(hung.code).toBe(137); // SIGKILL
});
