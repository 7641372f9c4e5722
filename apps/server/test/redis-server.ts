/**
 * A private redis-server for one test file: a free loopback port, no persistence, killed by pid.
 * A missing redis-server fails loudly (apt-get install -y redis-server) unless CONC_REDIS=skip.
 */
import { existsSync } from "node:fs";

export const REDIS_SKIP = process.env.CONC_REDIS === "skip";
const BIN =
  ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p)) ??
  Bun.which("redis-server");

export interface RedisServer {
  url: string;
  pid: number;
  /** Kills it by pid and waits until it is gone. */
  stop(): Promise<void>;
}

function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

async function ping(port: number, proc: { exitCode: number | null }): Promise<void> {
  for (let i = 0; i < 200 && proc.exitCode === null; i++) {
    const r = Bun.spawnSync(["redis-cli", "-p", String(port), "PING"], { stdout: "pipe", stderr: "pipe" });
    if (r.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(25);
  }
  throw new Error(`redis-server on port ${port} did not answer PING (exit code ${proc.exitCode}).`);
}

export async function startRedis(): Promise<RedisServer> {
  if (!BIN) {
    throw new Error(
      "redis-server is not installed: the server's distributed-pool tests need it (apt-get install -y redis-server). " +
        "Set CONC_REDIS=skip to skip them explicitly.",
    );
  }
  const port = freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const proc = Bun.spawn([BIN, ...args, "--daemonize", "no", "--loglevel", "warning"], {
    stdout: "ignore",
    stderr: "inherit",
  });
  try {
    await ping(port, proc);
  } catch (err) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}
