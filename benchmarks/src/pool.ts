/** Pool.map over many tiny items next to CPython's multiprocessing.Pool.map; CPU scaling of cpu_task. */
import { cpuCount, Pool, ProcessPoolExecutor } from "@conc/core";
import { type Row, throughput } from "./measure.ts";
import { number, peer } from "./peers/external.ts";
import { cpuTask, square } from "./peers/tiny-task.ts";

const module = new URL("./peers/tiny-task.ts", import.meta.url);

export async function benchPool(quick: boolean): Promise<Row[]> {
  const n = quick ? 200_000 : 1_000_000;
  const workers = cpuCount();
  const items = Array.from({ length: n }, (_, i) => i);
  const pool = new Pool({ processes: workers, module });
  await pool.map(square, items.slice(0, 1000));
  const conc = await throughput("Pool.map", n, () => pool.map(square, items), quick);
  await pool.terminate();
  const python = number(["python3", peer("py_pool_map.py"), String(n), quick ? "2" : "3", String(workers)]);

  // The seed's cpu_task (sum of i*i up to 10^7), 16 per core: one at a time vs all cores at once,
  // best of 3 each (tasks are ~15 ms, so one noisy millisecond matters). Every worker runs it once
  // first, so both phases use JIT-compiled code.
  const size = 10 ** 7;
  const tasks = 16 * workers;
  const ex = new ProcessPoolExecutor({ module, maxWorkers: workers });
  await Promise.all(Array.from({ length: workers }, () => ex.run(cpuTask, size)));
  let serial = Number.POSITIVE_INFINITY;
  let parallel = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const s0 = performance.now();
    for (let i = 0; i < tasks; i++) await ex.run(cpuTask, size);
    serial = Math.min(serial, performance.now() - s0);
    const p0 = performance.now();
    await Promise.all(Array.from({ length: tasks }, () => ex.run(cpuTask, size)));
    parallel = Math.min(parallel, performance.now() - p0);
  }
  await ex.shutdown();
  return [
    {
      group: "pool",
      workload: `Pool.map over ${n.toLocaleString("en-US")} tiny items (${workers} processes)`,
      unit: "items/s",
      conc,
      peers: { "CPython multiprocessing.Pool.map": python },
    },
    {
      group: "pool",
      workload: `${tasks} × cpu_task(10^7) on ${workers} cores: speedup over serial`,
      unit: "×",
      conc: serial / parallel,
      peers: { "ideal (cores)": workers },
    },
  ];
}
