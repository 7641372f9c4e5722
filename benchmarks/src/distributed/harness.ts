/** A private redis-server and node processes for the distributed benchmarks; everything is killed by pid. */
import type { Subprocess } from "bun";

const nodeScript = new URL("./node.ts", import.meta.url).pathname;

/** Every child this process started: killed by pid if the benchmark itself is stopped (timeout, Ctrl-C). */
const children = new Set<Subprocess>();
function track<P extends Subprocess>(proc: P): P {
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}
const killChildren = () => {
  for (const p of children) p.kill("SIGKILL");
};
process.on("exit", killChildren);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

export interface Redis {
  url: string;
  port: number;
  proc: Subprocess;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function ping(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const r = Bun.spawnSync(["redis-cli", "-p", String(port), "PING"], { stdout: "pipe", stderr: "ignore" });
    if (r.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(25);
  }
  throw new Error(`redis-server on ${port} did not answer PING`);
}

/** Starts redis-server, or returns undefined when it is not installed. */
export async function startRedis(): Promise<Redis | undefined> {
  const bin = Bun.which("redis-server");
  if (!bin) return undefined;
  const port = await freePort();
  const spawn = () =>
    track(
      Bun.spawn(
        [
          bin,
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--maxmemory-policy",
          "noeviction",
          "--loglevel",
          "warning",
        ],
        { stdout: "ignore", stderr: "inherit" },
      ),
    );
  const redis: Redis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc: spawn(),
    async restart() {
      redis.proc.kill("SIGKILL");
      await redis.proc.exited;
      redis.proc = spawn();
      await ping(port);
    },
    async stop() {
      redis.proc.kill("SIGKILL");
      await redis.proc.exited;
    },
  };
  await ping(port);
  return redis;
}

/** Starts `count` node processes (see node.ts) and waits until each is ready. */
export async function startNodes(
  count: number,
  args: string[],
): Promise<Subprocess<"ignore", "pipe", "inherit">[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const proc = Bun.spawn([process.execPath, nodeScript, ...args], {
        stdout: "pipe",
        stderr: "inherit",
        stdin: "ignore",
      });
      const reader = proc.stdout.getReader();
      let out = "";
      while (!out.includes("ready")) {
        const r = await reader.read();
        if (r.done) throw new Error(`bench node exited: ${out}`);
        out += new TextDecoder().decode(r.value);
      }
      reader.releaseLock();
      return proc;
    }),
  );
}

export async function killAll(procs: Subprocess[], signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
  for (const p of procs) p.kill(signal);
  await Promise.all(procs.map((p) => p.exited));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}
