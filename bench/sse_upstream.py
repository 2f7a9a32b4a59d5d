#!/usr/bin/env python3
"""A paced SSE upstream for the benchmark: answers any POST with Gemini-shaped SSE events.

Usage: sse_upstream.py PORT EVENTS INTERVAL_MS LONG_EVENTS LONG_INTERVAL_MS
The first event is sent at once (so time to first byte measures the proxies, not the pacing); the others follow
every INTERVAL_MS. Models whose name starts with "long-" get LONG_EVENTS events every LONG_INTERVAL_MS instead,
for holding many streams open. Keep-alive is honoured so the gateway's pooled connections are reused.
"""
import asyncio
import sys

EVENT = (b'data: {"candidates": [{"content": {"parts": [{"text": "caravan "}],"role": "model"},"index": 0}],'
         b'"usageMetadata": {"promptTokenCount": 4,"totalTokenCount": 5},"modelVersion": "gemini-2.5-flash"}\r\n\r\n')


async def handle(reader, writer, short, long):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            events, interval = long if b"/models/long-" in head.split(b"\r\n", 1)[0] else short
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(events):
                if i:
                    await asyncio.sleep(interval)
                writer.write(b"%x\r\n%s\r\n" % (len(EVENT), EVENT))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1])
    short = (int(sys.argv[2]), int(sys.argv[3]) / 1000)
    long = (int(sys.argv[4]), int(sys.argv[5]) / 1000)
    server = await asyncio.start_server(lambda r, w: handle(r, w, short, long), "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
