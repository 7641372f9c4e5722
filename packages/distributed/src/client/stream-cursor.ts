/**
 * Knows how far the shared QueueEvents has read BullMQ's event stream. The stream is trimmed to a fixed
 * length and an XREAD from a trimmed id silently skips what was dropped (BULLMQ-NOTES.md), so the cursor
 * counts the entries read and compares with Redis's own counters (`XINFO STREAM`: entries-added, length):
 * more unread entries than the stream still holds means some were lost unread.
 */
import type { QueueEvents } from "bullmq";
import type { Redis } from "ioredis";

const STREAM_ID = /^\d+-\d+$/;

interface StreamInfo {
  lastId: string;
  added: number;
  length: number;
}

async function streamInfo(redis: Redis, key: string): Promise<StreamInfo | undefined> {
  let raw: unknown[];
  try {
    raw = (await redis.call("XINFO", "STREAM", key)) as unknown[];
  } catch (err) {
    if (/no such key/i.test((err as Error).message)) return undefined;
    throw err;
  }
  const info: Record<string, unknown> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) info[String(raw[i])] = raw[i + 1];
  return {
    lastId: String(info["last-generated-id"] ?? "0-0"),
    added: Number(info["entries-added"] ?? 0),
    length: Number(info.length ?? 0),
  };
}

export class StreamCursor {
  /** Entries added before the first one this reader counts. */
  #base = 0;
  #read = 0;
  #lastId = "";

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** The id to start reading after (the stream's last id now, or "0-0" when it does not exist yet). */
  async start(): Promise<string> {
    const info = await streamInfo(this.redis, this.key);
    this.#base = info?.added ?? 0;
    return info?.lastId ?? "0-0";
  }

  /** Counts every entry `events` delivers (each is emitted once or twice with its stream id last). */
  watch(events: QueueEvents): void {
    const emit = events.emit.bind(events) as (event: string, ...args: unknown[]) => boolean;
    (events as unknown as { emit: typeof emit }).emit = (event, ...args) => {
      const id = args[args.length - 1];
      if (typeof id === "string" && id !== this.#lastId && STREAM_ID.test(id)) {
        this.#lastId = id;
        this.#read++;
      }
      return emit(event, ...args);
    };
  }

  /** True when the stream dropped entries this reader had not read. */
  async hasGap(): Promise<boolean> {
    const info = await streamInfo(this.redis, this.key);
    if (!info) return false;
    const unread = info.added - this.#base - this.#read;
    return unread > info.length;
  }

  /** Counts from now on (after a reconnect or a reconciliation, which covered what came before). */
  async rebase(): Promise<void> {
    const info = await streamInfo(this.redis, this.key);
    this.#base = (info?.added ?? 0) - this.#read;
  }
}
