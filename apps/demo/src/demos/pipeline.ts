// 管道操作示例: ls | grep py

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PIPE, Popen } from "@conc/subprocess";
import type { Demo } from "../demo.ts";

export const pipeline: Demo = {
  name: "pipeline",
  title: "ls | grep py: Popen(stdin=p1.stdout), connected by a kernel pipe",
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "conc-demo-"));
    try {
      for (const f of ["main.py", "notes.txt", "tasks.py", "README.md"]) await Bun.write(join(dir, f), "");
      const p1 = new Popen(["ls"], { stdout: PIPE, cwd: dir });
      const p2 = new Popen(["grep", "py"], { stdin: p1.stdout, stdout: PIPE });
      // p1.stdout.close() is automatic: handing it to p2 released our copy.
      const [out] = await p2.communicate();
      await p1.wait();
      console.log(new TextDecoder().decode(out as Uint8Array).trimEnd());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
