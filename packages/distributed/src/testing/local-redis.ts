/**
 * A private redis-server on a free loopback port (no persistence, noeviction), for tests, demos and
 * benchmarks: started as a child, ready once it answers PING, killed by pid. One starter for all of them.
 * @example
 * await using redis = await startLocalRedis(); // redis.url → "redis://127.0.0.1:<port>"
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";

/** The redis-server binary, or null when it is not installed. */
export const REDIS_SERVER_BIN: string | null =
  ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p)) ??
  Bun.which("redis-server");

export interface LocalRedis extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** The running redis-server child (a new one after restart()). */
  readonly proc: Subprocess;
  readonly pid: number;
  /** Kills it by pid (SIGKILL by default) and waits until it is gone. */
  stop(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Kills it and starts a fresh one on the same port (no persistence: every key is gone). */
  restart(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Called with every redis-server child started (e.g. to kill it if the caller is stopped). */
  onSpawn?: (proc: Subprocess) => void;
}

/** A loopback port nobody listens on right now. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** redis-cli beside the server binary (it ships in the same package), else on PATH. */
function redisCli(bin: string): string {
  const beside = join(dirname(bin), "redis-cli");
  return existsSync(beside) ? beside : (Bun.which("redis-cli") ?? "redis-cli");
}

async function waitForPing(bin: string, port: number, proc: Subprocess): Promise<void> {
  const cli = redisCli(bin);
  for (let i = 0; i < 400 && proc.exitCode === null; i++) {
    const r = Bun.spawnSync([cli, "-p", String(port), "PING"], { stdout: "pipe", stderr: "ignore" });
    if (r.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(25);
  }
  proc.kill("SIGKILL");
  await proc.exited;
  throw new Error(`redis-server on port ${port} did not answer PING (exit code ${proc.exitCode}).`);
}

/** Starts a private redis-server; throws (saying how to install it) when redis-server is missing. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const bin = REDIS_SERVER_BIN;
  if (!bin)
    throw new Error(
      "redis-server is not installed: install it (apt-get install -y redis-server) and run again.",
    );
  const port = options.port ?? freePort();
  const spawn = async (): Promise<Subprocess> => {
    const child = Bun.spawn(
      [bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].concat([
        "--maxmemory-policy",
        "noeviction",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
      ]),
      { stdout: "ignore", stderr: "inherit" },
    );
    options.onSpawn?.(child);
    await waitForPing(bin, port, child);
    return child;
  };
  let proc = await spawn();
  const redis: LocalRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get proc() {
      return proc;
    },
    get pid() {
      return proc.pid;
    },
    async stop(signal = "SIGKILL") {
      proc.kill(signal);
      await proc.exited;
    },
    async restart() {
      await redis.stop();
      proc = await spawn();
    },
    [Symbol.asyncDispose]() {
      return redis.stop();
    },
  };
  return redis;
}
