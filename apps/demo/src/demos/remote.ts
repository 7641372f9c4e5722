// The same pools remotely: a Hono + tRPC server and a typed RemoteExecutor client.
import { asCompleted, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { createApp } from "@conc/server";
import { RemoteExecutor } from "@conc/server/client";
import { type Demo, elapsed, tasksModule, tuple } from "../demo.ts";
import type * as Tasks from "../tasks.ts";

export const remote: Demo = {
  name: "remote",
  title: "the pools over HTTP: createApp + Bun.serve, RemoteExecutor with submit / asCompleted / map",
  async run() {
    const token = crypto.randomUUID();
    const pools = {
      threads: new ThreadPoolExecutor({ maxWorkers: 3, module: tasksModule }),
      cpu: new ProcessPoolExecutor({ maxWorkers: 3, module: tasksModule }),
    };
    const app = createApp({ pools, token });
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
    try {
      const client = new RemoteExecutor<typeof Tasks>({
        url: `http://127.0.0.1:${server.port}/trpc`,
        token,
        pool: "threads",
      });
      const start = performance.now();
      const futures = [
        client.submit("ioTaskMultiArgs", 1, "content1"),
        client.submit("ioTaskMultiArgs", 2, "content2"),
        client.submit("ioTaskMultiArgs", 3, "content3"),
      ];
      for await (const future of asCompleted(futures, { timeout: 10_000 })) {
        console.log(`remote future result: ${tuple(await future.result())}`);
      }
      console.log(`Total time taken for remote IO tasks: ${elapsed(start)} seconds`);
      const cpu = new RemoteExecutor<typeof Tasks>({
        url: `http://127.0.0.1:${server.port}/trpc`,
        token,
        pool: "cpu",
      });
      const squares: number[] = [];
      for await (const sum of cpu.map("multiParamTask", [1, 3, 5], [2, 4, 6])) squares.push(sum);
      console.log(`remote map on processes: [${squares.join(", ")}]`);
      console.log(`remote add(40, 2) = ${await cpu.run("multiParamTask", 40, 2)}`);
      await client.shutdown();
      await cpu.shutdown();
    } finally {
      await server.stop(true);
      await app.close();
      await Promise.all(Object.values(pools).map((p) => p.shutdown()));
    }
  },
};
