// Sums tests and failures over every workspace's bun test JUnit report.
import { Glob } from "bun";

let tests = 0;
let failed = 0;
for await (const file of new Glob("{packages/*,apps/*,benchmarks}/test-results/junit.xml").scan(".")) {
  const head = /<testsuites\b[^>]*>/.exec(await Bun.file(file).text())?.[0] ?? "";
  const num = (attr: string) => Number(new RegExp(`\\b${attr}="(\\d+)"`).exec(head)?.[1] ?? 0);
  tests += num("tests");
  failed += num("failures") + num("errors");
}
console.log(`${tests - failed} ${failed}`);
