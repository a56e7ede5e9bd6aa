"""Many commune loudspeaker players over loopback: each polls its playlist (with If-None-Match), sends a heartbeat
now and then, "plays" every emergency it finds (as soon as it appears, for ``--play-s`` seconds instead of its real
length) and reports the play. Used by ``bench/emergency.py``; on its own:

    python bench/loudspeaker_devices.py --base http://127.0.0.1:8000 --keys keys.json --poll 5 --seconds 60

``keys.json`` is ``[{"id": 1, "key": "loa-dev-…"}, …]``. Prints one line per confirmed emergency play.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx


@dataclass
class Device:
    id: int
    key: str
    etag: str = ""
    polls: int = 0
    not_modified: int = 0
    played: set = field(default_factory=set)
    seen: dict = field(default_factory=dict)  # emergency item id → monotonic time first seen in the playlist
    confirmed: dict = field(default_factory=dict)  # emergency item id → monotonic time its report was accepted
    errors: list = field(default_factory=list)


async def _request(client: httpx.AsyncClient, method: str, url: str, **kw) -> httpx.Response:
    """One request, tried again once at once when a kept-alive connection turns out closed by the server."""
    try:
        return await client.request(method, url, **kw)
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError):
        return await client.request(method, url, **kw)


async def _play(client: httpx.AsyncClient, d: Device, entry: dict, play_s: float) -> None:
    start = datetime.now(UTC)
    await asyncio.sleep(play_s)
    end = start + timedelta(seconds=play_s)
    report = [
        {
            "item_id": entry["item_id"],
            "started_at": start.isoformat(),
            "ended_at": end.isoformat(),
            "outcome": "complete",
        }
    ]
    try:
        r = await _request(
            client,
            "POST",
            f"/api/v1/loudspeakers/devices/{d.id}/plays",
            json=report,
            headers={"Authorization": f"Bearer {d.key}"},
        )
    except httpx.TransportError as exc:
        d.errors.append(type(exc).__name__)
        return
    if r.status_code == 200:
        d.confirmed.setdefault(entry["item_id"], time.monotonic())
    else:
        d.errors.append(f"plays {r.status_code}")


async def run_device(client: httpx.AsyncClient, d: Device, poll: float, play_s: float, stop: asyncio.Event) -> None:
    """Poll until ``stop``; the first poll comes at a random moment of the interval, as real players drift."""
    await asyncio.sleep(random.uniform(0, poll))
    while not stop.is_set():
        headers = {"Authorization": f"Bearer {d.key}"}
        if d.etag:
            headers["If-None-Match"] = d.etag
        try:
            r = await _request(client, "GET", f"/api/v1/loudspeakers/devices/{d.id}/playlist", headers=headers)
            d.polls += 1
            if r.status_code == 304:
                d.not_modified += 1
            elif r.status_code == 200:
                d.etag = r.headers.get("etag", "")
                for entry in r.json()["emergency"]:
                    if entry["item_id"] not in d.played:
                        d.played.add(entry["item_id"])
                        d.seen.setdefault(entry["item_id"], time.monotonic())
                        asyncio.create_task(_play(client, d, entry, play_s))
            else:
                d.errors.append(f"playlist {r.status_code}")
            if d.polls % 10 == 0:
                await _request(
                    client,
                    "POST",
                    f"/api/v1/loudspeakers/devices/{d.id}/heartbeat",
                    json={"state": "idle"},
                    headers={"Authorization": f"Bearer {d.key}"},
                )
        except httpx.TransportError as exc:
            d.errors.append(type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll)
        except TimeoutError:
            pass


class Fleet:
    """The simulated devices, run in a background thread's event loop by :meth:`start`."""

    def __init__(self, base: str, keys: list[dict], poll: float, play_s: float = 1.0):
        self.base, self.poll, self.play_s = base, poll, play_s
        self.devices = [Device(k["id"], k["key"]) for k in keys]

    async def run(self, stop: asyncio.Event) -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=self.base, timeout=30, limits=limits) as client:
            await asyncio.gather(*(run_device(client, d, self.poll, self.play_s, stop) for d in self.devices))

    def start(self) -> None:
        import threading

        self.loop = asyncio.new_event_loop()
        self.stop_event = asyncio.Event()

        def main() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.run(self.stop_event))

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop_event.set)
            self.thread.join(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--keys", required=True)
    parser.add_argument("--poll", type=float, default=5.0)
    parser.add_argument("--play-s", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    fleet = Fleet(args.base, json.loads(open(args.keys).read()), args.poll, args.play_s)
    fleet.start()
    time.sleep(args.seconds)
    fleet.stop()
    for d in fleet.devices:
        print(
            json.dumps(
                {
                    "device": d.id,
                    "polls": d.polls,
                    "not_modified": d.not_modified,
                    "confirmed": sorted(d.confirmed),
                    "errors": d.errors[:3],
                }
            )
        )


if __name__ == "__main__":
    main()
