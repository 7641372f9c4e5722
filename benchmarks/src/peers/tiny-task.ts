/** The tiny task every executor runs in the throughput benchmarks. */
export function add({ a, b }: { a: number; b: number }): number {
  return a + b;
}
export default add;
export function addArgs(a: number, b: number): number {
  return a + b;
}
export function cpuTask(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}
export function square(x: number): number {
  return x * x;
}
