#!/usr/bin/env python3
"""A stand-in for the providers' send APIs (Telegram Bot API, WeCom, Twilio), for the
end-to-end tests of the outbox's chat and SMS senders.

Serves HTTPS on 127.0.0.1 at a port the system picks, prints "listening on PORT" once it
accepts connections, and appends every request it gets to FOLDER/requests.jsonl as one
JSON object: method, path, query (decoded), authorization, content_type, body (decoded
JSON or form when it is one, else text).

It answers as the real services do for the cases the tests need, checking the
credentials it was given:
  Telegram  /bot<TOKEN>/sendMessage: 401 for another token; chat 429 gets "Too Many
            Requests" with retry_after 1 the first time; chat 403 "bot was blocked".
  WeCom     /cgi-bin/gettoken: a new token per call (errcode 40001 for a wrong secret);
            /cgi-bin/message/send: the first token it issued is reported expired
            (42001) once; touser "nobody" comes back in invaliduser.
  Twilio    /2010-04-01/Accounts/<SID>/Messages.json with Basic auth: 401 for other
            credentials; To +10000000000 is "not a valid phone number" (21211); a Body
            holding FAIL-ONCE gets a 503 the first time.
  Callback  /callback (the generic chat's and CTI's way back): 401 unless
            X-Intake-Signature is sha256=<hex HMAC-SHA256 of the body> under the
            callback secret; a recipient "gone" gets 410.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--tls-cert", required=True)
    parser.add_argument("--tls-key", required=True)
    parser.add_argument("--telegram-token", required=True)
    parser.add_argument("--wecom-corp-id", required=True)
    parser.add_argument("--wecom-secret", required=True)
    parser.add_argument("--twilio-sid", required=True)
    parser.add_argument("--twilio-token", required=True)
    parser.add_argument("--callback-secret", required=True)
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"tokens_issued": 0, "expired_reported": False, "limited_chats": set(), "failed_bodies": set()}
    log_path = os.path.join(args.folder, "requests.jsonl")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *unused):
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def record(self, body):
            url = urllib.parse.urlsplit(self.path)
            entry = {
                "method": self.command,
                "path": url.path,
                "query": dict(urllib.parse.parse_qsl(url.query)),
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
                "body": body,
            }
            with lock:
                with open(log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return url, entry

        def read_body(self):
            self.raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            raw = self.raw_body.decode("utf-8")
            kind = self.headers.get("Content-Type") or ""
            if kind.startswith("application/json"):
                return json.loads(raw)
            if kind.startswith("application/x-www-form-urlencoded"):
                return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            return raw

        def do_GET(self):
            url, entry = self.record(None)
            if url.path == "/cgi-bin/gettoken":
                q = entry["query"]
                if q.get("corpid") != args.wecom_corp_id or q.get("corpsecret") != args.wecom_secret:
                    return self.answer(200, {"errcode": 40001, "errmsg": "invalid credential"})
                with lock:
                    state["tokens_issued"] += 1
                    token = "wecom-token-%d" % state["tokens_issued"]
                return self.answer(200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})
            self.answer(404, {"error": "no such path"})

        def do_POST(self):
            body = self.read_body()
            url, entry = self.record(body)
            if url.path.startswith("/bot") and url.path.endswith("/sendMessage"):
                return self.telegram(url.path[len("/bot"):-len("/sendMessage")], body)
            if url.path == "/cgi-bin/message/send":
                return self.wecom(entry["query"].get("access_token"), body)
            if url.path == "/callback":
                return self.callback(body)
            prefix = "/2010-04-01/Accounts/"
            if url.path.startswith(prefix) and url.path.endswith("/Messages.json"):
                return self.twilio(url.path[len(prefix):-len("/Messages.json")], body)
            self.answer(404, {"error": "no such path"})

        def callback(self, body):
            expected = "sha256=" + hmac.new(args.callback_secret.encode(), self.raw_body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(self.headers.get("X-Intake-Signature") or "", expected):
                return self.answer(401, {"error": "bad signature"})
            if body.get("recipient") == "gone":
                return self.answer(410, {"error": "no such customer"})
            self.answer(200, {"received": body.get("id")})

        def telegram(self, token, body):
            if token != args.telegram_token:
                return self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            chat = body.get("chat_id")
            if chat == 429:
                with lock:
                    first = chat not in state["limited_chats"]
                    state["limited_chats"].add(chat)
                if first:
                    return self.answer(429, {"ok": False, "error_code": 429,
                                             "description": "Too Many Requests: retry after 1",
                                             "parameters": {"retry_after": 1}})
            if chat == 403:
                return self.answer(403, {"ok": False, "error_code": 403,
                                         "description": "Forbidden: bot was blocked by the user"})
            self.answer(200, {"ok": True, "result": {"message_id": 1, "chat": {"id": chat}, "text": body.get("text")}})

        def wecom(self, token, body):
            with lock:
                issued = state["tokens_issued"]
                expire_now = token == "wecom-token-1" and not state["expired_reported"]
                if expire_now:
                    state["expired_reported"] = True
            if not token or not token.startswith("wecom-token-") or int(token.rsplit("-", 1)[1]) > issued:
                return self.answer(200, {"errcode": 40014, "errmsg": "invalid access_token"})
            if expire_now:
                return self.answer(200, {"errcode": 42001, "errmsg": "access_token expired"})
            if body.get("touser") == "nobody":
                return self.answer(200, {"errcode": 0, "errmsg": "ok", "invaliduser": "nobody"})
            self.answer(200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "m1"})

        def twilio(self, sid, form):
            expected = "Basic " + base64.b64encode(("%s:%s" % (args.twilio_sid, args.twilio_token)).encode()).decode()
            if sid != args.twilio_sid or self.headers.get("Authorization") != expected:
                return self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if form.get("To") == "+10000000000":
                return self.answer(400, {"code": 21211, "message": "The 'To' number +10000000000 is not a valid phone number.",
                                         "status": 400})
            text = form.get("Body", "")
            if "FAIL-ONCE" in text:
                with lock:
                    first = text not in state["failed_bodies"]
                    state["failed_bodies"].add(text)
                if first:
                    return self.answer(503, {"code": 20500, "message": "Service Unavailable", "status": 503})
            self.answer(201, {"sid": "SM%032d" % 1, "status": "queued", "to": form.get("To"), "body": text})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
