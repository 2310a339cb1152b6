#!/usr/bin/env python3
"""The committed v1 share link (tests/e2e/fixtures/v1-link.txt) and its payload (v1-link.json) say the same thing.

The browser test opens the link itself; the native test (ShareLinks.TheCommittedV1LinkStillOpensAsItWasMade) reads
the payload, since the native build has no inflate. This check ties the two: the link's fragment is "v1." and the
base64url (unpadded) of the payload's raw DEFLATE stream, as web/ writes it."""
import base64
import json
import pathlib
import sys
import zlib

FIXTURES = pathlib.Path(__file__).resolve().parent / "e2e" / "fixtures"


def main():
    link = (FIXTURES / "v1-link.txt").read_text().strip()
    prefix, _, body = link.partition(".")
    if prefix != "v1" or not body:
        sys.exit(f"v1-link.txt: expected 'v1.<base64url>', got {link[:20]!r}")
    payload = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), -15)
    committed = (FIXTURES / "v1-link.json").read_bytes().rstrip(b"\n")
    if payload != committed:
        sys.exit("v1-link.json is not the payload of v1-link.txt: regenerate it from the link (see this file)")
    json.loads(payload)  # and it is JSON
    print("share link fixture: v1-link.json is the payload of v1-link.txt")


if __name__ == "__main__":
    main()
