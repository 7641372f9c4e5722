import { expect, test } from "bun:test";
import { LoginThrottle } from "./login-throttle.ts";

test("an address is refused after maxFailures in the window, until the oldest failure leaves it", () => {
  const t = new LoginThrottle({ maxFailures: 3, windowMs: 1000, maxAddresses: 10 });
  for (const at of [0, 100, 200]) {
    expect(t.retryAfterMs("a", at)).toBe(0);
    t.fail("a", at);
  }
  expect(t.retryAfterMs("a", 300)).toBe(700);
  expect(t.retryAfterMs("b", 300)).toBe(0); // other addresses are not affected
  expect(t.retryAfterMs("a", 1000)).toBe(0); // the failure at 0 left the window
  t.fail("a", 1000);
  expect(t.retryAfterMs("a", 1001)).toBe(99);
});

test("at most maxAddresses are tracked, the stalest dropped first", () => {
  const t = new LoginThrottle({ maxFailures: 1, windowMs: 1000, maxAddresses: 2 });
  t.fail("a", 0);
  t.fail("b", 1);
  t.fail("a", 2); // a is now the freshest
  t.fail("c", 3); // drops b
  expect(t.retryAfterMs("a", 4)).toBeGreaterThan(0);
  expect(t.retryAfterMs("b", 4)).toBe(0);
  expect(t.retryAfterMs("c", 4)).toBeGreaterThan(0);
});
