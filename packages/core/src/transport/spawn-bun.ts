/** Starts `bun <entry>` as a child with an IPC channel: the one way conc starts process workers. */
import type { Subprocess } from "bun";

export function spawnBunChild(
  entry: string,
  onMessage: (message: never) => void,
): Subprocess<"ignore", "inherit", "inherit"> {
  return Bun.spawn({
    cmd: [process.execPath, entry],
    // Without `env`, Bun passes its start-up environment, not variables set since.
    env: { ...process.env },
    stdio: ["ignore", "inherit", "inherit"],
    // Keeps -0, BigInt, Date, Map, typed arrays (large plain arrays go as JSON: bulk-json.ts).
    serialization: "advanced",
    ipc: onMessage,
  });
}
