/** Bearer tokens with roles, compared in constant time. */
import { createHash, timingSafeEqual } from "node:crypto";
import { ServerConfigError } from "../errors.ts";

/** `read` lists pools, reads status/results/metrics and watches; `admin` also submits and cancels. */
export type Role = "admin" | "read";

export interface TokenEntry {
  token: string;
  role: Role;
}

function digest(s: string): Buffer {
  // Hashing first gives equal-length inputs, so timingSafeEqual never leaks the length.
  return createHash("sha256").update(s).digest();
}

/** `token` (one admin token) and `tokens` as one validated list; empty means no auth (loopback only). */
export function normalizeTokens(token: string | undefined, tokens: TokenEntry[] | undefined): TokenEntry[] {
  const all: TokenEntry[] = [...(token === undefined ? [] : [{ token, role: "admin" as const }])];
  for (const entry of tokens ?? []) {
    if (!entry || typeof entry.token !== "string" || (entry.role !== "admin" && entry.role !== "read")) {
      throw new ServerConfigError('tokens must be [{ token: string, role: "admin" | "read" }, ...].');
    }
    all.push({ token: entry.token, role: entry.role });
  }
  for (const e of all) {
    if (e.token.length < 8) throw new ServerConfigError("A token must be at least 8 characters.");
  }
  return all;
}

/**
 * `(token) => role`: undefined for a wrong or missing token. With no tokens configured everyone is
 * admin. Every configured token is compared, so the time taken says nothing about which matched.
 */
export function roleResolver(tokens: TokenEntry[]): (token: string | undefined) => Role | undefined {
  if (tokens.length === 0) return () => "admin";
  const expected = tokens.map((t) => ({ hash: digest(t.token), role: t.role }));
  return (token) => {
    if (token === undefined) return undefined;
    const got = digest(token);
    let role: Role | undefined;
    for (const e of expected) if (timingSafeEqual(got, e.hash)) role ??= e.role;
    return role;
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}
