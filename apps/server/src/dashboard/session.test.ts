import { describe, expect, test } from "bun:test";
import { SESSION_MS, Sessions } from "./session.ts";

const tokens = [
  { token: "admin-token-0001", role: "admin" as const },
  { token: "read-token-00001", role: "read" as const },
];

describe("Sessions", () => {
  const s = new Sessions(tokens);

  test("a token's role; wrong, empty, non-string tokens have none", () => {
    expect(s.roleOf("admin-token-0001")).toBe("admin");
    expect(s.roleOf("read-token-00001")).toBe("read");
    for (const bad of ["admin-token-0002", "", "admin-token-000", undefined, 42, null, "x".repeat(5000)])
      expect(s.roleOf(bad)).toBeUndefined();
  });

  test("an issued cookie grants its token's role until it expires", () => {
    const now = 1_000_000;
    const admin = s.issue("admin-token-0001", now) as string;
    const read = s.issue("read-token-00001", now) as string;
    expect(s.verify(admin, now + 1)).toBe("admin");
    expect(s.verify(read, now + 1)).toBe("read");
    expect(s.verify(admin, now + SESSION_MS)).toBeUndefined();
    expect(s.issue("nope-nope-nope", now)).toBeUndefined();
  });

  test("any change to a cookie fails: role, expiry, signature, extra characters", () => {
    const now = 1_000_000;
    const read = s.issue("read-token-00001", now) as string;
    const [role, exp, sig] = read.split(".") as [string, string, string];
    const flipped = sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A");
    for (const forged of [
      `admin.${exp}.${sig}`,
      `${role}.${Number(exp) + 1000}.${sig}`,
      `${role}.${exp}.${flipped}`,
      `${role}.${exp}.${sig}=`,
      `${role}.${exp}.${sig}.x`,
      `${role}.${exp}`,
      "",
      undefined,
    ])
      expect(s.verify(forged, now + 1)).toBeUndefined();
  });

  test("a cookie of one server is refused by a server with other tokens (and after its token is removed)", () => {
    const cookie = s.issue("admin-token-0001") as string;
    expect(new Sessions([{ token: "another-token-01", role: "admin" }]).verify(cookie)).toBeUndefined();
    expect(new Sessions([tokens[1] as (typeof tokens)[1]]).verify(cookie)).toBeUndefined();
    // Same tokens (a restarted server): still valid.
    expect(new Sessions(tokens).verify(cookie)).toBe("admin");
  });

  test("no tokens: open", () => {
    expect(new Sessions([]).open).toBe(true);
    expect(s.open).toBe(false);
  });
});
