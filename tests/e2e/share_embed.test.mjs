// Share links, embeds, bad links, and how fast the page opens, in Debian's Chromium (playwright-core).
// Run: node --test tests/e2e/   (after scripts/build-web.sh)
//   - a shared link round-trips to the same view (preset, models, visible range, selected task), and the same
//     link gives the same metrics in the threaded build (isolated server) and the single-threaded one (plain server)
//   - a committed v1 link (tests/e2e/fixtures/v1-link.txt) keeps opening
//   - bad links (garbage, truncated, v99, 1 MB, a million tasks, an unknown preset) give a message and the default view
//   - the sample post (web/demo-post.html) renders its three lazy embeds under a server without isolation headers
//   - the landing page lists the presets; no console errors, no request to any host but 127.0.0.1/localhost
//   - prints time to first frame (cold: a fresh context in a running browser; warm; a fresh browser process), its
//     breakdown by start-up step, the load average, and bytes transferred, for both builds
// Screenshots and JSON go to build/screenshots/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { FIXTURES, SHOTS, TIMEOUT, assertNotBlank, cleanup, clickWidget, formatBreakdown, launch, measureLoads, median,
         openMeasured, readState as state, settle, startServer } from "./support.mjs";

after(cleanup);

// What a shared view is: compared between the page that shared and the page that opened the link.
function viewOf(s) {
    return { preset: s.preset, models: s.models, visible: s.visible, selected_task: s.selected_task, tab: s.tab, model: s.model };
}

let isolatedBase, plainBase;
async function bases() {
    if (!isolatedBase) [isolatedBase, plainBase] = await Promise.all([startServer(true), startServer(false)]);
    return { isolatedBase, plainBase };
}

