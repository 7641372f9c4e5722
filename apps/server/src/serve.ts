/**
 * `bun run serve [--config conc.config.ts] [--port N] [--host H]`
 * Env: PORT (default 8787), HOST (default 127.0.0.1), CONC_CONFIG, CONC_TOKEN.
 */
import { parseArgs } from "node:util";
import { startServer } from "./serve/start.ts";

const { values } = parseArgs({
  options: { config: { type: "string" }, port: { type: "string" }, host: { type: "string" } },
  strict: true,
});
const port = Number(values.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port ${values.port ?? process.env.PORT}.`);
  process.exit(2);
}
try {
  const server = await startServer({
    port,
    hostname: values.host ?? process.env.HOST ?? "127.0.0.1",
    configPath: values.config ?? process.env.CONC_CONFIG,
    token: process.env.CONC_TOKEN,
  });
  console.log(
    `conc server listening on ${server.url} (pools: ${Object.keys(server.pools).join(", ")}; tRPC at /trpc)`,
  );
  const shutdown = async (signal: string) => {
    console.log(`${signal}: draining (finishing running tasks)...`);
    await server.stop();
    console.log("drained, bye");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
} catch (err) {
  console.error(`conc server: ${(err as Error).message}`);
  process.exit(1);
}
