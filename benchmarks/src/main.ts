/** `bun run bench [--quick]`: every benchmark in one run, printed as one table of ratios. */
import { mkdirSync, writeFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { benchExecutors } from "./executors.ts";
import { fmt, type Row } from "./measure.ts";
import { benchPool } from "./pool.ts";
import { benchRemote } from "./remote.ts";
import { benchSubprocess } from "./subprocess.ts";

const quick = process.argv.includes("--quick");
const rows: Row[] = [];
rows.push(...(await benchExecutors(quick)));
rows.push(...(await benchPool(quick)));
rows.push(...(await benchSubprocess(quick)));
rows.push(...(await benchRemote(quick)));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${platform()} ${arch()}, Bun ${Bun.version}`;
const lines = [
  `Machine: ${machine}${quick ? " (quick run)" : ""}`,
  "",
  "| workload | unit | conc | peer | peer value | conc / peer |",
  "|---|---|---|---|---|---|",
];
for (const r of rows) {
  for (const [peer, value] of Object.entries(r.peers)) {
    const ratio =
      r.conc !== null && value !== null && value > 0 ? `${(r.conc / value).toFixed(2)}×` : "skipped";
    lines.push(`| ${r.workload} | ${r.unit} | ${fmt(r.conc)} | ${peer} | ${fmt(value)} | ${ratio} |`);
  }
}
const table = lines.join("\n");
console.log(table);
const dir = new URL("../results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL("latest.json", dir),
  JSON.stringify({ date: new Date().toISOString(), machine, quick, rows }, null, 2),
);
writeFileSync(new URL("latest.md", dir), `${table}\n`);
process.exit(0);
