#!/usr/bin/env python3
"""Serves the assembled site (build/site) for Interleave.

By default every response carries the cross-origin isolation headers the threaded build needs:
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
  Cross-Origin-Resource-Policy: same-origin
--no-isolation leaves them out, as a plain static host or a blog would, to try the single-threaded fallback.

usage: scripts/serve.py [--port 8000] [--host 127.0.0.1] [--dir build/site] [--no-isolation]
"""
import argparse
import functools
import http.server
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Handler(http.server.SimpleHTTPRequestHandler):
    isolation = True
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
        ".png": "image/png",
        ".md": "text/plain; charset=utf-8",
    }

    def end_headers(self):
        if self.isolation:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("INTERLEAVE_SERVE_QUIET") != "1":
            super().log_message(fmt, *args)


def main():
    parser = argparse.ArgumentParser(description="Serve Interleave's site with (or without) COOP/COEP headers.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--dir", default=os.path.join(ROOT, "build", "site"))
    parser.add_argument("--no-isolation", action="store_true", help="leave out COOP/COEP/CORP headers")
    args = parser.parse_args()

    if not os.path.isfile(os.path.join(args.dir, "index.html")):
        sys.exit(f"serve: {args.dir} has no index.html; build the site first (scripts/build-web.sh)")
    handler = type("IsolationHandler", (Handler,), {"isolation": not args.no_isolation})
    server = http.server.ThreadingHTTPServer((args.host, args.port), functools.partial(handler, directory=args.dir))
    mode = "without isolation headers" if args.no_isolation else "with COOP/COEP headers (crossOriginIsolated)"
    print(f"serving {args.dir} {mode} at http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
