/** @conc/server/client — the executor API over tRPC. */
/** `new RemoteExecutor<typeof import("./tasks.ts")>({ url, token, pool })` */
export { type RemoteCallError, RemoteConnectionError } from "./errors.ts";
export { RemoteExecutor, type RemoteExecutorOptions, type TaskName } from "./remote-executor.ts";
export { RemoteFuture } from "./remote-future.ts";
