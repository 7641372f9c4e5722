// Popen 类对象相关常用方法: communicate, wait, poll, terminate, kill, pid, returncode.
import { Popen, TimeoutExpired } from "@conc/subprocess";
import type { Demo } from "../demo.ts";

export const processControl: Demo = {
  name: "process-control",
  title: "poll / wait(timeout) / terminate / kill / pid / returncode",
  async run() {
    const proc = new Popen(["sleep", "5"]);
    console.log(`pid=${proc.pid} poll()=${proc.poll()}`);
    try {
      await proc.wait(200);
    } catch (e) {
      if (e instanceof TimeoutExpired)
        console.log(`wait(200) -> TimeoutExpired after ${e.timeout} ms; still running`);
    }
    proc.terminate();
    console.log(`after terminate(): wait()=${await proc.wait()} returncode=${proc.returncode}`);
    const stubborn = new Popen(["sh", "-c", "trap '' TERM; sleep 5"]);
    await Bun.sleep(50);
    stubborn.kill();
    console.log(`after kill(): returncode=${await stubborn.wait()}`);
    const quick = new Popen(["echo", "hello"]);
    console.log(`Popen returns at once; proc.wait() -> ${await quick.wait()}`);
  },
};
