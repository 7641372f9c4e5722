/** The client's last view of a queue's live nodes: read on demand, refreshed every 2 s once a getter asked. */
import { type NodeInfo, readNodes } from "../node/registry.ts";
import type { EventsHub } from "./events-hub.ts";
import type { NodeCapacity } from "./waiting-jobs.ts";

export class NodeWatch {
  #nodes: NodeInfo[] = [];
  #known = false;

  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  /** Called after every read (the dispatcher may release waiting jobs when capacity grew). */
  onRead: (() => void) | undefined;

  constructor(private readonly hub: EventsHub) {}

  /** Reads the live nodes now. */
  async read(): Promise<NodeInfo[]> {
    await this.hub.ready;
    this.#nodes = await readNodes(this.hub.cmd, this.hub.keys);
    this.#known = true;
    this.onRead?.();
    return this.#nodes;
  }

  /** The last nodes read; starts the background refresh on first use. */
  get last(): NodeInfo[] {
    if (this.#timer === undefined && !this.#stopped) {
      const refresh = () => {
        this.read().catch(() => {});
      };
      refresh();
      this.#timer = setInterval(refresh, 2_000);
      this.#timer.unref?.();
    }
    return this.#nodes;
  }

  /**
   * What the live nodes can do at once: `workers` tasks running (their pools' maxWorkers) and `slots`
   * jobs taken from Redis (their BullMQ concurrency); undefined before the first read.
   */
  get capacity(): NodeCapacity | undefined {
    const nodes = this.last;
    if (!this.#known) return undefined;
    let workers = 0;
    let slots = 0;
    for (const n of nodes) {
      workers += n.maxWorkers;
      slots += n.concurrency;
    }
    return { workers, slots };
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
