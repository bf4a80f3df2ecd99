#!/usr/bin/python3
"""A real SMTP server for the alert tests (Debian's python3-aiosmtpd): listens on 127.0.0.1:PORT and
writes each message it accepts to DIR as a JSON file (envelope, decoded subject, Message-ID, plain text
and HTML parts), written under a temporary name and renamed, so a reader never sees half a file.
Prints "ready" once listening; stops when its standard input closes or it is killed."""

import email
import email.policy
import json
import os
import sys

from aiosmtpd.controller import Controller


class Saver:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_subtype()] = part.get_content()
        self.count += 1
        name = os.path.join(self.directory, f"{os.getpid()}-{self.count:04}.json")
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "subject": str(message["subject"]),
                    "message_id": str(message["message-id"]),
                    "text": parts.get("plain", ""),
                    "html": parts.get("html", ""),
                },
                f,
                ensure_ascii=False,
            )
        os.rename(name + ".tmp", name)
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Saver(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
