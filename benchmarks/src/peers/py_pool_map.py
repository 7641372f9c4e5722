# CPython multiprocessing.Pool.map over N tiny items; prints items/s (best of R runs).
import multiprocessing, sys, time

def square(x):
    return x * x

if __name__ == "__main__":
    n, runs, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    data = list(range(n))
    with multiprocessing.Pool(workers) as pool:
        pool.map(square, range(1000))
        best = float("inf")
        for _ in range(runs):
            t = time.perf_counter()
            out = pool.map(square, data)
            best = min(best, time.perf_counter() - t)
            assert out[-1] == (n - 1) ** 2
    print(n / best)
