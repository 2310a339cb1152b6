// Share links, embeds, bad links, and how fast the page opens, in Debian's Chromium (playwright-core).
// Run: node --test tests/e2e/   (after scripts/build-web.sh)
//   - a shared link round-trips to the same view (preset, models, visible range, selected task), and the same
//     link gives the same metrics in the threaded build (isolated server) and the single-threaded one (plain server)
//   - a committed v1 link (tests/e2e/fixtures/v1-link.txt) keeps opening
//   - bad links (garbage, truncated, v99, 1 MB, a million tasks, an unknown preset) give a message and the default view
//   - the sample post (web/demo-post.html) renders its three lazy embeds under a server without isolation headers
//   - the landing page lists the presets; no console errors, no request to any host but 127.0.0.1/localhost
//   - prints time to first frame and bytes transferred for both builds
// Screenshots and JSON go to build/screenshots/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SITE = process.env.INTERLEAVE_SITE || path.join(ROOT, "build/site");
const SHOTS = process.env.INTERLEAVE_SCREENSHOTS || path.join(ROOT, "build/screenshots");
const CHROMIUM = process.env.INTERLEAVE_CHROMIUM || "/usr/bin/chromium";
const FIXTURES = path.join(ROOT, "tests/e2e/fixtures");
const TIMEOUT = 90_000;
mkdirSync(SHOTS, { recursive: true });

const servers = [];
const contexts = [];
after(async () => {
    for (const c of contexts) await c.cleanup().catch(() => {});
    for (const s of servers) s.kill();
});

function startServer(isolation) {
    return new Promise((resolve, reject) => {
        const args = [path.join(ROOT, "scripts/serve.py"), "--port", "0", "--dir", SITE];
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

// A browser context that records console errors and fails on any request to a third-party host.
async function launch(serviceWorkers) {
    const userDataDir = mkdtempSync(path.join(tmpdir(), "interleave-chromium-"));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        chromiumSandbox: false,
        args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        viewport: { width: 1280, height: 800 },
        serviceWorkers,
    });
    const errors = [];
    const foreign = [];
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
    const handle = {
        context, errors, foreign,
        cleanup: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); },
        check() {
            assert.deepEqual(foreign, [], "requests to third-party hosts");
            assert.deepEqual(errors, [], "console errors");
        },
    };
    contexts.push(handle);
    return handle;
}

const STATE = () => JSON.parse(Module.ccall("interleave_test_state", "string", [], []));

async function state(frame) { return frame.evaluate(STATE); }

// Waits until the app runs, has drawn frames, applied its link and finished simulating.
async function settle(frame, minFrame = 10) {
    await frame.waitForFunction(() => window.Module && Module.calledRun, null, { timeout: TIMEOUT });
    await frame.waitForFunction((n) => {
        const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
        return s.frame > n && !s.simulating && (!Module.interleaveLink.fragment || Module.interleaveLink.done);
    }, minFrame, { timeout: TIMEOUT });
    return state(frame);
}

