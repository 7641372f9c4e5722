// 附录: subprocess.call / check_call / check_output.
import { CalledProcessError, call, checkCall, checkOutput, Popen } from "@conc/subprocess";
import type { Demo } from "../demo.ts";

export const callCheck: Demo = {
  name: "call-check",
  title: "call / checkCall / checkOutput",
  async run() {
    const retCode = await call(["echo", "hello"]);
    console.log(`call -> ${retCode}`);
    const proc = new Popen(["echo", "hello"]);
    console.log(`Popen + wait -> ${await proc.wait()}`);
    try {
      await checkCall(["ls", "-ld", "/"]);
      console.log("命令执行成功");
    } catch (e) {
      if (e instanceof CalledProcessError) console.log(`命令执行失败,返回码:${e.returncode}`);
    }
    try {
      await checkCall(["ls", "/definitely/not/here"], { stderr: "ignore" });
    } catch (e) {
      if (e instanceof CalledProcessError) console.log(`命令执行失败,返回码:${e.returncode}`);
    }
    try {
      const result = await checkOutput(["echo", "hello"], { text: true });
      console.log(`命令输出:${(result as string).trim()}`);
    } catch (e) {
      if (e instanceof CalledProcessError) console.log(`命令执行失败,返回码:${e.returncode}`);
    }
  },
};
