/**
 * `bun run serve [--config conc.config.ts] [--port N] [--host H]`
 * Env: PORT (default 8787), HOST (default 127.0.0.1), CONC_CONFIG, CONC_TOKEN.
 * SIGTERM/SIGINT: drain (finish work until limits.drainTimeoutMs, then cancel the rest) and exit 0;
 * a second signal exits at once.
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
  let draining = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (draining) {
      console.log(`${signal} again: exiting now.`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    draining = true;
    // Once the listener and workers are gone nothing else holds the event loop: keep it until the end.
    setInterval(() => {}, 1000);
    const deadline = server.app.context.limits.drainTimeoutMs;
    console.log(
      `${signal}: draining (no new work; running tasks get ${deadline} ms; send it again to exit now)...`,
    );
    const { cancelled } = await server.stop();
    const bye = cancelled > 0 ? `drained, ${cancelled} cancelled at the deadline, bye` : "drained, bye";
    // Flushed before exiting: a piped stdout would otherwise lose the line.
    await new Promise((resolve) => process.stdout.write(`${bye}\n`, resolve));
    process.exit(0);
  };
  process.on("SIGTERM", (s) => void onSignal(s));
  process.on("SIGINT", (s) => void onSignal(s));
} catch (err) {
  console.error(`conc server: ${(err as Error).message}`);
  process.exit(1);
}
