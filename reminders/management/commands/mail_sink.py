"""A local SMTP server that prints every message it receives: the mail server of `make run`
(Procfile.dev), so reminders show up in the console. Never for production."""

from __future__ import annotations

import email
import email.policy
import logging
import signal
import threading
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class PrintingHandler:
    def __init__(self, command: BaseCommand) -> None:
        self.command = command

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        out = self.command.stdout
        out.write("=" * 72)
        for name in ("Message-ID", "From", "To", "Subject", "List-Unsubscribe"):
            if message[name]:
                out.write(f"{name}: {str(message[name]).strip()}")
        body = message.get_body(preferencelist=("plain",))
        if body is not None:
            out.write("")
            out.write(body.get_content().rstrip())
        attachments = [part.get_filename() for part in message.iter_attachments()]
        if attachments:
            out.write(f"[attachments: {', '.join(str(name) for name in attachments)}]")
        out.flush()
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = "Run a local SMTP server that prints received mail (for `make run`)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
        controller = Controller(PrintingHandler(self), hostname=host, port=port)
        try:
            controller.start()
        except OSError as exc:
            raise CommandError(f"Cannot listen on {host}:{port} ({exc}); set EMAIL_PORT to a free port.") from exc
        self.stdout.write(f"Mail sink listening on {host}:{port}; messages are printed here.")
        self.stdout.flush()
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        controller.stop()
