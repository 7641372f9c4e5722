// The tutorial's executor programs across machines: a private redis-server, two worker nodes, one
// DistributedExecutor (submit + asCompleted, then map) — the same code as on one machine.
import { asCompleted } from "@conc/core";
import { DistributedExecutor } from "@conc/distributed";
import { REDIS_SERVER_BIN, startLocalRedis } from "@conc/distributed/testing";
import type { Subprocess } from "bun";
import { type Demo, elapsed, tasksModule, tuple } from "../demo.ts";
import type * as Tasks from "../tasks.ts";

const cli = new URL("./node/cli.ts", import.meta.resolve("@conc/distributed")).pathname;

/** A worker node in its own process; resolves once it printed its ready line. */
async function startNode(url: string, pool: "threads" | "processes"): Promise<Subprocess> {
  const args = [
    "--redis",
    url,
    "--queue",
    "demo",
    "--module",
    tasksModule.pathname,
    "--pool",
    pool,
    "--max-workers",
    "3",
  ];
  const proc = Bun.spawn(["bun", cli, ...args], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let buffered = "";
  while (!buffered.includes("conc worker node")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("a worker node exited before it was ready");
    buffered += new TextDecoder().decode(value);
  }
  // From here on the node's task output (the tutorial's prints) goes to our stdout.
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      process.stdout.write(value);
    }
  })();
  return proc;
}

export const distributed: Demo = {
  name: "distributed",
  title: "DistributedExecutor on BullMQ + Redis: two worker nodes, submit + asCompleted, map",
  async run() {
    if (!REDIS_SERVER_BIN) {
      console.log(
        "skipped: redis-server is not installed (apt-get install -y redis-server) — nothing to run across.",
      );
      return;
    }
    await using redis = await startLocalRedis();
    const nodes: Subprocess[] = [];
    try {
      nodes.push(await startNode(redis.url, "threads"), await startNode(redis.url, "processes"));
      await using ex = new DistributedExecutor<typeof Tasks>({
        redis: redis.url,
        queue: "demo",
        module: tasksModule,
      });
      console.log(`=== DistributedExecutor Demo (${(await ex.nodes()).length} worker nodes) ===`);
      let start = performance.now();
      const futures = [
        ex.submit("ioTaskMultiArgs", 1, "content1"),
        ex.submit("ioTaskMultiArgs", 2, "content2"),
        ex.submit("ioTaskMultiArgs", 3, "content3"),
      ];
      for await (const future of asCompleted(futures, { timeout: 10_000 })) {
        console.log(`distributed future result: ${tuple(await future.result())}`);
      }
      console.log(`Total time taken for distributed IO tasks: ${elapsed(start)} seconds`);
      start = performance.now();
      const sums: number[] = [];
      for await (const sum of ex.map("multiParamTask", [1, 3, 5], [2, 4, 6], { timeout: 10_000 }))
        sums.push(sum);
      console.log(`distributed map: [${sums.join(", ")}] in ${elapsed(start)} seconds`);
      console.log(`distributed add(40, 2) = ${await ex.run("multiParamTask", 40, 2)}`);
    } finally {
      for (const node of nodes) node.kill("SIGTERM");
      await Promise.all(nodes.map((n) => n.exited));
    }
  },
};
