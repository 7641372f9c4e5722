/** `bun run bench [--quick]`: every benchmark in one run, printed as one table of ratios. */
import { mkdirSync, writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { resolve } from "node:path";
import { withProgress } from "@conc/core";
import { chartSvg } from "./chart.ts";
import { benchDistributed } from "./distributed.ts";
import { benchExecutors } from "./executors.ts";
import { advantage, fmt, type Row } from "./measure.ts";
import { benchPool } from "./pool.ts";
import { benchRemote } from "./remote.ts";
import { benchSubprocess } from "./subprocess.ts";
import { benchSync } from "./sync.ts";

const quick = process.argv.includes("--quick");
const outArg = process.argv.indexOf("--out");
const outDir = outArg > 0 ? process.argv[outArg + 1] : undefined;
const started = performance.now();
const rows: Row[] = [];
const groups = [benchExecutors, benchPool, benchSync, benchSubprocess, benchRemote, benchDistributed];
for (const bench of withProgress(groups, { label: "bench groups" })) rows.push(...(await bench(quick)));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${platform()} ${arch()}, Bun ${Bun.version}`;
const lines = [
  `Machine: ${machine}${quick ? " (quick run)" : ""}; ${new Date().toISOString().slice(0, 10)}; all numbers from one run.`,
  "",
  "| workload | unit | conc | peer | peer value | conc advantage |",
  "|---|---|---|---|---|---|",
];
for (const r of rows) {
  for (const [peer, value] of Object.entries(r.peers)) {
    const a = advantage(r, value);
    lines.push(
      `| ${r.workload} | ${r.unit} | ${fmt(r.conc)} | ${peer} | ${fmt(value)} | ${a === null ? "skipped" : `${a.toFixed(2)}×`} |`,
    );
  }
}
lines.push("", "conc advantage = conc / peer for rates, peer / conc for latencies: above 1× conc is better.");
const table = lines.join("\n");
console.log(table);
const dir = outDir ? new URL(`file://${resolve(outDir)}/`) : new URL("../results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL("latest.json", dir),
  `${JSON.stringify({ date: new Date().toISOString(), machine, quick, seconds: (performance.now() - started) / 1000, rows }, null, 2)}\n`,
);
writeFileSync(new URL("latest.md", dir), `${table}\n`);
writeFileSync(new URL("latest.svg", dir), chartSvg(rows, `conc advantage over peers — ${machine}`));
console.log(
  `\nwrote ${dir.pathname}latest.{json,md,svg} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(0);
