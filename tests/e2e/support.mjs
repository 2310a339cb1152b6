// What the browser end-to-end suites share: the site server, a Chromium context that watches for console errors
// and third-party requests, waiting for the app to settle, clicking its widgets, checking a screenshot is not
// blank, and measuring how fast a page opens. Each *.test.mjs imports it and calls `after(cleanup)`.
//
// Environment: INTERLEAVE_SITE (default build/site), INTERLEAVE_SCREENSHOTS (default build/screenshots),
// INTERLEAVE_CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SITE = process.env.INTERLEAVE_SITE || path.join(ROOT, "build/site");
export const SHOTS = process.env.INTERLEAVE_SCREENSHOTS || path.join(ROOT, "build/screenshots");
export const CHROMIUM = process.env.INTERLEAVE_CHROMIUM || "/usr/bin/chromium";
export const FIXTURES = path.join(ROOT, "tests/e2e/fixtures");
export const TIMEOUT = 90_000;
mkdirSync(SHOTS, { recursive: true });

const servers = [];
const handles = [];

// Closes every browser context this process opened. A file's tests leave theirs open until it ends, each page still
// drawing: a test that measures frame gaps closes them first, or their frames are its load.
export async function closeBrowsers() {
    for (const h of handles.splice(0)) await h.cleanup().catch(() => {});
}

// Closes every browser context and stops every server this process started: `after(cleanup)`.
export async function cleanup() {
    await closeBrowsers();
    for (const s of servers.splice(0)) s.kill();
}

// Serves `dir` (the site, build/site) with scripts/serve.py on a free port, with or without the COOP/COEP headers;
// resolves to its base URL ("http://127.0.0.1:PORT/").
export function startServer(isolation, dir = SITE) {
    return new Promise((resolve, reject) => {
        const args = [path.join(ROOT, "scripts/serve.py"), "--port", "0", "--dir", dir];
        if (!isolation) args.push("--no-isolation");
        const child = spawn("python3", args, { env: { ...process.env, INTERLEAVE_SERVE_QUIET: "1" } });
        servers.push(child);
        let out = "";
        child.stdout.on("data", (chunk) => {
            out += chunk;
            const match = out.match(/http:\/\/[\d.]+:\d+\//);
            if (match) resolve(match[0]);
        });
        child.stderr.on("data", (chunk) => process.stderr.write(chunk));
        child.on("exit", (code) => reject(new Error(`serve.py exited with ${code}: ${out}`)));
    });
}

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
                       "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"];
const BROWSER = { executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: CHROMIUM_ARGS };

// Fails on any console error or page error, and on any request to a host other than 127.0.0.1/localhost.
function assertClean(errors, foreign) {
    assert.deepEqual(foreign, [], "requests to third-party hosts");
    assert.deepEqual(errors, [], "console errors");
}

// Records console errors and page errors of every page and frame of `context`, and every request to a host other
// than 127.0.0.1/localhost, into `errors` and `foreign`.
function watchContext(context, errors, foreign) {
    context.on("request", (req) => {
        const url = new URL(req.url());
        if (/^(https?|wss?):$/.test(url.protocol) && !["127.0.0.1", "localhost"].includes(url.hostname)) foreign.push(req.url());
    });
    const watch = (page) => {
        page.on("console", (msg) => { if (msg.type() === "error") errors.push(page.url() + ": " + msg.text()); });
        page.on("pageerror", (err) => errors.push(page.url() + ": " + String(err)));
    };
    context.on("page", watch);
    for (const p of context.pages()) watch(p);
}

// A fresh headless Chromium (its own profile) that records console errors and page errors of every page and
// frame, and every request to a host other than 127.0.0.1/localhost. `check()` asserts there were none.
// serviceWorkers: "allow" | "block".
// javaScriptEnabled: false reads pages as a reader with JavaScript off does (tests/e2e/authoring.test.mjs).
// `hasTouch`: a touch screen (the page gets touch events; tests send them with CDP's Input.dispatchTouchEvent);
// `deviceScaleFactor`: the screen's pixels per CSS pixel (3 for a phone, 2 for a laptop's retina screen).
export async function launch(serviceWorkers, { viewport = { width: 1280, height: 800 }, javaScriptEnabled = true,
                                               hasTouch = false, deviceScaleFactor = 1 } = {}) {
    const userDataDir = mkdtempSync(path.join(tmpdir(), "interleave-chromium-"));
    const context = await chromium.launchPersistentContext(userDataDir, { ...BROWSER, viewport, serviceWorkers, javaScriptEnabled,
                                                                           hasTouch, deviceScaleFactor });
    const errors = [];
    const foreign = [];
    watchContext(context, errors, foreign);
    const handle = {
        context, errors, foreign,
        // The context's first page (a persistent context opens with one).
        page: async () => context.pages()[0] || (await context.newPage()),
        cleanup: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); },
        check: () => assertClean(errors, foreign),
    };
    handles.push(handle);
    return handle;
}

// The app's state as it reports it (src/ui Playground::TestStateJson), in a page or a frame.
export async function readState(frame) {
    return frame.evaluate(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])));
}

