import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("bun run bench --quick prints the table, writes JSON and SVG, and skips missing peers", async () => {
  const out = mkdtempSync(join(tmpdir(), "conc-bench-"));
  try {
    // No python3 or cc on this PATH: those peers must be reported as skipped, not fail the run.
    const proc = Bun.spawn(
      [process.execPath, new URL("../src/main.ts", import.meta.url).pathname, "--quick", "--out", out],
      {
        env: { ...process.env, PATH: "/nonexistent" },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const timer = setTimeout(() => proc.kill("SIGKILL"), 170_000);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    expect(stderr).not.toContain("error:");
    expect(code).toBe(0);
    for (const workload of [
      "ThreadPoolExecutor.submit",
      "ProcessPoolExecutor.submit",
      "Pool.map",
      "cpu_task",
      "spawn rate",
      "checkOutput",
      "RemoteExecutor",
    ]) {
      expect(stdout).toContain(workload);
    }
    expect(stdout).toMatch(/CPython multiprocessing\.Pool\.map \| skipped \| skipped/);
    expect(stdout).toMatch(/C posix_spawn \+ waitpid \| skipped \| skipped/);
    const json = JSON.parse(readFileSync(join(out, "latest.json"), "utf8"));
    expect(json.quick).toBe(true);
    expect(json.rows.length).toBeGreaterThanOrEqual(8);
    // Every row is measured, except the distributed group's: redis-server is not on this PATH (skipped, or left out).
    for (const r of json.rows) if (r.group === "distributed") expect(r.conc).toBeNull();
    for (const r of json.rows) if (r.group !== "distributed") expect(typeof r.conc).toBe("number");
    expect(readFileSync(join(out, "latest.svg"), "utf8")).toStartWith("<svg");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
