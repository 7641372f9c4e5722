// Watchdog child: argv[2] is a process group id, argv[3] the parent's pid. When the parent goes
// away (even by SIGKILL) it kills that group, so a timed run never outlives its parent. Two
// signals, whichever comes first: stdin (whose write end only the parent holds) reaching EOF, and
// being reparented (checked every 100 ms, in case the pipe's EOF is late or lost).
const pgid = Number(process.argv[2]);
const parent = Number(process.argv[3]);

function killGroupAndExit(): never {
  if (Number.isInteger(pgid) && pgid > 1) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  process.exit(0);
}

setInterval(() => {
  if (process.ppid !== parent) killGroupAndExit();
}, 100);

for await (const _ of Bun.stdin.stream()) {
  // The parent never writes: we only wait for EOF.
}
killGroupAndExit();

export {};
