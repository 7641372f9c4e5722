/**
 * Guards the process group of a timed run: a small watchdog child holds the read end of a pipe
 * whose write end only this process has. If this process dies (even by SIGKILL), the pipe
 * closes and the watchdog kills the group.
 *
 * The watchdog is started BEFORE the child and told the group id right after the child's spawn
 * (one short write to its stdin pipe): started after the child, it could be missing when the
 * child (fast, it is already running) had done its work and the parent was killed (measured:
 * 2 of 10 runs of the SIGKILL-parent test). It is /bin/sh blocked in `read`, not a Bun script:
 * waiting within a millisecond instead of after Bun's start-up.
 *
 * One window remains: between the child's exec and Bun.spawn returning in the parent (measured
 * on a loaded 2-core machine: long enough for the child to start a grandchild and print: 6 of
 * 15 runs when the parent was killed the moment the grandchild printed). A parent killed there
 * leaves the watchdog without a group id, and it exits. Closing it would mean holding the child
 * before exec until armed, which would cost every guarded run a shell start and break
 * `executable` and the missing-program error; Python guards nothing at all here.
 */

/** Line 1: the group id; then `read` returns at EOF (the parent is gone) and the group goes. */
const SCRIPT = 'read pgid || exit 0; read _; [ -n "$pgid" ] && kill -9 -"$pgid" 2>/dev/null; exit 0';

export interface GroupGuard {
  /** Starts guarding group `pgid` (the child's pid when it leads its own session). */
  arm(pgid: number): void;
  /** Stops guarding (call it once the group is gone, or the spawn failed). */
  release(): void;
}

/** Starts a watchdog; it guards nothing until `arm(pgid)`. */
export function startGuard(): GroupGuard {
  const dog = Bun.spawn(["/bin/sh", "-c", SCRIPT, "conc-watchdog"], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "ignore",
  });
  dog.unref();
  return {
    arm(pgid: number) {
      if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`Not a process group id: ${pgid}.`);
      // A few bytes into an empty pipe: written at once, before the child can have done much.
      dog.stdin.write(`${pgid}\n`);
      void Promise.resolve(dog.stdin.flush()).catch(() => {});
    },
    release() {
      dog.kill("SIGKILL");
    },
  };
}