async function imageStats(page, png) {
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

async function assertNotBlank(page, locator, file) {
    const shot = await locator.screenshot({ path: path.join(SHOTS, file) });
    const stats = await imageStats(page, shot);
    assert.ok(stats.std > 2, `${file}: looks blank (luminance mean ${stats.mean.toFixed(1)}, std ${stats.std.toFixed(2)})`);
    return stats;
}

// What a shared view is: compared between the page that shared and the page that opened the link.
function viewOf(s) {
    return { preset: s.preset, models: s.models, visible: s.visible, selected_task: s.selected_task, tab: s.tab, model: s.model };
}

// Opens `url`, measuring time to first frame and the bytes of every response (and their gzipped size).
async function openMeasured(page, url) {
    const responses = [];
    const onResponse = (r) => responses.push(r);
    page.on("response", onResponse);
    await page.goto(url, { waitUntil: "load" });
    const s = await settle(page);
    await page.waitForFunction(() => Module.firstFrameMs > 0, null, { timeout: TIMEOUT });
    const firstFrameMs = await page.evaluate(() => Module.firstFrameMs);
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
    return { state: s, firstFrameMs, bytes, gz, files };
}

let isolatedBase, plainBase;
async function bases() {
    if (!isolatedBase) [isolatedBase, plainBase] = await Promise.all([startServer(true), startServer(false)]);
    return { isolatedBase, plainBase };
}

test("a shared link round-trips to the same view, with the same metrics in both builds; first frame and bytes",
     { timeout: 300_000 }, async () => {
    const { isolatedBase, plainBase } = await bases();
    const iso = await launch("allow");
    const plain = await launch("block");

    // The view to share: a preset from ?preset=, then the models, range and selected task changed.
    const page = iso.context.pages()[0] || (await iso.context.newPage());
    const threads = await openMeasured(page, isolatedBase + "app.html?preset=blog_cpu_threads");
    assert.equal(await page.evaluate(() => Module.interleaveBuild), "web-threads");
    assert.equal(threads.state.preset, "blog_cpu_threads");
    const view = JSON.parse(await page.evaluate(() => Module.ccall("interleave_get_view_state", "string", [], [])));
    view.models = ["threads", "processes", "asyncio"];
    view.visible = [100_000_000, 900_000_000];
    view.selectedTask = 2;
    const why = await page.evaluate((json) => Module.ccall("interleave_apply_view_state", "string", ["string"], [json]), JSON.stringify(view));
    assert.equal(why, "");
    const shared = await settle(page);
    // The Share button makes the link (the page also copies it to the clipboard).
    const [x, y, w, h] = shared.widgets.share;
    const box = await page.locator("#canvas").boundingBox();
    await page.mouse.move(box.x + x + w / 2, box.y + y + h / 2);
    await page.waitForTimeout(100);
    await page.mouse.click(box.x + x + w / 2, box.y + y + h / 2);
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).share_url !== "", null, { timeout: 10_000 });
    const sharer = await state(page);
    const link = sharer.share_url;
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/app\.html#v1\.[A-Za-z0-9_-]+$/);
    await page.mouse.move(box.x + 600, box.y + 780);  // no tooltip in the screenshot
    await page.waitForTimeout(150);
    await assertNotBlank(page, page.locator("#canvas"), "share-before.png");

    // Open it in a fresh page (threaded build).
    const opened = await iso.context.newPage();
    await opened.goto(link, { waitUntil: "load" });
    const got = await settle(opened);
    assert.equal(await opened.evaluate(() => Module.interleaveLink.applied), true);
    assert.deepEqual(viewOf(got), viewOf(sharer), "the link restores the view");
    assert.deepEqual(viewOf(got), { ...viewOf(got), preset: "blog_cpu_threads", models: view.models, visible: view.visible, selected_task: 2 });
    assert.equal(got.error, "");
    await assertNotBlank(opened, opened.locator("#canvas"), "share-after.png");

    // The same link in the single-threaded build (a server without isolation headers): identical results.
    const single = plain.context.pages()[0] || (await plain.context.newPage());
    const singleUrl = link.replace(isolatedBase, plainBase).replace("app.html#", "app.html?isolation=off#");
    const singleRun = await openMeasured(single, singleUrl);
    assert.equal(await single.evaluate(() => Module.interleaveBuild), "web-single");
    assert.equal(await single.evaluate(() => self.crossOriginIsolated), false);
    assert.deepEqual(viewOf(singleRun.state), viewOf(got));
    assert.ok(got.makespan > 0);
    assert.equal(singleRun.state.makespan, got.makespan, "makespan: single-threaded = threaded");
    assert.equal(singleRun.state.metrics_line, got.metrics_line, "metrics line: single-threaded = threaded");
    await assertNotBlank(single, single.locator("#canvas"), "share-after-single.png");

    // How fast the page opens (the measured loads: ?preset= threaded, the link single-threaded).
    const kb = (n) => Math.round(n / 1024) + "KB";
    const line = `first-frame single=${(singleRun.firstFrameMs / 1000).toFixed(2)}s threads=${(threads.firstFrameMs / 1000).toFixed(2)}s; ` +
                 `bytes single=${kb(singleRun.bytes)} (gz ${kb(singleRun.gz)}) threads=${kb(threads.bytes)} (gz ${kb(threads.gz)})`;
    console.log(line);
    writeFileSync(path.join(SHOTS, "load-figures.json"), JSON.stringify({ line, single: singleRun, threads }, null, 2));
    assert.ok(singleRun.gz <= 1024 * 1024, `single-threaded build is ${kb(singleRun.gz)} gzipped (aim: at most 1 MB)`);
    assert.ok(singleRun.firstFrameMs < 15_000 && threads.firstFrameMs < 15_000, "first frame within 15 s even on a slow machine");

    iso.check();
    plain.check();
});

