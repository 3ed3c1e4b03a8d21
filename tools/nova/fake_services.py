#!/usr/bin/python3
"""Stand-ins for the two services the real-Nova stage lacks but Nova and openstackclient ask (tools/nova/README.md).

- Neutron: Nova's server views ask for the security groups of a server's ports (`GET /v2.0/ports?
  device_id=...`) on every `GET /servers/{id}` and `GET /servers/detail`; no server has a port, so
  every `GET /v2.0/<collection>` is an empty list (`{"ports": []}`). Nova reaches it through
  `[neutron] endpoint_override`.
- Glance: openstackclient builds its image client for `server show` and discovers the image API's
  version first; `GET /image` answers Glance's list of versions (300). No image is ever looked up
  (the stage's servers have none). Keystone's catalog lists it as the `image` service.

Anything else is 404; 127.0.0.1 only.

    fake_services.py PORT
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
        elif parts == ['image']:
            host = self.headers.get('Host', '127.0.0.1')
            self.answer(300, {'versions': [{'id': 'v2.16', 'status': 'CURRENT', 'links': [{'rel': 'self', 'href': f'http://{host}/image/v2/'}]}]})
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
        sys.stderr.write('fake-services: ' + (fmt % args) + '\n')


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    ThreadingHTTPServer(('127.0.0.1', int(argv[1])), Handler).serve_forever()


if __name__ == '__main__':
    main(sys.argv)
