"""Serving: waitress for HTTP, plus Bolt's Socket Mode client when configured."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from bot.app import Warroom
from bot.errors import ConfigError
from bot.reminders.scheduler import start_scheduler
from bot.web import MAX_BODY_BYTES

log = logging.getLogger(__name__)

HTTP_THREADS = 8


def make_http_server(app: Warroom, host: str, port: int) -> Any:
    """Create (but do not start) the waitress server; port 0 picks a free port."""
    try:
        return _create(app, host, port)
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"Could not listen on {host}:{port}: {error}. Check HOST and PORT, "
            "and whether another process uses the port."
        ) from error


def _create(app: Warroom, host: str, port: int) -> Any:
    return create_server(
        app.web,
        host=host,
        port=port,
        threads=HTTP_THREADS,
        ident="warroom",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_BODY_BYTES,
    )


def stop_http_server(server: Any) -> None:
    """Stop a server whose loop runs in another thread, from any thread.

    Finishes in-flight requests, then closes every socket from inside the loop
    thread, so the loop never polls a socket that was closed under it. The loop
    returns once nothing is left open.
    """
    server.task_dispatcher.shutdown()
    sockets = server._map
    try:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(sockets))
    except OSError:
        # The trigger's pipe is already closed, so the loop cannot be woken. Close
        # the sockets from here, and the loop ends when it finds its map empty.
        log.warning("the HTTP loop's trigger was closed; closing sockets directly")
        wasyncore.close_all(sockets)


def serve(app: Warroom) -> None:
    """Serve until SIGINT or SIGTERM, then close cleanly."""
    settings = app.runtime.settings
    http = make_http_server(app, settings.host, settings.port)
    _stop_on_sigterm()
    scheduler = start_scheduler(app.runtime)
    socket_mode = None
    if settings.socket_mode:
        socket_mode = _start_socket_mode(app)
        app.web.ready_checks.append(lambda: _socket_mode_problem(socket_mode))
    address = f"http://{settings.host}:{http.effective_port}"
    log.info("waitress serving on %s with %d threads", address, HTTP_THREADS)
    try:
        http.run()
    except KeyboardInterrupt:
        pass  # SIGINT or SIGTERM: stop as below.
    finally:
        log.info("stopping")
        scheduler.shutdown(wait=False)
        if socket_mode is not None:
            socket_mode.close()
        # Finish in-flight requests before closing the sockets they use.
        http.task_dispatcher.shutdown()
        http.close()
        app.close()
        log.info("stopped")


def _start_socket_mode(app: Warroom) -> Any:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = app.runtime.settings.slack_app_token
    handler = SocketModeHandler(app.bolt, app_token=token)
    threading.Thread(target=handler.connect, name="socket-mode", daemon=True).start()
    log.info("Socket Mode connecting")
    return handler


def _socket_mode_problem(handler: Any) -> str | None:
    if handler.client.is_connected():
        return None
    return "Socket Mode is not connected to Slack"


def _stop_on_sigterm() -> None:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
