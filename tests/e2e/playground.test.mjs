// Browser end-to-end tests of the web builds, in Debian's Chromium driven by playwright-core.
// Run: node --test tests/e2e/   (after scripts/build-web.sh; scripts/test.sh does both)
// Two cases, one per build:
//   threaded: site served WITH COOP/COEP headers -> crossOriginIsolated, web-threads build
//   single:   site served WITHOUT headers, service worker blocked -> not isolated, web-single build
// and a first visit to a static host (no headers, service worker allowed): coi-serviceworker reloads the page isolated
// and the threaded build runs, without fetching the single-threaded build first.
// Each checks: the right build loads, its WebGL context has no depth or stencil buffer, no console error, no
// third-party request, the canvas is not blank, a click on the Play button flips "playing" in the app's test state
// (Module.ccall('interleave_test_state')).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { SHOTS, TIMEOUT, assertNotBlank, cleanup, clickWidget, launch, readState, settle, startServer } from "./support.mjs";

after(cleanup);

async function checkBuild({ name, isolation, query, expectIsolated, expectBuild }) {
    const base = await startServer(isolation);
    const browser = await launch(isolation ? "allow" : "block");
    const page = await browser.page();
    await page.goto(base + "app.html" + query, { waitUntil: "load" });
    await page.waitForFunction(() => window.Module && Module.calledRun, null, { timeout: TIMEOUT });
    await page.waitForFunction(
        () => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).frame > 10, null, { timeout: TIMEOUT });

    const info = await page.evaluate(() => {
        // getContext returns the context the app created; its attributes are what the browser allocated.
        const gl = document.getElementById("canvas").getContext("webgl2");
        const attributes = gl ? gl.getContextAttributes() : null;
        return { isolated: self.crossOriginIsolated, build: Module.interleaveBuild, attributes };
    });
    assert.equal(info.isolated, expectIsolated, "crossOriginIsolated");
    assert.equal(info.build, expectBuild, "build chosen by the loader");
    assert.ok(info.attributes, "the canvas has a WebGL2 context");
    // ImGui draws with neither test: a drawing buffer without depth, stencil or multisampling is less to allocate.
    assert.deepEqual([info.attributes.depth, info.attributes.stencil, info.attributes.antialias], [false, false, false],
                     "WebGL drawing buffer: depth, stencil, antialias");

    const canvas = page.locator("#canvas");
    const stats = await assertNotBlank(page, canvas, `web-${name}.png`);

    const before = await readState(page);
    assert.equal(typeof before.playing, "boolean");
    await clickWidget(page, before, "play");
    await page.waitForFunction(
        (was) => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).playing !== was,
        before.playing, { timeout: 10_000 });
    const afterState = await readState(page);
    assert.equal(afterState.playing, !before.playing, "click on Play flips playing");
    await page.waitForTimeout(200);
    await canvas.screenshot({ path: path.join(SHOTS, `web-${name}-after-click.png`) });

    browser.check();
    writeFileSync(path.join(SHOTS, `web-${name}.json`), JSON.stringify({ ...info, stats, before, after: afterState }, null, 2));
    await browser.cleanup();
}

test("threaded build loads on a crossOriginIsolated page and reacts to a click", { timeout: 180_000 }, () =>
    checkBuild({ name: "threads", isolation: true, query: "", expectIsolated: true, expectBuild: "web-threads" }));

test("single-threaded build loads on a page without isolation headers and reacts to a click", { timeout: 180_000 }, () =>
    checkBuild({ name: "single", isolation: false, query: "?isolation=off", expectIsolated: false, expectBuild: "web-single" }));

test("first visit to a static host: the service worker isolates the page, the threaded build runs, the single one is never fetched",
     { timeout: 180_000 }, async () => {
    const base = await startServer(false);
    const browser = await launch("allow");
    const page = await browser.page();
    const builds = [];
    browser.context.on("request", (req) => {
        const m = new URL(req.url()).pathname.match(/\/(web-single|web-threads)\//);
        if (m) builds.push(m[1]);
    });
    const t0 = Date.now();
    await page.goto(base + "app.html?preset=blog_cpu_threads", { waitUntil: "load" });
    await page.waitForFunction(() => self.crossOriginIsolated === true && window.Module && Module.firstFrameMs > 0, null, { timeout: TIMEOUT });
    const elapsed = Date.now() - t0;
    const s = await settle(page);
    assert.equal(await page.evaluate(() => Module.interleaveBuild), "web-threads");
    assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true, "the page is controlled by the worker");
    assert.equal(s.preset, "blog_cpu_threads");
    assert.ok(builds.includes("web-threads"));
    assert.ok(!builds.includes("web-single"), `the single-threaded build is not fetched (requests: ${builds.join(", ")})`);
    console.log(`static host, first visit: first frame ${elapsed} ms after the first navigation started ` +
                `(${Math.round(await page.evaluate(() => Module.firstFrameMs))} ms after the reload's)`);
    await assertNotBlank(page, page.locator("#canvas"), "web-static-first-visit.png");
    browser.check();
    await browser.cleanup();
});
