/** Starts `bun run serve` (the root script: `bun apps/server/src/serve.ts`) in its own process; stops it by pid. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dir, "../../..");
const SERVE = join(REPO_ROOT, "apps/server/src/serve.ts");

export interface ServeProcess {
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** Output so far (stdout). */
  output(): string;
  /** Resident memory of the server process, in bytes (Linux /proc). */
  rss(): Promise<number>;
  /** Resolves with the exit code; kills with SIGKILL if it takes longer than `ms`. */
  exited(ms: number): Promise<number | null>;
}

/** Writes a conc.config.ts into `dir` over the example tasks, with these limits. */
export function writeConfig(dir: string, limits: Record<string, number>, extra = ""): string {
  const tasks = join(REPO_ROOT, "apps/server/src/example/tasks.ts");
  const path = join(dir, "conc.config.ts");
  writeFileSync(
    path,
    `export default { pools: { threads: { kind: "threads", module: ${JSON.stringify(tasks)}, maxWorkers: 2 } }, limits: ${JSON.stringify(limits)}${extra} };\n`,
  );
  return path;
}

export async function startServe(args: string[] = []): Promise<ServeProcess> {
  const proc = Bun.spawn([process.execPath, SERVE, "--port", "0", ...args], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  let out = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    while (true) {
      const r = await reader.read();
      if (r.done) return;
      out += decoder.decode(r.value);
    }
  })();
  pump.catch(() => {});
  for (let i = 0; i < 200 && !out.includes("listening on"); i++) await Bun.sleep(25);
  const url = /listening on (\S+)/.exec(out)?.[1];
  if (!url) {
    proc.kill("SIGKILL");
    throw new Error(`bun run serve did not start: ${out}`);
  }
  return {
    url,
    proc,
    output: () => out,
    async rss() {
      const status = await Bun.file(`/proc/${proc.pid}/status`).text();
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) * 1024;
    },
    async exited(ms) {
      const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
      const code = await proc.exited;
      clearTimeout(timer);
      await pump;
      return code;
    },
  };
}