// Records the gaps between animation frames until the app's state `s` satisfies `stopWhen` (a JavaScript expression
// over `s`, e.g. "!s.simulating"), or for `timeoutMs` when it is null; returns the longest gap, the frame count, the
// time taken and the gaps over 100 ms ([start ms, gap ms]). `startWith`, a JavaScript statement, runs in the page once
// the recording has begun, so that what it sets off is measured from its first frame. `sampleOf`, an expression over
// `s`, is recorded each frame: `samples` holds its values (the first 2000).
export async function longestFrameGap(page, timeoutMs, stopWhen = null, startWith = null, sampleOf = null) {
    return page.evaluate(async ({ timeoutMs, stopWhen, startWith, sampleOf }) => {
        const stop = stopWhen ? new Function("s", "return " + stopWhen) : () => false;
        const sample = sampleOf ? new Function("s", "return " + sampleOf) : null;
        const samples = [];
        if (startWith) requestAnimationFrame(() => new Function(startWith)());
        const until = () => {
            const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
            if (sample && samples.length < 2000) samples.push(sample(s));
            return stop(s);
        };
        let last = performance.now(), longest = 0, frames = 0;
        const start = last, slow = [];
        await new Promise((resolve) => {
            // performance.now(), not the callback's argument: that is the frame's scheduled start, which Chromium
            // may have set before a long task ran, so a blocked thread shows no gap in it.
            const tick = () => {
                const now = performance.now();
                longest = Math.max(longest, now - last);
                if (now - last > 100) slow.push([Math.round(last - start), Math.round(now - last)]);
                last = now;
                ++frames;
                if (until() || now - start > timeoutMs) resolve();
                else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        });
        return { longest, frames, elapsed: performance.now() - start, slow, samples };
    }, { timeoutMs, stopWhen, startWith, sampleOf });
}

// Waits until the app runs, has drawn more than `minFrame` frames, applied its link (if any) and finished
// simulating; returns its state.
export async function settle(frame, minFrame = 10) {
    await frame.waitForFunction(() => window.Module && Module.calledRun, null, { timeout: TIMEOUT });
    await frame.waitForFunction((n) => {
        const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
        return s.frame > n && !s.simulating && (!Module.interleaveLink.fragment || Module.interleaveLink.done);
    }, minFrame, { timeout: TIMEOUT });
    return readState(frame);
}

// Waits for `frames` more frames than now, with nothing simulating; returns the state.
export async function settleMore(frame, frames = 4) {
    return settle(frame, (await readState(frame)).frame + frames);
}

// Clicks the widget `id` the app reports in state.widgets ([x, y, w, h] in canvas pixels): moves there, then
// presses and releases in separate frames, as a hand does (some widgets act on the release). Returns nothing:
// callers wait for what the click should change.
export async function clickWidget(page, state, id, canvas = page.locator("#canvas")) {
    const r = state.widgets[id];
    assert.ok(r, `widget ${id} is reported (have: ${Object.keys(state.widgets).join(", ")})`);
    assert.ok(r[2] > 0 && r[3] > 0, `widget ${id} has a size`);
    await clickRect(page, r, canvas);
}

// Clicks the middle of `rect` ([x, y, w, h] in canvas pixels) as clickWidget does.
export async function clickRect(page, rect, canvas = page.locator("#canvas")) {
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + rect[0] + rect[2] / 2, box.y + rect[1] + rect[3] / 2);
    await page.waitForTimeout(60);
    await page.mouse.down();
    await page.waitForTimeout(60);
    await page.mouse.up();
}

// A touch screen for `page` of a context launched with `hasTouch`: returns touch(type, points), which sends CDP's
// Input.dispatchTouchEvent (type "touchStart", "touchMove" or "touchEnd") with one touch point per [x, y] in canvas
// pixels, the n-th point being finger n.
export async function touchScreen(handle, page) {
    const cdp = await handle.context.newCDPSession(page);
    const box = await page.locator("#canvas").boundingBox();
    return (type, points) => cdp.send("Input.dispatchTouchEvent", {
        type, touchPoints: points.map(([x, y], id) => ({ x: box.x + x, y: box.y + y, id })) });
}

// Mean and standard deviation of a PNG's luminance, decoded by the page itself.
export async function imageStats(page, png) {
    return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = "data:image/png;base64," + b64;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width; c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let sum = 0, sum2 = 0;
        const n = d.length / 4;
        for (let i = 0; i < d.length; i += 4) {
            const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
            sum += y; sum2 += y * y;
        }
        const mean = sum / n;
        return { mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
    }, png.toString("base64"));
}

// Screenshots `locator` into SHOTS/file and fails if it is (nearly) one flat colour.
export async function assertNotBlank(page, locator, file) {
    const shot = await locator.screenshot({ path: path.join(SHOTS, file) });
    const stats = await imageStats(page, shot);
    assert.ok(stats.std > 2, `${file}: looks blank (luminance mean ${stats.mean.toFixed(1)}, std ${stats.std.toFixed(2)})`);
    return stats;
}

