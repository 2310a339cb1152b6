// The playground as a reader uses it, in Debian's Chromium (playwright-core): pick a preset from the
// combo, switch the model, zoom with the wheel, hover a span and read its tooltip, and a screenshot of
// each view (timeline, compare, scaling) under build/screenshots/.
// Run: node --test tests/e2e/   (after scripts/build-web.sh)
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SITE = process.env.INTERLEAVE_SITE || path.join(ROOT, "build/site");
const SHOTS = process.env.INTERLEAVE_SCREENSHOTS || path.join(ROOT, "build/screenshots");
const TIMEOUT = 90_000;
mkdirSync(SHOTS, { recursive: true });

let server = null;
let context = null;
let userDataDir = null;
after(async () => {
    if (context) await context.close().catch(() => {});
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (server) server.kill();
});

function startServer() {
    return new Promise((resolve, reject) => {
        server = spawn("python3", [path.join(ROOT, "scripts/serve.py"), "--port", "0", "--dir", SITE, "--no-isolation"],
                       { env: { ...process.env, INTERLEAVE_SERVE_QUIET: "1" } });
        let out = "";
        server.stdout.on("data", (chunk) => {
            out += chunk;
            const match = out.match(/http:\/\/[\d.]+:\d+\//);
            if (match) resolve(match[0]);
        });
        server.on("exit", (code) => reject(new Error(`serve.py exited with ${code}: ${out}`)));
    });
}

const readState = (page) => page.evaluate(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])));

// Waits for `frames` more frames and no simulation in flight, then returns the state.
async function settle(page, frames = 4) {
    const start = (await readState(page)).frame;
    await page.waitForFunction((n) => {
        const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
        return s.frame > n && !s.simulating;
    }, start + frames, { timeout: TIMEOUT });
    return readState(page);
}

async function clickWidget(page, canvasBox, state, id) {
    const r = state.widgets[id];
    assert.ok(r, `widget ${id} is reported (have: ${Object.keys(state.widgets).join(", ")})`);
    // Press and release in separate frames, as a hand does: some widgets act on the release.
    await page.mouse.move(canvasBox.x + r[0] + r[2] / 2, canvasBox.y + r[1] + r[3] / 2);
    await page.waitForTimeout(60);
    await page.mouse.down();
    await page.waitForTimeout(60);
    await page.mouse.up();
    return settle(page);
}

test("pick a preset, switch the model, zoom with the wheel, hover a span, and see every view", { timeout: 240_000 }, async () => {
    const base = await startServer();
    userDataDir = mkdtempSync(path.join(tmpdir(), "interleave-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: "/usr/bin/chromium", headless: true, chromiumSandbox: false,
        args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"],
        viewport: { width: 1280, height: 800 }, serviceWorkers: "block",
    });
    const errors = [];
    const page = await context.newPage();
    page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text()); });
    page.on("pageerror", (err) => errors.push(String(err)));
    await page.goto(base + "app.html?isolation=off", { timeout: TIMEOUT });
    await page.waitForFunction(() => window.Module && Module.calledRun, null, { timeout: TIMEOUT });
    let s = await settle(page, 10);
    const canvasBox = await page.locator("canvas").first().boundingBox();

    // Pick a preset from the combo.
    s = await clickWidget(page, canvasBox, s, "preset_combo");
    s = await clickWidget(page, canvasBox, s, "preset_item_blog_cpu_pool");
    assert.equal(s.preset, "blog_cpu_pool");

    // Switch the model to threads: the same workload under the GIL.
    s = await clickWidget(page, canvasBox, s, "model_threads");
    assert.equal(s.model, "threads");
    s = await clickWidget(page, canvasBox, s, "fit");
    await page.screenshot({ path: path.join(SHOTS, "ui-timeline.png") });

    // Zoom in with the wheel over the timeline: the visible range shrinks around the cursor.
    const timeline = s.widgets.timeline;
    const before = s.visible;
    await page.mouse.move(canvasBox.x + timeline[0] + timeline[2] / 2, canvasBox.y + timeline[1] + timeline[3] / 3);
    await page.mouse.wheel(0, -400);
    s = await settle(page);
    const after = s.visible;
    assert.ok(after[1] - after[0] < before[1] - before[0], `zoomed in: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    s = await clickWidget(page, canvasBox, s, "fit");

    // Hover the lanes until a span's tooltip names a GIL wait and its holder.
    let tooltip = "";
    for (let fx = 0.2; fx < 0.9 && !/waiting for the GIL held by/.test(tooltip); fx += 0.15) {
        for (let y = timeline[1] + 4; y < timeline[1] + timeline[3] && !/waiting for the GIL held by/.test(tooltip); y += 6) {
            await page.mouse.move(canvasBox.x + timeline[0] + timeline[2] * fx, canvasBox.y + y);
            await page.waitForTimeout(30);
            tooltip = (await readState(page)).hover_tooltip || "";
        }
    }
    assert.match(tooltip, /waiting for the GIL held by \S+/, `a GIL-wait tooltip (last seen: "${tooltip}")`);
    assert.match(tooltip, /\d+(\.\d+)? (ns|us|ms|s)/, "the tooltip gives times with units");
    await page.screenshot({ path: path.join(SHOTS, "ui-tooltip.png") });

    // Every view renders: compare and scaling.
    s = await clickWidget(page, canvasBox, s, "tab_compare");
    // Every model is simulated in the background; the lanes appear when the comparison arrives.
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).widgets.compare_timeline,
                               null, { timeout: TIMEOUT });
    s = await settle(page);
    await page.screenshot({ path: path.join(SHOTS, "ui-compare.png") });
    s = await clickWidget(page, canvasBox, s, "tab_scaling");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).widgets.scaling_plot,
                               null, { timeout: TIMEOUT });
    s = await settle(page, 20);
    await page.screenshot({ path: path.join(SHOTS, "ui-scaling.png") });
    assert.deepEqual(errors, [], "console errors");
});