test("a v1 link committed in tests/e2e/fixtures keeps opening", { timeout: 120_000 }, async () => {
    const { plainBase } = await bases();
    const b = await launch("block");
    const page = b.context.pages()[0] || (await b.context.newPage());
    const fragment = readFileSync(path.join(FIXTURES, "v1-link.txt"), "utf8").trim();
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, "v1-link.expected.json"), "utf8"));
    await page.goto(plainBase + "app.html?isolation=off#" + fragment, { waitUntil: "load" });
    const s = await settle(page);
    assert.equal(s.error, "");
    assert.equal(await page.evaluate(() => Module.interleaveLink.applied), true);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(s[k], v, k);
    b.check();
});

test("bad links show a message and the default scenario, never a blank page", { timeout: 300_000 }, async () => {
    const { plainBase } = await bases();
    const b = await launch("block");
    const page = b.context.pages()[0] || (await b.context.newPage());
    const base = plainBase + "app.html?isolation=off";
    const fixture = readFileSync(path.join(FIXTURES, "v1-link.txt"), "utf8").trim();

    // The default view, for comparison; and the million-task link, made with the page's own encoder.
    await page.goto(base, { waitUntil: "load" });
    const normal = await settle(page);
    const huge = await page.evaluate(async () => {
        const view = JSON.parse(Module.ccall("interleave_get_view_state", "string", [], []));
        view.scenario.tasks[0].count = 1_000_000;
        return Module.interleaveEncode(JSON.stringify(view));
    });
    const cases = [
        { name: "garbage", url: base + "#v1.%%%not-a-link!!", message: /damaged/ },
        { name: "not-a-view", url: base + "#hello", message: /not an Interleave view/ },
        { name: "truncated", url: base + "#" + fixture.slice(0, Math.floor(fixture.length / 2)), message: /damaged or truncated/ },
        { name: "future-version", url: base + "#v99." + fixture.slice(3), message: /newer version.*v99/ },
        { name: "one-megabyte", url: base + "#v1." + "A".repeat(1 << 20), message: /too long/ },
        { name: "million-tasks", url: base + "#" + huge, message: /100[,.' ]?000|tasks/ },
        { name: "unknown-preset", url: plainBase + "app.html?isolation=off&preset=no_such_preset", message: /no preset named/ },
    ];
    for (const c of cases) {
        await page.goto("about:blank");
        // A 1 MB URL takes a while to commit on a loaded 2-core machine: settle() waits for the app anyway.
        await page.goto(c.url, { waitUntil: "domcontentloaded", timeout: TIMEOUT });
        const s = await settle(page);
        assert.match(s.error, c.message, `${c.name}: message`);
        assert.equal(s.preset, normal.preset, `${c.name}: the default scenario is shown`);
        assert.ok(s.spans > 0, `${c.name}: a trace is shown`);
        assert.ok(s.widgets.banner, `${c.name}: the banner is drawn`);
        await page.mouse.move(5, 795);
        await assertNotBlank(page, page.locator("#canvas"), `bad-link-${c.name}.png`);
        console.log(`bad link ${c.name}: "${s.error}"`);
        // The banner is dismissable.
        if (c.name === "garbage") {
            const [x, y, w, h] = s.widgets.banner_dismiss;
            await page.mouse.click(x + w / 2, y + h / 2);
            await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).error === "", null, { timeout: 10_000 });
        }
    }
    b.check();
});