// The start-up steps, in ms since navigation start, from the page's performance entries: the marks web/loader.js
// and src/platform/platform_sdl_web.cpp leave (performance.mark("interleave:<step>")) and the resource timings of
// the files. Absent steps are left out.
export async function loadBreakdown(page) {
    return page.evaluate(() => {
        const out = {};
        const nav = performance.getEntriesByType("navigation")[0];
        if (nav) out.html = nav.responseEnd;
        for (const r of performance.getEntriesByType("resource")) {
            const file = new URL(r.name).pathname.split("/").pop();
            if (file === "interleave.js") out["js-downloaded"] = r.responseEnd;
            if (file === "interleave.wasm") out["wasm-downloaded"] = r.responseEnd;
        }
        for (const m of performance.getEntriesByType("mark")) {
            if (m.name.startsWith("interleave:")) out[m.name.slice(11)] = m.startTime;
        }
        for (const k of Object.keys(out)) out[k] = Math.round(out[k]);
        return out;
    });
}

// One line: the steps in time order, e.g. "html 40, loader 52, start 53, js-downloaded 110, ...".
export function formatBreakdown(steps) {
    return Object.entries(steps).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v}`).join(", ");
}

// Opens `url` in `page` and measures it: Module.firstFrameMs (navigation start to the first frame that shows the
// requested view: src/platform/platform_sdl_web.cpp), Module.firstPaintMs (the first frame at all), the start-up
// breakdown, and the bytes of every response with their gzipped size. Returns them with the settled state.
export async function openMeasured(page, url) {
    const responses = [];
    const onResponse = (r) => responses.push(r);
    page.on("response", onResponse);
    await page.goto(url, { waitUntil: "load" });
    const s = await settle(page);
    await page.waitForFunction(() => Module.firstFrameMs > 0, null, { timeout: TIMEOUT });
    const { firstFrameMs, firstPaintMs } = await page.evaluate(() => ({ firstFrameMs: Module.firstFrameMs, firstPaintMs: Module.firstPaintMs }));
    const steps = await loadBreakdown(page);
    page.off("response", onResponse);
    let bytes = 0, gz = 0;
    const files = {};
    for (const r of responses) {
        let body;
        try { body = await r.body(); } catch { continue; }
        const enc = (r.headers()["content-encoding"] || "").toLowerCase();
        bytes += body.length;
        const g = enc ? body.length : zlib.gzipSync(body, { level: 9 }).length;
        gz += g;
        files[new URL(r.url()).pathname] = { bytes: body.length, gz: g };
    }
    return { state: s, firstFrameMs, firstPaintMs, steps, bytes, gz, files };
}

// How fast `url` opens, measured three ways (each run returns openMeasured's figures):
//   cold: a Chromium that is already running, in a fresh browser context (empty HTTP cache, no code cache, no service
//         worker, no cookies), where a tab has sat idle on about:blank for `idleMs` before it navigates to the page, as
//         a visitor's tab follows a link; the page is the first WebGL page of that browser. What a first-time visitor's
//         open browser pays.
//   warm: the same URL again in another idle tab of that context (HTTP cache, code cache, WebGL already used).
//   process: the first page of a Chromium launched just before (a fresh process and profile): it also pays the
//         browser's own start-up (its GPU process, renderers and built-in pages starting at the same time), which no
//         visitor pays; printed to keep an eye on it.
// Why the idle tab: the first tab of a new browser context opens a window, and with it Chromium loads a built-in page
// (the omnibox pop-up, chrome://omnibox-popup.top-chrome: about 400 JavaScript modules, about 2 s of its renderer's
// threads in a trace of an about:blank tab); a page navigated the moment its tab opens shares the 2 cores with that,
// and a visitor's link click does not. A second tab of the context starts no such load.
// A new browser for every cold run, so no run inherits another's caches. `freshProcess: false` leaves out the
// fresh-process run (for A/B comparisons of cold and warm only). Fails on console errors or third-party requests, as
// launch() does.
export async function measureLoads(url, { runs = 3, serviceWorkers = "block", viewport = { width: 1280, height: 800 },
                                         idleMs = 1500, freshProcess = true } = {}) {
    const out = { cold: [], warm: [], process: [] };
    const errors = [];
    const foreign = [];
    const idleTab = async (context) => {
        const page = await context.newPage();
        await page.goto("about:blank");
        await page.waitForTimeout(idleMs);
        return page;
    };
    for (let i = 0; i < runs; ++i) {
        const browser = await chromium.launch(BROWSER);
        try {
            const context = await browser.newContext({ viewport, serviceWorkers });
            watchContext(context, errors, foreign);
            const cold = await idleTab(context);
            out.cold.push(await openMeasured(cold, url));
            await cold.close();
            const warm = await idleTab(context);
            out.warm.push(await openMeasured(warm, url));
            await warm.close();
        } finally {
            await browser.close();
        }
    }
    if (freshProcess) {
        const fresh = await launch(serviceWorkers, { viewport });
        out.process.push(await openMeasured(await fresh.page(), url));
        fresh.check();
        await fresh.cleanup();
    }
    assertClean(errors, foreign);
    return out;
}

// The median of numbers.
export function median(values) {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
