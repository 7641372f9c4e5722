/** @conc/distributed — conc's executor API across machines, on BullMQ + Redis. */
/** `new DistributedExecutor<typeof import("./tasks.ts")>({ redis, queue: "cpu", module })` */
export {
  DistributedExecutor,
  type DistributedExecutorOptions,
  type DistributedStats,
} from "./client/executor.ts";
/** `decode(encode(new Map([[1, 2n]])))` — the tagged JSON codec jobs travel in. */
export { decode, encode } from "./codec.ts";
/** `catch (e) { if (e instanceof JobLostError) resubmit() }` */
export {
  JobLostError,
  RedisConnectionError,
  ResultTooLargeError,
  TaskModuleError,
  UnsupportedValueError,
} from "./errors.ts";
/** `await listNodes({ redis, queue: "cpu" })` — live nodes of a queue. */
export { listNodes } from "./node/list-nodes.ts";
/** The shape `nodes()` and `listNodes()` return. */
export type { NodeInfo } from "./node/registry.ts";
/** `const node = await runWorkerNode({ redis, queue: "cpu", module, pool: "processes" }); await node.close()` */
export { runWorkerNode, type WorkerNode, type WorkerNodeOptions } from "./node/worker-node.ts";
