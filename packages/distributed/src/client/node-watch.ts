/** The client's last view of a queue's live nodes: read on demand, refreshed every 2 s once a getter asked. */
import { type NodeInfo, readNodes } from "../node/registry.ts";
import type { EventsHub } from "./events-hub.ts";

export class NodeWatch {
  #nodes: NodeInfo[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(private readonly hub: EventsHub) {}

  /** Reads the live nodes now. */
  async read(): Promise<NodeInfo[]> {
    await this.hub.ready;
    this.#nodes = await readNodes(this.hub.cmd, this.hub.keys);
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

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
