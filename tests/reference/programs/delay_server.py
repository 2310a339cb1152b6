"""A local HTTP server that answers every GET after a fixed delay: the stand-in for httpbin.org/delay/N that
the reference programs fetch from (tests/reference/run_suite.py starts it and stops it).

    python3 delay_server.py [--delay-ms 250] [--port 0]

Prints its port on the first line of stdout, then serves until killed. GET /delay/<ms> waits <ms>
milliseconds instead of the default. One thread per connection (ThreadingHTTPServer), HTTP/1.1 with
keep-alive, so aiohttp's pooled connections and requests' one-connection-per-call both work."""
import argparse
import http.server
import re
import sys
import time

DEFAULT_DELAY_S = 0.25
BODY = b'{"ok": true}\n'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body leave in one write, with Nagle off: otherwise the body waits for the client's
    # delayed ACK (40 ms on Linux) on every reused keep-alive connection (aiohttp's), never on a fresh one.
    disable_nagle_algorithm = True

    def do_GET(self):
        m = re.match(r"^/delay/(\d+(?:\.\d+)?)", self.path)
        time.sleep(float(m.group(1)) / 1000 if m else DEFAULT_DELAY_S)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self._headers_buffer.append(b"\r\n" + BODY)
        self.flush_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    global DEFAULT_DELAY_S
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay-ms", type=float, default=250.0)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    DEFAULT_DELAY_S = args.delay_ms / 1000
    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
