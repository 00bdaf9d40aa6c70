"""
An origin as CGI-style servers see a request: Python's own wsgiref server, answering with
the HTTP_* variables of the WSGI environ as JSON. wsgiref, like CGI, PHP and Rack, maps
`Sesame-User-Id` and `Sesame_User_Id` to the same HTTP_SESAME_USER_ID, so the gate tests can
see what such an origin would believe.

Prints its port on the first line of stdout; exits when its stdin closes (the test process
that started it has ended).
"""
import json
import os
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def app(environ, start_response):
    seen = {key: value for key, value in environ.items() if key.startswith("HTTP_")}
    body = json.dumps({"environ": seen}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def exit_with_parent():
    sys.stdin.read()
    os._exit(0)


server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
threading.Thread(target=exit_with_parent, daemon=True).start()
print(server.server_port, flush=True)
server.serve_forever()
