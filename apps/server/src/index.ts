/** @conc/server — conc pools over Hono + tRPC. */
/** `const app = createApp({ pools, token, limits }); Bun.serve({ fetch: app.fetch, websocket: app.websocket })` */
export { type ConcApp, createApp, type DrainResult } from "./app.ts";
/** Roles of bearer tokens: `tokens: [{ token, role: "admin" | "read" }]`. */
export type { Role, TokenEntry } from "./auth/token.ts";
export {
  type CreateAppOptions,
  DEFAULT_LIMITS,
  type DistributedPoolSpec,
  type Limits,
  type PoolSpec,
} from "./config.ts";
/** Errors, and the table from error codes to tRPC codes. */
export {
  PoolBusyError,
  RemoteConnectionError,
  ServerConfigError,
  TRPC_CODE_OF,
  toTRPCError,
} from "./errors.ts";
export type { AppRouter } from "./router/router.ts";
/** What travels between server and client. */
export type { Admitted, DoneView, MapItem, StreamEvent, TaskState, TaskView, WireCall } from "./wire.ts";
