#!/usr/bin/python3
"""A stand-in for Neutron's ports API, for the real-Nova stage (tools/nova/README.md).

Nova's server views ask Neutron for the security groups of a server's ports (`GET /v2.0/ports?
device_id=...`) on every `GET /servers/{id}` and `GET /servers/detail`; the stage has no network
service, and no server has a port. This answers every GET with an empty list of the collection the
path names (`{"ports": []}`), anything else 404, on 127.0.0.1 only. Nova reaches it through
`[neutron] endpoint_override`, so no catalog entry is needed.

    fake_neutron.py PORT
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        parts = [p for p in urlsplit(self.path).path.split('/') if p]
        if len(parts) == 2 and parts[0] == 'v2.0':
            self.answer(200, {parts[1].replace('-', '_'): []})
        else:
            self.answer(404, {'NeutronError': {'type': 'HTTPNotFound', 'message': 'not served by the stage', 'detail': ''}})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write('fake-neutron: ' + (fmt % args) + '\n')


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    ThreadingHTTPServer(('127.0.0.1', int(argv[1])), Handler).serve_forever()


if __name__ == '__main__':
    main(sys.argv)
