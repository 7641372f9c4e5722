/**
 * Knows how far the shared QueueEvents has read BullMQ's event stream. The stream is trimmed to a fixed
 * length and an XREAD from a trimmed id silently skips what was dropped (BULLMQ-NOTES.md), and the reader
 * moves past such a hole within milliseconds, so the hole must be found by counting: Redis counts every
 * entry ever added (XINFO entries-added); the entries up to the reader's last id are that minus the ones
 * after it (counted inside Redis, one script); the reader knows how many it received. A difference means
 * entries were lost unread. (max-deleted-entry-id does not count trimming; first-entry ids cannot tell.)
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

/** Whether entries were lost unread, and how many in all when that was checked. */
export interface GapCheck {
  gap: boolean;
  lost: number;
}

/** {entries ever added, entries after ARGV[1]}: one atomic read. */
const POSITION_SCRIPT = `
local ok, info = pcall(redis.call, 'XINFO', 'STREAM', KEYS[1])
if not ok then return {0, 0} end
local added = 0
for i = 1, #info, 2 do if info[i] == 'entries-added' then added = info[i + 1] end end
return {added, #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+')}`;

export class StreamCursor {
  /** Entries in the stream before the first one this reader counts. */
  #base = 0;
  #read = 0;
  #lastId = "0-0";
  /** Lost entries already covered by a reconciliation. */
  #covered = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** The id to start reading after (the stream's last id now, or "0-0" when it does not exist yet). */
  async start(): Promise<string> {
    const info = await streamInfo(this.redis, this.key);
    this.#base = info?.added ?? 0;
    this.#lastId = info?.lastId ?? "0-0";
    return this.#lastId;
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
    // The reader's position now; it may move on during the call, these numbers stay consistent.
    const lastId = this.#lastId;
    const read = this.#base + this.#read;
    const [added, after] = (await this.redis.eval(POSITION_SCRIPT, 1, this.key, lastId)) as [number, number];
    if (added === 0) return { gap: false, lost: 0 };
    // Entries the reader had received but not yet handed out when they were trimmed count here for a
    // moment, so `lost` can overshoot and fall back; the covered mark follows it down (the hub's sweep
    // catches what that could hide).
    const lost = added - after - read;
    const gap = lost > this.#covered;
    if (!gap) this.#covered = Math.min(this.#covered, lost);
    return { gap, lost };
  }

  /** A reconciliation that started after `check` covered every entry lost by then. */
  cover(check: GapCheck): void {
    this.#covered = Math.max(this.#covered, check.lost);
  }
}
