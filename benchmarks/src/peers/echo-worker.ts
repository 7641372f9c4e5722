// Raw Bun Worker echo: the transport's limit for thread round trips.
declare const self: { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
self.onmessage = (e) => self.postMessage(e.data);
