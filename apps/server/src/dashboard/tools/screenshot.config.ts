/** `bun run serve`'s default pools, over the example tasks plus a progress-reporting one (for the screenshot). */
const module = new URL("./demo-tasks.ts", import.meta.url).href;
export default { pools: { threads: { kind: "threads", module }, cpu: { kind: "processes", module } } };
