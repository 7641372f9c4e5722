/** Same-origin JSON calls: the session cookie goes by itself, mutating calls add the non-simple header. */

export const BASE = document.body.dataset.base ?? "/dashboard";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const go = () => fetch(`${BASE}${path}`, { credentials: "same-origin", ...init });
  // After a server restart the browser may first try a dead keep-alive socket, and it never retries a POST
  // by itself. Every call here is safe to repeat (cancel twice = cancel once), so retry once.
  const res = await go().catch(go);
  // The session ended (expired cookie, or the server's tokens changed): the page shows the login form.
  if (res.status === 401) {
    location.reload();
    throw new ApiError(401, "Logged out.");
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `Request failed (${res.status}).`);
  return body;
}

export function get<T>(path: string): Promise<T> {
  return call<T>(path);
}

export function post<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>(path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-conc-dashboard": "1" },
    body: JSON.stringify(body),
  });
}
