/** Bearer tokens compared in constant time. */
import { createHash, timingSafeEqual } from "node:crypto";

function digest(s: string): Buffer {
  // Hashing first gives equal-length inputs, so timingSafeEqual never leaks the length.
  return createHash("sha256").update(s).digest();
}

/** A checker for `Authorization: Bearer <token>`; with no token configured every request passes. */
export function bearerChecker(token: string | undefined): (header: string | null | undefined) => boolean {
  if (token === undefined) return () => true;
  if (token.length < 8) throw new TypeError("token must be at least 8 characters.");
  const expected = digest(token);
  return (header) => {
    if (!header?.startsWith("Bearer ")) return false;
    return timingSafeEqual(digest(header.slice(7)), expected);
  };
}
