/** @conc/server — conc pools over Hono + tRPC. */
/** `const app = createApp({ pools, token, limits }); Bun.serve({ fetch: app.fetch })` */
export { type ConcApp, createApp } from "./app.ts";
export { type CreateAppOptions, DEFAULT_LIMITS, type Limits } from "./config.ts";
export { RemoteConnectionError, ServerConfigError, toTRPCError } from "./errors.ts";
export type { AppRouter, MapItem } from "./router/router.ts";
export type { TaskState, TaskView } from "./store/task-store.ts";
