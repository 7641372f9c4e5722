// Watchdog child: argv[2] is a process group id. When stdin ends (the parent exited or was
// killed, even by SIGKILL), it kills that group, so a timed run never outlives its parent.
const pgid = Number(process.argv[2]);
for await (const _ of Bun.stdin.stream()) {
  // The parent never writes: we only wait for EOF.
}
if (Number.isInteger(pgid) && pgid > 1) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}
process.exit(0);

export {};
