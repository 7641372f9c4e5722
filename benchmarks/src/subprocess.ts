/** Spawn rate and pipe capture: conc's run/checkOutput next to posix_spawn (C), raw Bun.spawn and CPython. */
import { checkOutput, run } from "@conc/subprocess";
import { type Row, throughput } from "./measure.ts";
import { compileC, number, peer } from "./peers/external.ts";

/** By absolute path, so the benchmark runs with any PATH (missing peers are then skipped). */
const HEAD = ["/usr/bin/head", "/bin/head"].find((p) => Bun.file(p).size > 0) ?? "head";

export async function benchSubprocess(quick: boolean): Promise<Row[]> {
  const spawns = quick ? 300 : 2000;
  const conc = await throughput(
    "run(/bin/true)",
    spawns,
    async () => {
      for (let i = 0; i < spawns; i++) await run(["/bin/true"]);
    },
    quick,
  );
  const raw = await throughput(
    "Bun.spawn",
    spawns,
    async () => {
      for (let i = 0; i < spawns; i++)
        await Bun.spawn(["/bin/true"], { stdio: ["inherit", "inherit", "inherit"] }).exited;
    },
    quick,
  );
  const bin = compileC("spawn.c", "posix-spawn");
  const c = bin ? number([bin, String(spawns)]) : null;
  const py = number(["python3", peer("py_subprocess.py"), "spawn", String(spawns)]);

  const size = quick ? 200_000_000 : 1_000_000_000;
  const capture = await throughput(
    "checkOutput",
    size,
    async () => {
      const out = await checkOutput([HEAD, "-c", String(size), "/dev/zero"]);
      if (out.length !== size) throw new Error(`captured ${out.length} bytes, expected ${size}`);
    },
    true,
  );
  const pyCapture = number(["python3", peer("py_subprocess.py"), "capture", String(size)]);
  const mb = (x: number | null) => (x === null ? null : x / 1e6);
  return [
    {
      group: "subprocess",
      workload: "run(['/bin/true']) spawn rate",
      unit: "spawns/s",
      conc,
      peers: { "C posix_spawn + waitpid": c, "raw Bun.spawn": raw, "CPython subprocess.run": py },
    },
    {
      group: "subprocess",
      workload: `checkOutput(head -c ${size / 1e6} MB)`,
      unit: "MB/s",
      conc: mb(capture),
      peers: { "CPython subprocess.run(capture_output=True)": mb(pyCapture) },
    },
  ];
}
