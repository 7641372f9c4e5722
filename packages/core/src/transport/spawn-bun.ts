/** Starts `bun <entry>` as a child with an IPC channel: the one way conc starts process workers. */
import type { Subprocess } from "bun";

/** `extraFd`, when given, becomes the child's descriptor 3 (claims.ts CLAIM_FD). */
export function spawnBunChild(
  entry: string,
  onMessage: (message: never) => void,
  extraFd?: number,
): Subprocess<"ignore", "inherit", "inherit"> {
  const stdio: ["ignore", "inherit", "inherit", ...number[]] = ["ignore", "inherit", "inherit"];
  if (extraFd !== undefined) stdio.push(extraFd);
  return Bun.spawn({
    cmd: [process.execPath, entry],
    // Without `env`, Bun passes its start-up environment, not variables set since.
    env: { ...process.env },
    stdio,
    // Keeps -0, BigInt, Date, Map, typed arrays (large plain arrays go as JSON: bulk-json.ts).
    serialization: "advanced",
    ipc: onMessage,
  }) as Subprocess<"ignore", "inherit", "inherit">;
}
