"""From the second approval of an emergency notice to audio in every targeted commune's playlist, and to every
simulated loudspeaker player having confirmed playing it.

    python bench/emergency.py --communes 106 [--poll 10] [--json]

A fresh instance (SQLite, temporary data directory) gets Trà Vinh's commune register (the first ``--communes``
units), one player per commune and a notice for the whole province awaiting approval; ``loa serve`` runs with its
embedded worker; ``bench/loudspeaker_devices.py`` simulates the players over loopback (each polls every ``--poll``
seconds with If-None-Match, "plays" an emergency for 1 s and reports it). The leader approves, then the health
reviewer (API tokens); from that answer:

- ``approval_to_playlists_s``: from the second approval to the dispatch job's placing the notice (audio rendered
  once, every targeted commune's playlist in one transaction), by the server's clock; counted only if afterwards
  every player's playlist, asked directly, holds it (``playlists_holding``);
- ``approval_to_all_confirmed_s``: until the last player's play report was accepted;
- ``devices_missing``: players without a confirmation after poll + 40 s.

Targets: playlists ≤ 10 s; all confirmed ≤ poll + 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from loudspeaker_devices import Fleet  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(data: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    periodic = {"content.publish_due": "off", "channels.prepare_audio": "off"}
    return dict(
        env,
        LOA_DATA_DIR=str(data),
        LOA_DATABASE_URL="",
        LOA_SECRET_KEY="bench-emergency",
        LOA_PROVINCE="Trà Vinh",
        LOA_SEMANTIC="0",
        LOA_ARGON2_TIME_COST="1",
        LOA_ARGON2_MEMORY_KIB="8192",
        LOA_EMBEDDED_WORKER="true",
        LOA_PERIODIC=json.dumps(periodic),
    )


def seed(env: dict, communes: int, poll: int) -> dict:
    """Register, players, people, channels and the pending notice, written in this process."""
    os.environ.update(env)
    from loa.auth import service as auth
    from loa.channels import devices
    from loa.channels import service as channels
    from loa.channels.models import Commune
    from loa.clitools import cli_session, settings
    from loa.clock import utcnow
    from loa.content import service as content
    from loa.emergency import service as emergency

    settings = settings()
    with cli_session() as db:
        province = auth.get_or_create_province(db, "Trà Vinh", "84")
        health = auth.create_agency(db, province, "Sở Y tế", kind="health", is_health=True)
        btg = auth.create_agency(db, province, "Ban Tuyên giáo Tỉnh ủy", kind="party")
        people = {
            role: auth.create_user(db, settings, role, "Bench-password-1", roles=[role], agency=agency)
            for role, agency in (("coordinator", btg), ("editor", btg), ("leader", btg), ("reviewer", health))
        }
        channels.seed_register(db, people["coordinator"], "Trà Vinh")
        keep = channels.list_communes(db)[:communes]
        for c in channels.list_communes(db)[communes:]:
            db.delete(c)
        db.flush()
        content.create_channel(db, "Cổng thông tin điện tử tỉnh", "portal", slug="cong-thong-tin")
        content.create_channel(db, "Loa truyền thanh cơ sở", "loudspeaker", slug="loa-xa")
        keys = []
        for c in keep:
            channels.add_slot(db, people["coordinator"], c, "6:00", 30)
            device, key = devices.create_device(db, people["coordinator"], c, poll_seconds=poll)
            keys.append({"id": device.id, "key": key})
        notice = emergency.create_notice(
            db,
            people["editor"],
            title="Thông báo khẩn: nước lũ tràn đường tỉnh 912",
            body="Bà con không đi qua đoạn đường ngập; người bị thương gọi ngay số 115 hoặc trạm y tế xã.",
            expires_at=utcnow() + timedelta(hours=6),
            repeat_minutes=30,
        )
        tokens = {r: auth.create_token(db, people[r], "bench") for r in ("leader", "reviewer")}
        count = db.query(Commune).count()
        return {"keys": keys, "notice": notice.id, "item": notice.item_id, "tokens": tokens, "communes": count}


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "loa.cli", "serve", "--port", str(port)],
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"loa serve did not start:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


async def playlists_hold(base: str, keys: list[dict], item: int) -> int:
    """How many devices' playlists hold ``item`` now (asked once each)."""
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=8)) as client:

        async def check(k: dict) -> bool:
            r = await client.get(
                f"/api/v1/loudspeakers/devices/{k['id']}/playlist", headers={"Authorization": f"Bearer {k['key']}"}
            )
            return r.status_code == 200 and any(e["item_id"] == item for e in r.json()["emergency"])

        return sum(await asyncio.gather(*(check(k) for k in keys)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=106)
    parser.add_argument("--poll", type=int, default=10, help="the players' polling interval (s)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loa-bench-emergency-") as tmp:
        data = Path(tmp) / "data"
        env = environment(data)
        subprocess.run([sys.executable, "-m", "loa.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
        made = seed(env, args.communes, args.poll)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = serve(env, port, Path(tmp) / "serve.log")
        fleet = Fleet(base, made["keys"], args.poll, play_s=1.0)
        try:
            fleet.start()
            time.sleep(args.poll * 2)  # every player has its playlist (and its ETag) before the approval
            api = f"{base}/api/v1/emergency/notices/{made['notice']}"
            first = httpx.post(
                api + "/approve", timeout=60, headers={"Authorization": f"Bearer {made['tokens']['leader']}"}
            )
            first.raise_for_status()
            started = time.monotonic()
            second = httpx.post(
                api + "/approve", timeout=60, headers={"Authorization": f"Bearer {made['tokens']['reviewer']}"}
            )
            second.raise_for_status()
            auth = {"Authorization": f"Bearer {made['tokens']['leader']}"}
            while time.monotonic() - started < 120 and not httpx.get(api, timeout=60, headers=auth).json()["placed_at"]:
                time.sleep(0.2)
            deadline = started + args.poll + 40
            while time.monotonic() < deadline and not all(made["item"] in d.confirmed for d in fleet.devices):
                time.sleep(0.2)
            confirmed = [d.confirmed[made["item"]] - started for d in fleet.devices if made["item"] in d.confirmed]
            seen = [d.seen[made["item"]] - started for d in fleet.devices if made["item"] in d.seen]
            missing = sum(1 for d in fleet.devices if made["item"] not in d.confirmed)
            server = httpx.get(api, timeout=60, headers=auth).json()
            fleet.stop()
            holding = asyncio.run(playlists_hold(base, made["keys"], made["item"]))
        finally:
            fleet.stop()
            stop(proc)
    polls = sum(d.polls for d in fleet.devices)
    placed = server["placed_at"] and datetime.fromisoformat(server["placed_at"])
    to_playlists = (placed - datetime.fromisoformat(server["approved_at"])).total_seconds() if placed else None
    result = {
        "communes": made["communes"],
        "approval_to_playlists_s": round(to_playlists, 2)
        if to_playlists is not None and holding == len(made["keys"])
        else None,
        "approval_to_all_confirmed_s": round(max(confirmed), 2) if confirmed and not missing else None,
        "devices_missing": missing,
        "last_device_saw_it_s": round(max(seen), 2) if seen else None,
        "poll_s": args.poll,
        "playlists_holding": holding,
        "server_confirmations": sum(1 for c in server["confirmations"] if c["confirmed_at"]),
        "polls": polls,
        "not_modified_share": round(sum(d.not_modified for d in fleet.devices) / max(polls, 1), 3),
        "device_errors": sum(len(d.errors) for d in fleet.devices),
        "device_error_kinds": sorted({e for d in fleet.devices for e in d.errors}),
    }
    if args.json:
        print(json.dumps(result))
        return
    targets = {"approval_to_playlists_s": 10, "approval_to_all_confirmed_s": args.poll + 10}
    print(f"{'measure':32} {'value':>10} {'target':>10}")
    for key, value in result.items():
        target = f"≤ {targets[key]}" if key in targets else ""
        print(f"{key:32} {value!s:>10} {target:>10}")


if __name__ == "__main__":
    main()
