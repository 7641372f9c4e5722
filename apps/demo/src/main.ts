/** `bun run demo [name...] [--list]`: the tutorial's programs in TypeScript. */
import type { Demo } from "./demo.ts";
import { demos } from "./demos/index.ts";

const argv = process.argv.slice(2);
if (argv.includes("--list")) {
  for (const d of demos) console.log(`${d.name.padEnd(18)} ${d.title}`);
  process.exit(0);
}
const names = argv.filter((a) => !a.startsWith("-"));
const unknown = names.filter((n) => !demos.some((d) => d.name === n));
if (unknown.length > 0) {
  console.error(`Unknown demo: ${unknown.join(", ")}. Run with --list to see them.`);
  process.exit(2);
}
const chosen: Demo[] = names.length > 0 ? demos.filter((d) => names.includes(d.name)) : demos;
const total = performance.now();
for (const demo of chosen) {
  console.log(`\n##### ${demo.name} — ${demo.title}`);
  await demo.run();
}
console.log(
  `\nAll ${chosen.length} demo(s) finished in ${((performance.now() - total) / 1000).toFixed(2)} s`,
);
