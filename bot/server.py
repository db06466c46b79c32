"""Serving: waitress for HTTP, plus Bolt's Socket Mode client when configured."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from waitress.server import create_server

from bot.app import Warroom
from bot.web import MAX_BODY_BYTES

log = logging.getLogger(__name__)

HTTP_THREADS = 8


def make_http_server(app: Warroom, host: str, port: int) -> Any:
    """Create (but do not start) the waitress server; port 0 picks a free port."""
    return create_server(
        app.web,
        host=host,
        port=port,
        threads=HTTP_THREADS,
        ident="warroom",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_BODY_BYTES,
    )


def serve(app: Warroom) -> None:
    """Serve until SIGINT or SIGTERM, then close cleanly."""
    settings = app.runtime.settings
    http = make_http_server(app, settings.host, settings.port)
    _stop_on_sigterm()
    socket_mode = None
    if settings.socket_mode:
        socket_mode = _start_socket_mode(app)
    address = f"http://{settings.host}:{http.effective_port}"
    log.info("waitress serving on %s with %d threads", address, HTTP_THREADS)
    try:
        http.run()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        if socket_mode is not None:
            socket_mode.close()
        # Finish in-flight requests before closing the sockets they answer on.
        http.task_dispatcher.shutdown()
        http.close()
        app.close()


def _start_socket_mode(app: Warroom) -> Any:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = app.runtime.settings.slack_app_token
    handler = SocketModeHandler(app.bolt, app_token=token)
    threading.Thread(target=handler.connect, name="socket-mode", daemon=True).start()
    log.info("Socket Mode connecting")
    return handler


def _stop_on_sigterm() -> None:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
