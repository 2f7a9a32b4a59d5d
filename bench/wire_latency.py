#!/usr/bin/env python3
"""A proxy's own latency, read off the wire (bench/wire.sh).

Reads `tcpdump -tt -nn` lines (segments that carry data, on the loopback interface) of one keep-alive client at
concurrency 1 talking to a proxy on PROXY_PORT, which calls an upstream on UPSTREAM_PORT, and prints one line:

    requests=N in_out=p50,p90,p95,p98,p99,p99.9 upstream=... own=...   (milliseconds)

- in_out: from the request's first segment reaching the proxy's port to the answer's last segment leaving it;
- upstream: from the proxy's first segment towards the upstream to the upstream's last segment back;
- own: in_out less upstream, what the proxy itself adds.

With --stream it reads `tcpdump -tt -nn -A` (payloads as text) of streamed requests made one after the other, each on
a new connection (stream_client.py ttfb), and measures the same to the first SSE event ("data:") instead of the
answer's end: in_out is the time to the first event, upstream the upstream's part of it (from the proxy's request to
the upstream's first event), own the difference, the time to first byte the proxy adds.

tcpdump stamps a loopback segment when it is sent, so none of these include the time the load generator takes to be
woken and read the answer: the part of its latency that this machine's scheduling decides for any proxy alike.
"""
import sys


def percentiles(values):
    values = sorted(values)
    n = len(values)
    return ",".join("%.3f" % (values[min(n - 1, int(n * q))] * 1e3) for q in (0.5, 0.9, 0.95, 0.98, 0.99, 0.999))


def segments(lines):
    """(time, source port, destination port, payload text) of each segment in `tcpdump -tt -nn -A` output."""
    head, payload = None, []
    for line in lines:
        fields = line.split()
        if len(fields) >= 5 and fields[1] == "IP" and fields[0].replace(".", "", 1).isdigit():
            if head is not None:
                yield head + ("".join(payload),)
            head = (float(fields[0]), fields[2].rsplit(".", 1)[1], fields[4].rstrip(":").rsplit(".", 1)[1])
            payload = []
        elif head is not None:
            payload.append(line.strip())
    if head is not None:
        yield head + ("".join(payload),)


def requests(proxy, upstream):
    """Requests one after the other on one connection: from the first segment in to the answer's last segment out."""
    found, current = [], None
    for at, src, dst, _ in segments(sys.stdin):
        if dst == proxy:
            # a client segment after the answer began opens the next request; one before it continues this one
            if current is None or "answer" in current:
                current = {"in": at}
                found.append(current)
        elif current is None:
            continue
        elif dst == upstream:
            current.setdefault("up", at)
        elif src == upstream:
            current["back"] = at
        elif src == proxy:
            current["answer"] = at
    return [r for r in found if {"up", "back", "answer"} <= r.keys()]


def streams(proxy, upstream):
    """Streamed requests one after the other: from the request in to the first event ("data:") out."""
    found, current = [], None
    for at, src, dst, text in segments(sys.stdin):
        if dst == proxy and "POST " in text:
            current = {"in": at}
        elif current is None:
            continue
        elif dst == upstream and "POST " in text and "up" not in current:
            current["up"] = at
        elif src == upstream and "data:" in text and "up" in current and "back" not in current:
            current["back"] = at
        elif src == proxy and "data:" in text and "back" in current:
            current["answer"] = at
            found.append(current)
            current = None
    return found


def main():
    stream = sys.argv[1] == "--stream"
    proxy, upstream = sys.argv[-2], sys.argv[-1]
    label = "streams" if stream else "requests"
    found = streams(proxy, upstream) if stream else requests(proxy, upstream)
    if not found:
        print(label + "=0")
        return
    in_out = [f["answer"] - f["in"] for f in found]
    up = [f["back"] - f["up"] for f in found]
    own = [a - b for a, b in zip(in_out, up)]
    print("%s=%d in_out=%s upstream=%s own=%s" % (label, len(found), percentiles(in_out), percentiles(up),
                                                percentiles(own)))


if __name__ == "__main__":
    main()
