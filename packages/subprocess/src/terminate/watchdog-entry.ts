// Watchdog child: reads "+pgid" / "-pgid" lines on stdin. When stdin ends (the parent exited or
// was killed), it kills every group still registered, so timed runs never outlive their parent.
const groups = new Set<number>();
let rest = "";
for await (const chunk of Bun.stdin.stream()) {
  rest += new TextDecoder().decode(chunk);
  let nl = rest.indexOf("\n");
  while (nl >= 0) {
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    const id = Number(line.slice(1));
    if (Number.isInteger(id) && id > 0) {
      if (line[0] === "+") groups.add(id);
      else groups.delete(id);
    }
    nl = rest.indexOf("\n");
  }
}
for (const pgid of groups) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}
process.exit(0);

export {};
