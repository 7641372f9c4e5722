import { describe, expect, test } from "bun:test";
import { demos } from "../src/demos/index.ts";

const main = new URL("../src/main.ts", import.meta.url).pathname;

async function runDemo(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn([process.execPath, main, ...args], { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 90_000);
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, out, err };
}

/** Lines each demo must print: the results the tutorial shows. */
const expected: Record<string, (string | RegExp)[]> = {
  threads: ["Task 0 starts", "Task 2 ends", /Total time taken: [0-2]\.\d\d seconds/],
  processes: [/Task 0 starts,Process ID: \d+/, "Task 2 ends", /Total time taken: \d+\.\d\d seconds/],
  "executor-map": [
    "=== ThreadPoolExecutor Demo ===",
    /Total time taken for IO tasks: [0-2]\.\d\d seconds, results=\[\(1, 'content1'\), \(2, 'content2'\), \(3, 'content3'\)\]/,
    /Total time taken for CPU tasks: \d+\.\d\d seconds, results=\[\(1, 'content1'\), \(2, 'content2'\), \(3, 'content3'\)\]/,
  ],
  "executor-submit": [
    "future result: (1, 'content1')",
    "future result: (3, 'content3')",
    /Total time taken for IO tasks: [0-2]\.\d\d/,
  ],
  spawn: [
    "子进程 0/4 启动,参数: hello from main",
    "子进程 3/4 启动,参数: hello from main",
    "所有子进程执行完毕",
  ],
  allreduce: [
    "子进程 0/4 写入: [1, 10, 100]",
    "子进程 3/4 写入: [4, 40, 400]",
    "子进程 2/4 all-reduce 结果: [10, 100, 1000]",
    "共享内存中的和: [10, 100, 1000]",
  ],
  queue: [
    "消费者取出: 0",
    "消费者取出: 4",
    "生产者退出码 0, 消费者退出码 0",
    "消费者的结果: [0, 1, 4, 9, 16]",
  ],
  popen: [
    "captured: ",
    "shell: out=null err=null",
    "Hello World",
    "cat echoed: Hello",
    "argv0=my-shell",
    'log file: "to-stdout\\nto-stderr\\n"',
    "cwd=<tmpdir> USER=test",
    'stderr="problem\\n" returncode=3',
  ],
  pipeline: ["main.py\ntasks.py\n"],
  "process-control": [
    "poll()=null",
    "wait(200) -> TimeoutExpired",
    "wait()=-15 returncode=-15",
    "after kill(): returncode=-9",
    "proc.wait() -> 0",
  ],
  deadlock: [
    "still blocked after 500 ms",
    "communicate(): read 1010101 bytes, returncode=0",
    "for line of p.stdout: 10102 lines, wait()=0",
  ],
  "call-check": ["call -> 0", "Popen + wait -> 0", "命令执行成功", "命令执行失败,返回码:2", "命令输出:hello"],
  remote: [
    "remote future result: (1, 'content1')",
    "remote future result: (3, 'content3')",
    /Total time taken for remote IO tasks: [0-2]\.\d\d seconds/,
    "remote map on processes: [3, 7, 11]",
    "remote add(40, 2) = 42",
  ],
  progress: [
    "finished jobs: 1, 2, 3, 4",
    "last progress of each: 25, 25, 25, 25",
    "progress updates seen: some, in order: true",
  ],
  distributed: [
    "distributed future result: (1, 'content1')",
    "distributed future result: (3, 'content3')",
    /Total time taken for distributed IO tasks: [0-2]\.\d\d seconds/,
    "distributed map: [3, 7, 11]",
    "distributed add(40, 2) = 42",
  ],
  pool: [
    "map 结果: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]",
    "imap 结果: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]",
    "1\n4\n9\n16\n25\n",
    "imap_unordered 结果(无序): [",
    "apply 单个结果: 10000",
    "starmap 结果: [3, 7, 11]",
    "starmap_async 结果: [3, 7, 11]",
  ],
};

describe("bun run demo", () => {
  test("every demo has expectations", () => {
    expect(Object.keys(expected).sort()).toEqual(demos.map((d) => d.name).sort());
  });

  test("runs every seed program in order and prints its results", async () => {
    const { code, out, err } = await runDemo();
    expect(err).not.toContain("error:");
    expect(code).toBe(0);
    let last = -1;
    for (const demo of demos) {
      const at = out.indexOf(`##### ${demo.name} — `);
      expect(at).toBeGreaterThan(last);
      last = at;
      const next = demos[demos.indexOf(demo) + 1];
      const section = out.slice(at, next ? out.indexOf(`##### ${next.name} — `) : undefined);
      for (const line of expected[demo.name] ?? []) {
        if (typeof line === "string") expect(section).toContain(line);
        else expect(section).toMatch(line);
      }
    }
    expect(out).toContain(`All ${demos.length} demo(s) finished`);
  }, 120_000);

  test("imap_unordered yields every result exactly once", async () => {
    const { out } = await runDemo("pool");
    const m = /imap_unordered 结果\(无序\): \[([^\]]*)\]/.exec(out);
    const values = (m?.[1] ?? "")
      .split(", ")
      .map(Number)
      .sort((a, b) => a - b);
    expect(values).toEqual([1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
  }, 60_000);

  test("runs one demo by name", async () => {
    const { code, out } = await runDemo("pipeline");
    expect(code).toBe(0);
    expect(out).toContain("##### pipeline");
    expect(out).not.toContain("##### threads");
  }, 30_000);

  test("--list lists the demos; an unknown name is refused", async () => {
    const list = await runDemo("--list");
    for (const d of demos) expect(list.out).toContain(d.name);
    const bad = await runDemo("nope");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown demo: nope");
  }, 30_000);
});
