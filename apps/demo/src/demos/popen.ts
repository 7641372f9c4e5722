// subprocess.Popen: the usage examples and each parameter group of the tutorial.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEVNULL, PIPE, Popen, STDOUT } from "@conc/subprocess";
import type { Demo } from "../demo.ts";

export const popenDemo: Demo = {
  name: "popen",
  title: "subprocess.Popen: args, executable, stdin/stdout/stderr, shell, cwd, env, text, communicate",
  async run() {
    // 最简单的用法 (output goes straight to our stdout)
    const p0 = new Popen(["ls", "-ld", "/"]);
    await p0.wait();

    // 捕获输出
    const p1 = new Popen(["ls", "-ld", "/"], { stdout: PIPE });
    const [out1] = await p1.communicate();
    console.log(`captured: ${new TextDecoder().decode(out1 as Uint8Array).trim()}`);

    // 通过 shell 运行命令: no PIPE, so out and err are null
    const p2 = new Popen("echo Hello World", { shell: true });
    const [out2, err2] = await p2.communicate();
    console.log(`shell: out=${out2} err=${err2}`);

    // 传递输入
    const p3 = new Popen(["cat"], { stdin: PIPE, stdout: PIPE });
    const [out3] = await p3.communicate({ input: new TextEncoder().encode("Hello\n") });
    console.log(`cat echoed: ${new TextDecoder().decode(out3 as Uint8Array).trim()}`);

    // executable: run /bin/sh while argv[0] says "my-shell"
    const p4 = new Popen(["my-shell", "-c", "echo argv0=$0"], {
      executable: "/bin/sh",
      stdout: PIPE,
      text: true,
    });
    console.log((await p4.communicate())[0]?.toString().trim());

    // stderr=STDOUT into a log file opened for append, like stdout=fp
    const dir = mkdtempSync(join(tmpdir(), "conc-demo-"));
    try {
      const log = join(dir, "output.txt");
      const p5 = new Popen(["sh", "-c", "echo to-stdout; echo to-stderr >&2"], {
        stdout: Bun.file(log),
        stderr: STDOUT,
      });
      await p5.wait();
      console.log(`log file: ${JSON.stringify(await Bun.file(log).text())}`);

      // cwd, env (replaces the environment), text mode
      const p6 = new Popen(["sh", "-c", 'echo "cwd=$(pwd) USER=$USER"'], {
        cwd: dir,
        env: { PATH: "/usr/bin:/bin", USER: "test" },
        stdout: PIPE,
        text: true,
      });
      const [out6] = await p6.communicate();
      console.log((out6 as string).trim().replace(dir, "<tmpdir>"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // DEVNULL discards, stderr PIPE captures separately
    const p7 = new Popen(["sh", "-c", "echo hidden; echo problem >&2; exit 3"], {
      stdout: DEVNULL,
      stderr: PIPE,
      text: true,
    });
    const [out7, err7] = await p7.communicate();
    console.log(`stdout=${out7} stderr=${JSON.stringify(err7)} returncode=${p7.returncode}`);
  },
};
