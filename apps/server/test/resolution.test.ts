/** Every workspace package and subpath export resolves from a file at the repo root (BUN-NOTES "Workspaces"). */
import { expect, test } from "bun:test";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./serve-process.ts";

function exportsOfWorkspaces(): string[] {
  const specs: string[] = [];
  for (const dir of ["packages", "apps"]) {
    for (const name of readdirSync(join(REPO_ROOT, dir))) {
      let pkg: { name?: string; exports?: Record<string, string> | string };
      try {
        pkg = require(join(REPO_ROOT, dir, name, "package.json"));
      } catch {
        continue;
      }
      if (!pkg.name?.startsWith("@conc/") || !pkg.exports || typeof pkg.exports === "string") continue;
      for (const sub of Object.keys(pkg.exports))
        specs.push(sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`);
    }
  }
  return specs;
}

test("a file at the repo root imports @conc/server, @conc/server/client and every other workspace export", async () => {
  const specs = exportsOfWorkspaces();
  expect(specs).toContain("@conc/server");
  expect(specs).toContain("@conc/server/client");
  expect(specs).toContain("@conc/core");
  const file = join(REPO_ROOT, `.resolution-check-${process.pid}.ts`);
  writeFileSync(
    file,
    `${specs.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`).join("\n")}\nconsole.log(JSON.stringify([${specs.map((_, i) => `Object.keys(m${i}).length`).join(", ")}]));\n`,
  );
  try {
    const proc = Bun.spawn([process.execPath, file], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(err).not.toContain("Cannot find module");
    expect(code).toBe(0);
    const counts = JSON.parse(out.trim().split("\n").pop() as string) as number[];
    expect(counts.every((n) => n > 0)).toBe(true);
  } finally {
    rmSync(file, { force: true });
  }
}, 30_000);
