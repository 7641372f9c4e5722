// Sums tests and failures over every workspace's bun test JUnit report.
import { Glob } from "bun";

let tests = 0;
let failed = 0;
const reports: string[] = [];
for (const pattern of [
  "packages/*/test-results/junit.xml",
  "apps/*/test-results/junit.xml",
  "benchmarks/test-results/junit.xml",
]) {
  for await (const file of new Glob(pattern).scan(".")) reports.push(file);
}
for (const file of reports) {
  const head = /<testsuites\b[^>]*>/.exec(await Bun.file(file).text())?.[0] ?? "";
  const num = (attr: string) => Number(new RegExp(`\\b${attr}="(\\d+)"`).exec(head)?.[1] ?? 0);
  tests += num("tests");
  failed += num("failures") + num("errors");
}
console.log(`${tests - failed} ${failed}`);
