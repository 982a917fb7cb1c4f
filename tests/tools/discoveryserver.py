#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A web server for the discovery tests: appc discovery pages on 127.0.0.1.

discoveryserver.py [--tls CERT KEY] PORTFILE LOG ROUTES

Listens on a free port of 127.0.0.1 (HTTPS with --tls, else HTTP), writes
that port to PORTFILE once it listens (whole: written aside, then renamed)
and appends each request's target ("/app?ac-discovery=1") to LOG, one a
line, before answering it. ROUTES is a JSON object from a path (without its
query) to what that path answers:

  "body": "..."       the page, UTF-8 (default empty)
  "file": "NAME"      the page, the bytes of NAME (beside ROUTES)
  "repeat": N         the page N times over
  "status": N         the status (default 200, or 302 with "location")
  "location": "URL"   a Location header
  "no_length": true   no Content-Length: the body ends when the connection does
  "hang": true        read the request, then never answer

"@PORT@" in a body or a location is the port. Any other path is a 404.
Standard library only; runs until killed.
"""
import http.server
import json
import os
import socket
import ssl
import sys
import threading


def main(argv):
    args = argv[1:]
    ctx = None
    if args[:1] == ["--tls"]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[1], args[2])
        args = args[3:]
    if len(args) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    portfile, logfile, routesfile = args
    with open(routesfile, encoding="utf-8") as f:
        routes = json.load(f)
    here = os.path.dirname(os.path.abspath(routesfile))
    lock = threading.Lock()
    forever = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with lock, open(logfile, "a", encoding="utf-8") as log:
                log.write(self.path + "\n")
            route = routes.get(self.path.partition("?")[0])
            if route is None:
                route = {"status": 404, "body": "not found\n"}
            if route.get("hang"):
                forever.wait()
            port = str(self.server.server_address[1])
            if "file" in route:
                with open(os.path.join(here, route["file"]), "rb") as f:
                    body = f.read()
            else:
                body = route.get("body", "").replace("@PORT@", port).encode()
            body *= route.get("repeat", 1)
            status = route.get("status", 302 if "location" in route else 200)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if "location" in route:
                self.send_header("Location", route["location"].replace("@PORT@", port))
            if not route.get("no_length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (a body over its limit)

        def log_message(self, format, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def finish_request(self, request, client_address):
            # The TLS handshake in the connection's thread: a client that
            # never finishes it holds up no one else.
            if ctx:
                try:
                    request = ctx.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError):
                    return
            try:
                self.RequestHandlerClass(request, client_address, self)
            finally:
                if ctx:
                    request.close()

    server = Server(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
