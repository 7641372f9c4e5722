# CPython bulk map over N tiny items; prints items/s (best of R runs).
# kind: "pool" multiprocessing.Pool.map (default), "threadpool" multiprocessing.pool.ThreadPool.map,
# "ppe" concurrent.futures.ProcessPoolExecutor.map(chunksize=ceil(N / (4 * workers))), as conc's default chunks.
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.pool import ThreadPool

def square(x):
    return x * x

if __name__ == "__main__":
    n, runs, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    kind = sys.argv[4] if len(sys.argv) > 4 else "pool"
    data = list(range(n))
    chunksize = -(-n // (4 * workers))
    if kind == "ppe":
        ctx = ProcessPoolExecutor(workers)
        run = lambda items: list(ctx.map(square, items, chunksize=chunksize))
    else:
        ctx = ThreadPool(workers) if kind == "threadpool" else multiprocessing.Pool(workers)
        run = lambda items: ctx.map(square, items)
    with ctx:
        run(range(1000))
        best = float("inf")
        for _ in range(runs):
            t = time.perf_counter()
            out = run(data)
            best = min(best, time.perf_counter() - t)
            assert out[-1] == (n - 1) ** 2
    print(n / best)
