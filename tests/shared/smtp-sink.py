#!/usr/bin/python3
"""An SMTP server for the tests, on 127.0.0.1:PORT (aiosmtpd, Debian's
python3-aiosmtpd; run with /usr/bin/python3). Prints {"ready": true} once
it listens, then one JSON line per message it takes: {"from", "to",
"data", "at"} (at: seconds since the epoch). A line on stdin switches its
mode: "ok" takes messages (250), "drop" prints the message and then closes
the connection without an answer (the client cannot know whether it
went). Ends when stdin closes."""
import json
import sys
import threading
import time

from aiosmtpd.controller import Controller

MODE = {'mode': 'ok'}


class Handler:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({
            'from': envelope.mail_from,
            'to': envelope.rcpt_tos,
            'data': envelope.content.decode('utf-8', 'replace'),
            'at': time.time(),
            'mode': MODE['mode'],
        }), flush=True)
        if MODE['mode'] == 'drop':
            server.transport.close()
            return '421 closing'
        return '250 OK'


def main():
    port = int(sys.argv[1])
    c = Controller(Handler(), hostname='127.0.0.1', port=port)
    c.start()
    print(json.dumps({'ready': True}), flush=True)
    for line in sys.stdin:
        MODE['mode'] = line.strip() or MODE['mode']
        print(json.dumps({'mode': MODE['mode']}), flush=True)
    c.stop()


if __name__ == '__main__':
    main()
