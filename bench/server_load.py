"""How fast the feed server answers, from a minimal raw-socket client in its own process:
if this is far above what monitor polls, the server is not the bottleneck."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from .feed_server import host_for


async def _worker(
    host: str, port: int, paths: list[str], etag: dict[str, str] | None
) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(host, port)
    done = size = 0
    for path in paths:
        extra = f"If-None-Match: {etag[path]}\r\n" if etag else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        body = await reader.readexactly(length)
        done += 1
        size += len(head) + len(body)
    writer.close()
    return done, size


async def _load(
    port: int, hosts: int, feeds: int, rounds: int, conditional: bool
) -> dict[str, float]:
    paths = [f"/feed/{i}.xml" for i in range(feeds)]
    etags = None
    if conditional:
        etags = {}
        reader, writer = await asyncio.open_connection("127.0.1.1", port)
        for path in paths:  # learn each feed's ETag once
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            fields = dict(
                line.decode().split(": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line
            )
            await reader.readexactly(int(fields["Content-Length"]))
            etags[path] = fields["ETag"]
        writer.close()
    connections = 32
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            _worker(host_for(c, hosts), port, (paths * rounds)[c::connections], etags)
            for c in range(connections)
        )
    )
    wall = time.perf_counter() - started
    requests = sum(r[0] for r in results)
    size = sum(r[1] for r in results)
    return {"requests": requests, "wall": wall, "rps": requests / wall, "mb_s": size / wall / 1e6}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    full = asyncio.run(_load(args.port, args.hosts, args.feeds, args.rounds, False))
    cond = asyncio.run(_load(args.port, args.hosts, args.feeds, args.rounds, True))
    print(json.dumps({"full": full, "not_modified": cond}))


if __name__ == "__main__":
    main()
