#!/usr/bin/env python3
"""Stream load for the benchmark.

ttfb URL N TOKEN       : N sequential streamed requests; prints the median and p90 time to first event (ms).
hold URL N TOKEN PIDS  : N concurrent streams held to their end; prints errors, events and the peak RSS (MB)
                         of the given process while they were open.
"""
import asyncio
import statistics
import sys
import time
from urllib.parse import urlsplit

BODY = b'{"contents":[{"role":"user","parts":[{"text":"Tell me a long story about a caravan."}]}]}'


def request(url, token):
    u = urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    return u.hostname, u.port, (b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                                b"x-goog-api-key: %s\r\nContent-Length: %d\r\n\r\n%s"
                                % (path.encode(), u.netloc.encode(), token.encode(), len(BODY), BODY))


async def one_stream(host, port, req, first_event_at=None):
    reader, writer = await asyncio.open_connection(host, port)
    start = time.perf_counter()
    writer.write(req)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        writer.close()
        raise RuntimeError(head.split(b"\r\n")[0].decode())
    events, ttfb = 0, None
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.strip(), 16)
        if size == 0:
            break
        chunk = await reader.readexactly(size + 2)
        if ttfb is None:
            ttfb = time.perf_counter() - start
        events += chunk.count(b"data: ")
    writer.close()
    return ttfb, events


def rss_mb(pid):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0


async def ttfb(url, n, token):
    host, port, req = request(url, token)
    times = []
    for _ in range(n):
        t, _ = await one_stream(host, port, req)
        times.append(t * 1000)
    times.sort()
    print("ttfb_median_ms=%.3f ttfb_p90_ms=%.3f" % (statistics.median(times), times[int(len(times) * 0.9)]))


async def hold(url, n, token, pid):
    host, port, req = request(url, token)
    peak = 0.0
    done = asyncio.Event()

    async def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    results = await asyncio.gather(*(one_stream(host, port, req) for _ in range(n)), return_exceptions=True)
    done.set()
    await sampler
    errors = [r for r in results if isinstance(r, Exception)]
    events = sum(r[1] for r in results if not isinstance(r, Exception))
    print("streams=%d errors=%d events=%d peak_rss_mb=%.0f" % (n, len(errors), events, peak))
    if errors:
        print("first_error=%r" % errors[0])


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "ttfb":
        asyncio.run(ttfb(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    else:
        asyncio.run(hold(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]))
