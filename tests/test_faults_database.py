"""PostgreSQL going away during an incident and coming back.

The test puts a TCP proxy between the bot and the shared PostgreSQL server and cuts
it, which drops the bot's connections and refuses new ones as a restarting server
does. The shared server itself is never restarted, because other test runs use it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import POSTGRES_URL, make_settings
from driver import Driver
from sqlalchemy.engine import make_url
from tcp_proxy import TcpProxy

from bot.store.db import make_engine, normalize_url, upgrade

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="WARROOM_TEST_POSTGRES_URL is empty"),
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    target = make_url(normalize_url(POSTGRES_URL))
    with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def proxied_url(database_url, proxy) -> str:
    """Return the test database's URL with the proxy in place of the server."""
    url = make_url(normalize_url(database_url))
    moved = url.set(host="127.0.0.1", port=proxy.port)
    return moved.render_as_string(hide_password=False)


@pytest.fixture
def engine(proxied_url):
    engine = make_engine(proxied_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(fake_slack, proxied_url):
    return make_settings(fake_slack, proxied_url)


def test_database_restart_during_incident(running_bot, fake_slack, proxy):
    driver = Driver(running_bot, fake_slack)
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    ready = running_bot.url + "/readyz"
    before, _ = get(ready)

    proxy.cut()
    during, body = get(ready)
    during_command = driver.post_command(
        "note while the database is away", channel=channel
    )
    metrics_status, metrics = get(running_bot.url + "/metrics")

    assert before == 200
    assert during == 503
    assert json.loads(body)["database"] == "unreachable"
    # The delivery is recorded before the acknowledgement, so without the database
    # Slack gets an error and shows the person that the command failed.
    assert during_command.status != 200, during_command
    print(
        f"command during the outage: HTTP {during_command.status} after "
        f"{during_command.seconds:.2f} s"
    )
    assert metrics_status == 200
    assert b"warroom_commands_total" in metrics
    assert b"warroom_open_incidents{" not in metrics

    proxy.restore()
    fake_slack.wait_for(lambda: get(ready)[0] == 200, timeout=15)
    reply = driver.command("note after the database came back", channel=channel)

    assert "Sorry" not in reply["text"]
    notes = [event.text for event in driver.events(incident.id, "note")]
    assert notes == ["after the database came back"]
    stored = driver.incident(incident.id)
    assert stored.channel_id == channel
    assert (
        b'warroom_open_incidents{severity="unset"} 1'
        in get(running_bot.url + "/metrics")[1]
    )
