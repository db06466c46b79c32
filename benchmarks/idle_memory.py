"""Measure the memory of one idle `warroom serve` process, and after some work.

Starts `warroom serve` as a subprocess on SQLite with the fake Slack Web API, waits
until /readyz answers and the process has been idle for a few seconds, and prints
its resident memory (VmRSS from /proc, so Linux only). It then declares an incident,
sends N notes, waits for the replies, and prints the resident memory again.

    .venv/bin/python benchmarks/idle_memory.py [--settle 5] [--commands 100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import SECRET, FakeSlack, fake_slack, send_command


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"/proc/{pid}/status has no VmRSS line")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"warroom serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise SystemExit("warroom serve was not ready after 60 s")


def work(url: str, fake: FakeSlack, commands: int) -> None:
    send_command(url, fake, "declare Memory benchmark", "declare", "C0X1")
    fake.wait_for(lambda: fake.calls_to("pins.add"), timeout=30)
    channel = str(fake.calls_to("pins.add")[0].args["channel"])
    before = len(fake.responses)
    for index in range(commands):
        send_command(url, fake, f"note memory {index}", f"note-{index}", channel)
    fake.wait_for(lambda: len(fake.responses) >= before + commands, timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds")
    parser.add_argument("--commands", type=int, default=100)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    port = free_port()
    warroom = shutil.which("warroom", path=str(Path(sys.executable).parent))
    if warroom is None:
        raise SystemExit(
            "warroom is not installed in this environment; run make install"
        )

    with fake_slack() as fake:
        environ = {
            **os.environ,
            "SLACK_BOT_TOKEN": fake.token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
        process = subprocess.Popen(
            [warroom, "--log-level", "WARNING", "serve"], env=environ
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(url, process)
            time.sleep(args.settle)
            idle = resident_mib(process.pid)
            work(f"{url}/slack/events", fake, args.commands)
            busy = resident_mib(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    print("database: sqlite")
    print(f"resident memory when idle after {args.settle:.0f} s: {idle:.0f} MiB")
    print(f"resident memory after a declare and {args.commands} notes: {busy:.0f} MiB")


if __name__ == "__main__":
    main()
