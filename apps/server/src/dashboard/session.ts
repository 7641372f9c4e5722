/**
 * Dashboard sessions: a login exchanges a token for a cookie `role.expiry.signature`, signed with a key
 * derived from that token. No state on the server, so a session survives a restart with the same tokens,
 * and removing a token from the configuration ends its sessions. Any change to the cookie fails the check.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { DashboardToken, Role } from "./source.ts";

export const SESSION_COOKIE = "conc_dashboard";
export const SESSION_MS = 12 * 60 * 60 * 1000;

interface Key {
  role: Role;
  digest: Buffer;
  hmacKey: Buffer;
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export class Sessions {
  readonly #keys: Key[];

  constructor(tokens: readonly DashboardToken[]) {
    this.#keys = tokens.map(({ token, role }) => ({
      role,
      digest: sha256(token),
      hmacKey: createHmac("sha256", token).update("conc-dashboard-session-v1").digest(),
    }));
  }

  /** No token configured (loopback only): everyone is admin and no login is needed. */
  get open(): boolean {
    return this.#keys.length === 0;
  }

  /** The role of a token, compared in constant time against every configured token. */
  roleOf(token: unknown): Role | undefined {
    if (typeof token !== "string" || token.length === 0 || token.length > 4096) return undefined;
    const d = sha256(token);
    let found: Role | undefined;
    // No early exit: the time taken does not tell which token matched.
    for (const k of this.#keys) if (timingSafeEqual(d, k.digest)) found ??= k.role;
    return found;
  }

  /** A cookie value for the holder of `token` (which must be valid). */
  issue(token: string, now = Date.now()): string | undefined {
    const role = this.roleOf(token);
    if (!role) return undefined;
    const d = sha256(token);
    const key = this.#keys.find((k) => k.digest.equals(d)) as Key;
    const payload = `${role}.${now + SESSION_MS}`;
    return `${payload}.${sign(key.hmacKey, payload)}`;
  }

  /** The role a cookie grants, or undefined when it is missing, expired, forged or altered. */
  verify(cookie: string | undefined, now = Date.now()): Role | undefined {
    if (!cookie || cookie.length > 512) return undefined;
    const parts = cookie.split(".");
    if (parts.length !== 3) return undefined;
    const [role, exp, sig] = parts as [string, string, string];
    if ((role !== "admin" && role !== "read") || !/^\d{1,15}$/.test(exp) || Number(exp) <= now)
      return undefined;
    const given = Buffer.from(sig, "base64url");
    // Decoding base64 skips stray characters: only the canonical spelling of a signature counts.
    if (given.toString("base64url") !== sig) return undefined;
    const payload = `${role}.${exp}`;
    let ok = false;
    for (const k of this.#keys) {
      const expected = Buffer.from(sign(k.hmacKey, payload), "base64url");
      if (k.role === role && given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
    }
    return ok ? role : undefined;
  }
}

function sign(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}
