/**
 * One persistent WebSocket to the server's `/trpc-ws`, opened on first use, the token in a header
 * (Bun's WebSocket takes `headers`; never the URL). When it cannot open (server started without
 * `websocket: app.websocket`, a proxy in between...) calls go over HTTP, and the socket is retried
 * a few seconds later.
 */
import type { WsRequest, WsResponse } from "../wire.ts";
import { WS_PATH } from "../wire.ts";

const RETRY_WS_AFTER_MS = 5_000;

type Handler = (msg: WsResponse) => void;

export class WsChannel {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  #ws: WebSocket | undefined;
  #opening: Promise<WebSocket | null> | undefined;
  #retryAt = 0;
  #nextId = 1;
  #handlers = new Map<number, Handler>();
  #closed = false;

  constructor(trpcUrl: string, headers: Record<string, string>) {
    const u = new URL(trpcUrl.replace(/\/trpc\/?$/, WS_PATH));
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    this.#url = u.href;
    this.#headers = headers;
  }

  /** The open socket, or null: then use HTTP. */
  connect(): Promise<WebSocket | null> | WebSocket | null {
    if (this.#ws?.readyState === WebSocket.OPEN) return this.#ws;
    if (this.#closed || performance.now() < this.#retryAt) return null;
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** Sends a call; `onMessage` gets every message for it. Returns a function that stops it. */
  call(ws: WebSocket, req: Omit<Extract<WsRequest, { path: string }>, "id">, onMessage: Handler): () => void {
    const id = this.#nextId++;
    this.#handlers.set(id, onMessage);
    ws.send(JSON.stringify({ id, ...req }));
    return () => {
      if (!this.#handlers.delete(id)) return;
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id, type: "stop" }));
    };
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
    this.#ws = undefined;
  }

  #open(): Promise<WebSocket | null> {
    return new Promise((resolve) => {
      // Bun's WebSocket accepts headers; the DOM type does not know the option.
      const ws = new WebSocket(this.#url, { headers: this.#headers } as unknown as string[]);
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.#ws = ws;
        resolve(ws);
      };
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as WsResponse;
        const handler = this.#handlers.get(msg.id);
        // A result, an end or an error is a call's last message.
        if (!("item" in msg)) this.#handlers.delete(msg.id);
        handler?.(msg);
      };
      ws.onclose = () => {
        if (this.#ws === ws) this.#ws = undefined;
        if (!opened) {
          this.#retryAt = performance.now() + RETRY_WS_AFTER_MS;
          resolve(null);
          return;
        }
        // Calls in flight on a lost socket fail as a lost connection; RemoteExecutor resends by id.
        const handlers = [...this.#handlers];
        this.#handlers.clear();
        for (const [id, h] of handlers) h({ id, error: LOST });
      };
      ws.onerror = () => {};
    });
  }
}

/** A lost connection: no server code, so callers treat it as retryable. */
const LOST = {
  message: "The WebSocket to the server closed.",
  code: -32000,
  data: undefined as never,
};
