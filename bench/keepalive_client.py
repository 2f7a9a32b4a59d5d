#!/usr/bin/env python3
"""Latency at concurrency 1 as a plain blocking client sees it: one kept-alive connection, one POST after the other.

keepalive_client.py URL BODY_FILE SECONDS [HEADER: value ...]
prints: requests=N rps=R p50=… p90=… p95=… p98=… p99=… p999=…   (milliseconds)

Each request's time runs from just before its bytes are written to the last byte of its answer (by Content-Length;
the bench's answers are never chunked). Why a second client beside wrk: on this project's 2-core VM wrk's event loop
reports a tail at concurrency 1 several times what a blocking client and the wire (bench/wire.sh) show, for nginx as
much as for Caravan, so run.sh reports both (bench/README.md).
"""
import socket
import sys
import time
from urllib.parse import urlsplit


def main():
    url, body_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    u = urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    with open(body_file, "rb") as f:
        body = f.read()
    head = "POST %s HTTP/1.1\r\nHost: %s\r\n" % (path, u.netloc)
    head += "".join(h.strip() + "\r\n" for h in sys.argv[4:])
    request = (head + "Content-Length: %d\r\n\r\n" % len(body)).encode() + body
    s = socket.create_connection((u.hostname, u.port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    clock = time.perf_counter
    times = []
    end = clock() + seconds
    while clock() < end:
        start = clock()
        s.sendall(request)
        answer, need = b"", -1
        while need < 0 or len(answer) < need:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("the connection closed after %d requests" % len(times))
            answer += chunk
            if need < 0:
                end_of_head = answer.find(b"\r\n\r\n")
                if end_of_head >= 0:
                    if not answer.startswith(b"HTTP/1.1 200"):
                        sys.exit(answer.split(b"\r\n")[0].decode())
                    at = answer.lower().find(b"\r\ncontent-length:", 0, end_of_head)
                    if at < 0:
                        sys.exit("an answer without Content-Length")
                    length = int(answer[at + 17:answer.index(b"\r\n", at + 2)])
                    need = end_of_head + 4 + length
        times.append((clock() - start) * 1000)
    times.sort()
    n = len(times)
    cells = " ".join("%s=%.3f" % (name, times[min(n - 1, int(n * p / 100))])
                     for name, p in (("p50", 50), ("p90", 90), ("p95", 95), ("p98", 98), ("p99", 99), ("p999", 99.9)))
    print("requests=%d rps=%.0f %s" % (n, n / seconds, cells))


if __name__ == "__main__":
    main()
