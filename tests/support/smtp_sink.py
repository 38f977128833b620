#!/usr/bin/python3
"""A real SMTP server for the tests (aiosmtpd, from Debian's python3-aiosmtpd).

Listens on 127.0.0.1 at a port the system picks and prints "listening on PORT" once it
accepts connections. Each message it accepts is written to OUT_DIR as N.eml (the DATA
exactly as received) with N.json beside it ({"mail_from", "rcpt_tos", "tls", "auth"}),
the .eml renamed into place last so that a reader never sees half a message.

--tls-cert/--tls-key  offer STARTTLS and require it before MAIL
--user/--password     require AUTH (PLAIN or LOGIN) with these credentials
--tempfail-first N    answer the first N messages' DATA with 451 (try again later)
--reject-rcpt TEXT    answer RCPT TO with 550 for addresses containing TEXT
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--tempfail-first", type=int, default=0)
    parser.add_argument("--reject-rcpt")
    args = parser.parse_args()

    state = {"seen": 0, "stored": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.reject_rcpt and args.reject_rcpt in address:
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            state["seen"] += 1
            if state["seen"] <= args.tempfail_first:
                return "451 4.3.0 try again later"
            state["stored"] += 1
            n = state["stored"]
            meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None, "auth": session.authenticated}
            with open(os.path.join(args.out_dir, f"{n}.json"), "w") as f:
                json.dump(meta, f)
            tmp = os.path.join(args.out_dir, f".{n}.tmp")
            with open(tmp, "wb") as f:
                f.write(envelope.original_content)
            os.rename(tmp, os.path.join(args.out_dir, f"{n}.eml"))
            return "250 2.0.0 stored"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user \
            and auth_data.password.decode() == args.password
        return AuthResult(success=ok)

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def factory():
        return SMTP(Handler(), hostname="sink.e2e.test", tls_context=tls_context,
                    require_starttls=tls_context is not None,
                    auth_required=args.user is not None, auth_require_tls=tls_context is not None,
                    authenticator=authenticator if args.user else None)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    sys.exit(main())
