/**
 * Knows how far the shared QueueEvents has read BullMQ's event stream. The stream is trimmed to a fixed
 * length and an XREAD from a trimmed id silently skips what was dropped (BULLMQ-NOTES.md). Redis counts
 * every entry ever added (`XINFO STREAM` entries-added) and keeps the newest `length`; entries are trimmed
 * oldest first, so the first `added - length` are gone. The cursor knows exactly how many entries it has
 * read (the stream's count when it attached, plus each entry QueueEvents delivered): when more entries were
 * trimmed than it had read, some were lost unread. (max-deleted-entry-id does not count trimming.)
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

/** Whether entries were lost unread, and how many were trimmed when that was checked. */
export interface GapCheck {
  gap: boolean;
  trimmed: number;
}

export class StreamCursor {
  /** Entries in the stream before the first one this reader counts. */
  #base = 0;
  #read = 0;
  #lastId = "";
  /** Trimmed entries already covered by a reconciliation. */
  #covered = 0;

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

  async check(): Promise<GapCheck> {
    const info = await streamInfo(this.redis, this.key);
    if (!info) return { gap: false, trimmed: 0 };
    const trimmed = info.added - info.length;
    return { gap: trimmed > Math.max(this.#base + this.#read, this.#covered), trimmed };
  }

  /** A reconciliation that started after `check` covered every entry trimmed by then. */
  cover(check: GapCheck): void {
    this.#covered = Math.max(this.#covered, check.trimmed);
  }
}
