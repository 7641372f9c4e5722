// 附录: subprocess.Popen 死锁情况分析 — the problem, and the fixes.
import { PIPE, Popen, TimeoutExpired } from "@conc/subprocess";
import type { Demo } from "../demo.ts";

/** Writes far more than a pipe buffer holds (64 KiB on Linux). */
const BIG = ["sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' 'x' | fold -w 99"];

export const deadlock: Demo = {
  name: "deadlock",
  title: "big output + wait() deadlocks; communicate() or reading lines does not",
  async run() {
    // 问题代码: wait() without reading. A timeout shows the hang instead of hanging forever.
    const p = new Popen(BIG, { stdout: PIPE });
    try {
      await p.wait(500);
      console.log("wait() returned (the output fit in the pipe)");
    } catch (e) {
      if (!(e instanceof TimeoutExpired)) throw e;
      console.log("wait() without reading: still blocked after 500 ms (the child is stuck on a full pipe)");
      p.kill();
      await p.wait();
    }
    p.stdout?.close();

    // 正确用法: communicate() reads while it waits.
    const q = new Popen(BIG, { stdout: PIPE });
    const [output] = await q.communicate();
    console.log(`communicate(): read ${(output as Uint8Array).length} bytes, returncode=${q.returncode}`);

    // 实时处理输出: iterate lines as they come.
    const r = new Popen(BIG, { stdout: PIPE, text: true });
    let lines = 0;
    for await (const _line of r.stdout ?? []) lines++;
    console.log(`for line of p.stdout: ${lines} lines, wait()=${await r.wait()}`);
  },
};
