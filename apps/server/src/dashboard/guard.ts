/**
 * The dashboard's request checks: a non-simple header and a same-origin Origin on every mutating
 * request (a cross-site form or fetch cannot send either), and a valid session cookie everywhere but
 * the login itself. Refusals are generic and never carry data.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HEADER } from "./pages.ts";
import { SESSION_COOKIE, type Sessions } from "./session.ts";
import type { Role } from "./source.ts";

export type DashEnv = { Variables: { role: Role } };

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === c.req.header("host");
  } catch {
    return false;
  }
}

export function mutationGuard(): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    if (c.req.header(HEADER) !== "1") {
      return c.json({ error: `Mutating requests need the header ${HEADER}: 1.` }, 403);
    }
    if (!sameOrigin(c)) return c.json({ error: "Cross-origin request refused." }, 403);
    return next();
  };
}

/** Sets `role` from the session cookie, or answers 401 (`onRefused` decides the body). */
export function sessionGuard(
  sessions: Sessions,
  isPublic: (c: Context) => boolean,
  onRefused: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    if (sessions.open) {
      c.set("role", "admin");
      return next();
    }
    if (isPublic(c)) return next();
    const role = sessions.verify(getCookie(c, SESSION_COOKIE));
    if (!role) return onRefused(c);
    c.set("role", role);
    return next();
  };
}

export function adminOnly(): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    if (c.get("role") !== "admin") {
      return c.json({ error: "Only an admin token may do this: you are logged in with a read token." }, 403);
    }
    return next();
  };
}