test("a shared link round-trips to the same view, with the same metrics in both builds; first frame and bytes",
     { timeout: 480_000 }, async () => {
    const { isolatedBase, plainBase } = await bases();
    const iso = await launch("allow");
    const plain = await launch("block");

    // The view to share: a preset from ?preset=, then the models, range and selected task changed.
    const page = await iso.page();
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
    await clickWidget(page, shared, "share");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).share_url !== "", null, { timeout: 10_000 });
    const sharer = await state(page);
    const link = sharer.share_url;
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/app\.html#v1\.[A-Za-z0-9_-]+$/);
    const box = await page.locator("#canvas").boundingBox();
    await page.mouse.move(box.x + 600, box.y + 780);  // no tooltip in the screenshot
    await page.waitForTimeout(150);
    await assertNotBlank(page, page.locator("#canvas"), "share-before.png");
    await page.close();  // a page left open keeps drawing frames: it would slow the loads measured below

    // Open it in a fresh page (threaded build).
    const opened = await iso.context.newPage();
    await opened.goto(link, { waitUntil: "load" });
    const got = await settle(opened);
    assert.equal(await opened.evaluate(() => Module.interleaveLink.applied), true);
    assert.deepEqual(viewOf(got), viewOf(sharer), "the link restores the view");
    assert.deepEqual(viewOf(got), { ...viewOf(got), preset: "blog_cpu_threads", models: view.models, visible: view.visible, selected_task: 2 });
    assert.equal(got.error, "");
    await assertNotBlank(opened, opened.locator("#canvas"), "share-after.png");
    await opened.close();

    // The same link in the single-threaded build (a server without isolation headers): identical results.
    const single = await plain.page();
    const singleUrl = link.replace(isolatedBase, plainBase).replace("app.html#", "app.html?isolation=off#");
    const singleRun = await openMeasured(single, singleUrl);
    assert.equal(await single.evaluate(() => Module.interleaveBuild), "web-single");
    assert.equal(await single.evaluate(() => self.crossOriginIsolated), false);
    assert.deepEqual(viewOf(singleRun.state), viewOf(got));
    assert.ok(got.makespan > 0);
    assert.equal(singleRun.state.makespan, got.makespan, "makespan: single-threaded = threaded");
    assert.equal(singleRun.state.metrics_line, got.metrics_line, "metrics line: single-threaded = threaded");
    await assertNotBlank(single, single.locator("#canvas"), "share-after-single.png");
    await single.close();

    // How fast the page opens (support.mjs measureLoads says exactly what cold, warm and process mean): the same view,
    // ?preset=blog_cpu_threads, in each build, LOAD_RUNS cold and warm runs each and one fresh-process run.
    // firstFrameMs: navigation start to the first frame showing the requested view (simulated, link applied); first
    // paint: the first frame at all. The load average is printed with the figures: they are noisy on a busy machine.
    const runs = Number(process.env.INTERLEAVE_LOAD_RUNS || 3);
    const loadBefore = os.loadavg()[0];
    const loads = {
        single: await measureLoads(plainBase + "app.html?isolation=off&preset=blog_cpu_threads", { runs, serviceWorkers: "block" }),
        threads: await measureLoads(isolatedBase + "app.html?preset=blog_cpu_threads", { runs, serviceWorkers: "allow" }),
    };
    const kb = (n) => Math.round(n / 1024) + "KB";
    const sec = (ms) => (ms / 1000).toFixed(2) + "s";
    const ff = (list) => list.map((r) => r.firstFrameMs);
    const med = (list) => sec(median(ff(list)));
    const all = (list) => ff(list).map(sec).join(" ");
    const line = `first-frame cold (running browser, fresh context; median of ${runs}): single=${med(loads.single.cold)} ` +
                 `threads=${med(loads.threads.cold)}; warm: single=${med(loads.single.warm)} threads=${med(loads.threads.warm)}; ` +
                 `fresh process: single=${med(loads.single.process)} threads=${med(loads.threads.process)}; ` +
                 `load average ${loadBefore.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}; ` +
                 `bytes single=${kb(singleRun.bytes)} (gz ${kb(singleRun.gz)}) threads=${kb(threads.bytes)} (gz ${kb(threads.gz)})`;
    console.log(line);
    for (const build of ["single", "threads"]) {
        for (const kind of ["cold", "warm", "process"]) {
            const list = loads[build][kind];
            const run = list[0];
            console.log(`  ${build} ${kind}: first frame ${all(list)}; first run: first paint ${Math.round(run.firstPaintMs)} ms, ` +
                        `steps (ms since navigation start): ${formatBreakdown(run.steps)}`);
        }
    }
    console.log(`  shared link, single-threaded, first page of a browser started at the test's start: first frame ` +
                `${sec(singleRun.firstFrameMs)}, first paint ${sec(singleRun.firstPaintMs)}; ${formatBreakdown(singleRun.steps)}`);
    const figures = { line, single: loads.single, threads: loads.threads, link: singleRun, threadsPreset: threads };
    writeFileSync(path.join(SHOTS, "load-figures.json"), JSON.stringify(figures, null, 2));
    for (const build of ["single", "threads"]) {
        for (const run of [...loads[build].cold, ...loads[build].warm, ...loads[build].process]) {
            assert.equal(run.state.preset, "blog_cpu_threads");
            assert.ok(run.firstPaintMs > 0 && run.firstPaintMs <= run.firstFrameMs, "the first paint comes first");
            assert.ok(run.steps["wasm-compiled"] > 0 && run.steps["first-frame"] > 0, "the start-up steps are marked");
            assert.ok(run.firstFrameMs < 15_000, "first frame within 15 s even on a slow machine");
        }
    }
    assert.deepEqual(viewOf(loads.single.cold[0].state), viewOf(loads.threads.cold[0].state), "the same view in both builds");
    assert.equal(loads.single.cold[0].state.metrics_line, loads.threads.cold[0].state.metrics_line, "the same metrics in both builds");
    // The ceiling is 1 MB; the budget holds the page near what it weighs (559 KB on 2026-12-05, docs/embedding.md
    // "How heavy it is"), so that growth is a decision, made with its figures, not an accident.
    assert.ok(singleRun.gz <= 580 * 1024, `single-threaded build is ${kb(singleRun.gz)} gzipped (budget: 580 KB)`);

    iso.check();
    plain.check();
});

test("a v1 link committed in tests/e2e/fixtures keeps opening", { timeout: 120_000 }, async () => {
    const { plainBase } = await bases();
    const b = await launch("block");
    const page = await b.page();
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
    const page = await b.page();
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
            await clickWidget(page, s, "banner_dismiss");
            await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).error === "", null, { timeout: 10_000 });
        }
    }
    b.check();
});

test("the sample post renders its three lazy embeds on a server without isolation headers", { timeout: 300_000 }, async () => {
    const { plainBase } = await bases();
    const b = await launch("allow");
    const page = await b.page();
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
    const page = await b.page();
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