test("the sample post renders its three lazy embeds on a server without isolation headers", { timeout: 300_000 }, async () => {
    const { plainBase } = await bases();
    const b = await launch("allow");
    const page = b.context.pages()[0] || (await b.context.newPage());
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.goto(plainBase + "demo-post.html", { waitUntil: "load" });
    const iframes = page.locator("iframe.interleave");
    assert.equal(await iframes.count(), 3);
    await page.screenshot({ path: path.join(SHOTS, "demo-post-top.png") });  // the first embed's placeholder or view
    // The last embed is far below the fold: still a placeholder, no wasm loaded.
    const last = await (await iframes.nth(2).elementHandle()).contentFrame();
    await last.waitForSelector("#load", { state: "visible", timeout: TIMEOUT });
    assert.equal(await last.evaluate(() => !!(window.Module && Module.calledRun)), false, "lazy: not loaded before it is seen");
    // The placeholder, as the reader first sees it (an element screenshot would scroll it into view and load it).
    const placeholder = await last.evaluate(() => document.getElementById("placeholder").innerText);
    assert.match(placeholder, /Load interactive timeline/);
    assert.match(placeholder, /Interleave/);
    const expect = ["blog_io_asyncio", "blog_cpu_threads", "asyncio_blocking_call"];
    for (let i = 0; i < 3; ++i) {
        const el = iframes.nth(i);
        await el.scrollIntoViewIfNeeded();
        const frame = await (await el.elementHandle()).contentFrame();
        if (i === 1) await frame.click("#load").catch(() => {});  // a click loads it too (if not already)
        const s = await settle(frame, 5);
        assert.equal(s.embed, true);
        assert.equal(s.preset, expect[i]);
        assert.equal(s.error, "");
        assert.match(s.metrics_line, /makespan/);
        assert.equal(await frame.evaluate(() => Module.interleaveBuild), "web-single");
        if (i === 1) assert.equal(s.tab, "compare");
        const href = await frame.getAttribute("#open-full", "href");
        assert.ok(href.includes("preset=" + expect[i]) && !href.includes("embed"), "link to the full playground");
        await page.waitForTimeout(200);
        await assertNotBlank(page, el, `embed-${i + 1}-${expect[i]}.png`);
    }
    await page.screenshot({ path: path.join(SHOTS, "demo-post.png"), fullPage: false });
    b.check();
});

test("the landing page links every preset and lazily embeds a live scenario", { timeout: 180_000 }, async () => {
    const { isolatedBase } = await bases();
    const b = await launch("allow");
    const page = b.context.pages()[0] || (await b.context.newPage());
    await page.goto(isolatedBase, { waitUntil: "load" });
    const presets = await page.locator("ul.presets a").count();
    assert.ok(presets >= 20, `preset links: ${presets}`);
    assert.equal(await page.locator('a[href="docs/embedding.md"]').count(), 1);
    const el = page.locator("iframe").first();
    await el.scrollIntoViewIfNeeded();
    const frame = await (await el.elementHandle()).contentFrame();
    const s = await settle(frame, 5);
    assert.equal(s.embed, true);
    await assertNotBlank(page, el, "landing-embed.png");
    await page.screenshot({ path: path.join(SHOTS, "landing.png"), fullPage: true });
    b.check();
});
