/**
 * The client (`@conc/server/client`) runs in other programs: at run time it may load only its own files, the
 * dependency-free wire.ts, @conc/core and public tRPC client APIs — never the server's runtime (zod, Hono, the
 * router's code) nor tRPC's `unstable-core-do-not-import`. Type-only imports of the server are fine: TypeScript
 * erases them, and so does Bun's transpiler, whose scan is what this test reads.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const clientDir = new URL("../src/client/", import.meta.url).pathname;
const allowed = new Set([
  "../wire.ts",
  "@conc/core",
  "@trpc/client",
  "@trpc/server/observable",
  "eventsource",
]);
const transpiler = new Bun.Transpiler({ loader: "ts" });

function runtimeImports(file: string): string[] {
  return transpiler.scanImports(readFileSync(file, "utf8")).map((i) => i.path);
}

describe("client imports", () => {
  const files = readdirSync(clientDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

  test("the client folder has files to check", () => {
    expect(files.length).toBeGreaterThan(3);
  });

  for (const f of files) {
    test(`${f} loads only client files, wire.ts, @conc/core and public tRPC client APIs at run time`, () => {
      const bad = runtimeImports(join(clientDir, f)).filter((p) => !p.startsWith("./") && !allowed.has(p));
      expect(bad).toEqual([]);
    });
  }

  test("wire.ts imports nothing at run time", () => {
    expect(runtimeImports(new URL("../src/wire.ts", import.meta.url).pathname)).toEqual([]);
  });

  test("the scan sees value imports and skips type-only ones (the check can fail)", () => {
    const probe =
      'import type { A } from "../router/router.ts";\nimport { z } from "zod";\nexport const x: A = z;';
    expect(transpiler.scanImports(probe).map((i) => i.path)).toEqual(["zod"]);
  });
});
