#!/usr/bin/env python3
"""`interleave sim --svg/--png` end to end (docs/pictures.md): the real renderers, through the real binary.

Every preset's SVG parses as XML (python's xml.etree), is a real vector picture (a viewBox, rects, text) and stays
under the size a blog can carry; a scenario whose task names look like markup gives an SVG where they are text; the
PNG decodes (zlib) to the asked size with the span colours where the SVG puts the spans.

usage: pictures_cli_test.py path/to/interleave
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
MAX_SVG_BYTES = 400_000  # "a few hundred KB at most for a preset"


def run(exe, *args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300)


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, width, height = 8, b"", 0, 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad CRC in " + kind.decode()
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6), "not 8-bit RGBA"
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    assert len(raw) == stride * height
    assert all(raw[y * stride] == 0 for y in range(height)), "filters other than none"
    return width, height, lambda x, y: tuple(raw[y * stride + 1 + x * 4: y * stride + 1 + x * 4 + 4])


def main():
    exe = sys.argv[1]
    failures = []
    presets = run(exe, "presets").stdout.split()
    assert presets, "no presets"
    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for preset in presets:
            path = os.path.join(tmp, preset + ".svg")
            r = run(exe, "sim", preset, "--svg", path)
            if r.returncode != 0:
                failures.append(f"{preset}: exit {r.returncode}: {r.stderr.strip()}")
                continue
            sizes[preset] = os.path.getsize(path)
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as e:
                failures.append(f"{preset}: not XML: {e}")
                continue
            if root.tag != SVG + "svg" or not root.get("viewBox"):
                failures.append(f"{preset}: no <svg viewBox>")
            if len(root.findall(SVG + "rect")) < 5 or len(root.findall(SVG + "text")) < 3:
                failures.append(f"{preset}: too few rects or texts")
            if sizes[preset] > MAX_SVG_BYTES:
                failures.append(f"{preset}: {sizes[preset]} bytes, over {MAX_SVG_BYTES}")
        print("SVG bytes per preset:", json.dumps(sizes, sort_keys=True))

        # Hostile names.
        evil = "</text><script>alert(1)</script>&amp; ]]> \"'"
        scenario = {"name": "<svg onload=alert(1)>", "tasks": [{"name": evil, "count": 2, "steps": [{"cpu": "50ms"}]}],
                    "model": {"kind": "threads"}, "machine": {"cores": 2}}
        spath = os.path.join(tmp, "evil.json")
        with open(spath, "w") as f:
            json.dump(scenario, f)
        out = os.path.join(tmp, "evil.svg")
        r = run(exe, "sim", spath, "--svg", out, "--size", "4000x400")
        if r.returncode != 0:
            failures.append(f"hostile names: exit {r.returncode}: {r.stderr.strip()}")
        else:
            try:
                root = ET.parse(out).getroot()
            except ET.ParseError as e:
                failures.append(f"hostile names: not XML: {e}")
                root = ET.Element("none")
            if root.findall(".//" + SVG + "script") or root.findall(".//script"):
                failures.append("hostile names: a <script> element")
            texts = [t.text or "" for t in root.iter(SVG + "text")]
            if not any(t.startswith("</text><script>") for t in texts):
                failures.append(f"hostile names: the task's name is not text: {texts[:20]}")

        # PNG: the asked size; where the SVG draws a span (same view), the PNG has the span's colour. Without the
        # causality arrows, which are drawn over the spans (tests/unit/ui/picture_test.cpp checks those).
        png, svg = os.path.join(tmp, "p.png"), os.path.join(tmp, "p.svg")
        r = run(exe, "sim", "blog_cpu_threads", "--png", png, "--svg", svg, "--size", "900x500", "--no-arrows")
        if r.returncode != 0:
            failures.append(f"png: exit {r.returncode}: {r.stderr.strip()}")
        else:
            with open(png, "rb") as f:
                w, h, pixel = decode_png(f.read())
            if (w, h) != (900, 500):
                failures.append(f"png: {w}x{h}, asked 900x500")
            root = ET.parse(svg).getroot()
            colours = {}
            for rule in re.findall(r"\.s(\d+)\{fill:#([0-9a-f]{6})\}", root.find(SVG + "style").text):
                colours[rule[0]] = tuple(int(rule[1][i:i + 2], 16) for i in (0, 2, 4)) + (255,)
            checked = 0
            for group in root.iter(SVG + "g"):
                dy = float(re.match(r"translate\(0 ([-\d.]+)\)", group.get("transform")).group(1))
                for rect in group.findall(SVG + "rect"):
                    cls = rect.get("class", "")
                    if not re.match(r"[st]\d+$", cls):
                        continue
                    x, y = float(rect.get("x")), float(rect.get("y")) + dy
                    wd, ht = float(rect.get("width")), float(rect.get("height"))
                    if wd < 6 or y + ht > h or x + wd > w:
                        continue
                    # Most pixels have the state's colour; the rest are its pattern and its name.
                    want = colours[cls[1:]]
                    xs, ys = range(int(x) + 1, int(x + wd) - 1), range(int(y) + 1, int(y + ht) - 1)
                    same = sum(pixel(px, py) == want for px in xs for py in ys)
                    if same < 0.25 * len(xs) * len(ys):
                        failures.append(f"png: the span at ({x}, {y}) has its colour {want} in {same} of {len(xs) * len(ys)} pixels")
                    checked += 1
            if checked < 5:
                failures.append(f"png: only {checked} spans checked")
    for f in failures:
        print("FAIL:", f)
    print("pictures_cli_test:", "failed" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
