# CPython subprocess: spawn rate of /bin/true, and capture of N bytes. Prints one number.
import subprocess, sys, time

mode = sys.argv[1]
if mode == "spawn":
    n = int(sys.argv[2])
    t = time.perf_counter()
    for _ in range(n):
        subprocess.run(["/bin/true"])
    print(n / (time.perf_counter() - t))
else:
    size = int(sys.argv[2])
    t = time.perf_counter()
    r = subprocess.run(["head", "-c", str(size), "/dev/zero"], capture_output=True)
    assert len(r.stdout) == size
    print(size / (time.perf_counter() - t))
