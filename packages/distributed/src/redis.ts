/** ioredis connections with the settings BullMQ needs, an error listener each, and a bounded connect wait. */
import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { RedisConnectionError } from "./errors.ts";

/** What every conc connection uses; `maxRetriesPerRequest: null` is required by BullMQ's blocking calls. */
export function redisOptions(url: string, connectTimeoutMs: number): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`redis must be a URL such as "redis://127.0.0.1:6379", got ${JSON.stringify(url)}.`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`redis must be a redis:// or rediss:// URL, got ${JSON.stringify(url)}.`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  const opts: RedisOptions = {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    db: Number.isInteger(db) ? db : 0,
    maxRetriesPerRequest: null,
    connectTimeout: connectTimeoutMs,
    // Reconnect quickly (a restarted Redis is back within a second), never give up.
    retryStrategy: (times) => Math.min(50 * times, 500),
  };
  if (parsed.username) opts.username = decodeURIComponent(parsed.username);
  if (parsed.password) opts.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === "rediss:") opts.tls = {};
  return opts;
}

/** The URL without credentials, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.href.replace(/\/$/, "");
  } catch {
    return url;
  }
}

/** A new connection; its errors go to `onError` (ioredis would otherwise print them as unhandled). */
export function connect(options: RedisOptions, name: string, onError: (err: Error) => void): Redis {
  // Cast: ioredis's own option type trips exactOptionalPropertyTypes (replyMapping?: X without | undefined).
  const redis = new Redis({ ...options, connectionName: name } as never);
  redis.on("error", onError);
  return redis;
}

/** Resolves once `redis` is ready; rejects with RedisConnectionError after `timeoutMs`. */
export function whenReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => {
      lastError = err;
    };
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onError);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new RedisConnectionError(displayUrl(url), timeoutMs, { cause: lastError }));
    }, timeoutMs);
    redis.on("ready", onReady);
    redis.on("error", onError);
  });
}

/** The same settings for BullMQ's own connections (its option type differs from ioredis's). */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return options as unknown as ConnectionOptions;
}
