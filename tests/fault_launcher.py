"""Run `warroom serve` with fault hooks that only tests can switch on.

The hooks live here, not in the bot, and are set by environment variables:

- WARROOM_TEST_KILL_BEFORE_CHANNEL=1: the process sends itself SIGKILL after an
  incident is stored and before its channel is created.
- WARROOM_TEST_ORPHAN_AFTER_SECONDS=<n>: an incident without a channel counts as
  abandoned after n seconds instead of the bot's default.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import timedelta
from typing import Any

import bot.flows.declare
import bot.flows.repair
from bot.cli import main


def kill_before_channel(runtime: Any, incident: Any) -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("SIGKILL did not stop the process")


if __name__ == "__main__":
    if os.environ.get("WARROOM_TEST_KILL_BEFORE_CHANNEL") == "1":
        bot.flows.declare.open_channel = kill_before_channel
    seconds = os.environ.get("WARROOM_TEST_ORPHAN_AFTER_SECONDS")
    if seconds:
        bot.flows.repair.ORPHAN_AFTER = timedelta(seconds=float(seconds))
    sys.exit(main(["serve"]))
