/**
 * Every TypeScript example in the root README runs as written from a file at the repo root: each fenced
 * `ts` block is written next to README.md, run with Bun, and must exit 0. A block whose first line is a
 * `// <file>.ts` comment is a file to save under that name (a config), not a program, and is only parsed.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type ChildOutcome, runToEnd } from "@conc/core/testing";

const root = new URL("../../../", import.meta.url).pathname;
const readme = await Bun.file(join(root, "README.md")).text();
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const written: string[] = [];

afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true });
});

async function runAtRoot(source: string, index: number): Promise<ChildOutcome> {
  const file = join(root, `.readme-example-${process.pid}-${index}.ts`);
  written.push(file);
  await Bun.write(file, source);
  return runToEnd([process.execPath, file], { cwd: root });
}

describe("README examples", () => {
  test("the README has TypeScript examples", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  blocks.forEach((source, i) => {
    const fileComment = /^\/\/ (\S+\.ts)\s*\n/.exec(source);
    if (fileComment) {
      test(`example ${i + 1} (${fileComment[1]}) is valid TypeScript`, () => {
        const transpiler = new Bun.Transpiler({ loader: "ts" });
        expect(() => transpiler.transformSync(source)).not.toThrow();
      });
      return;
    }
    test(`example ${i + 1} runs from a file at the repo root`, async () => {
      const { code, err } = await runAtRoot(source, i);
      if (code !== 0) console.error(err);
      expect(code).toBe(0);
    }, 40_000);
  });
});
