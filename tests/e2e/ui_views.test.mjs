// The playground as a reader uses it, in Debian's Chromium (playwright-core): pick a preset from the
// combo, switch the model, zoom with the wheel, hover a span and read its tooltip, and a screenshot of
// each view (timeline, compare, scaling) under build/screenshots/.
// Run: node --test tests/e2e/   (after scripts/build-web.sh)
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { SHOTS, TIMEOUT, cleanup, clickWidget, launch, readState, settle, settleMore, startServer } from "./support.mjs";

after(cleanup);

// Clicks a widget the app reports, then waits for a few frames with nothing simulating.
async function clickAndSettle(page, state, id) {
    await clickWidget(page, state, id);
    return settleMore(page);
}

test("pick a preset, switch the model, zoom with the wheel, hover a span, and see every view", { timeout: 240_000 }, async () => {
    const base = await startServer(false);
    const browser = await launch("block");
    const page = await browser.page();
    await page.goto(base + "app.html?isolation=off", { timeout: TIMEOUT });
    let s = await settle(page, 10);

    // Pick a preset from the combo.
    s = await clickAndSettle(page, s, "preset_combo");
    s = await clickAndSettle(page, s, "preset_item_blog_cpu_pool");
    assert.equal(s.preset, "blog_cpu_pool");

    // Switch the model to threads: the same workload under the GIL.
    s = await clickAndSettle(page, s, "model_threads");
    assert.equal(s.model, "threads");
    s = await clickAndSettle(page, s, "fit");
    await page.screenshot({ path: path.join(SHOTS, "ui-timeline.png") });

    // Zoom in with the wheel over the timeline: the visible range shrinks around the cursor.
    const timeline = s.widgets.timeline;
    const canvasBox = await page.locator("#canvas").boundingBox();
    const before = s.visible;
    await page.mouse.move(canvasBox.x + timeline[0] + timeline[2] / 2, canvasBox.y + timeline[1] + timeline[3] / 3);
    await page.mouse.wheel(0, -400);
    s = await settleMore(page);
    const after = s.visible;
    assert.ok(after[1] - after[0] < before[1] - before[0], `zoomed in: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    s = await clickAndSettle(page, s, "fit");

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
    s = await clickAndSettle(page, s, "tab_compare");
    // Every model is simulated in the background; the lanes appear when the comparison arrives.
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).widgets.compare_timeline,
                               null, { timeout: TIMEOUT });
    s = await settleMore(page);
    await page.screenshot({ path: path.join(SHOTS, "ui-compare.png") });
    // The same program on every release instead: a row and a section per release, the fastest named.
    s = await clickAndSettle(page, s, "compare_by_releases");
    await page.waitForFunction(() => (JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).compared || [])
                                         .includes("3.14t"), null, { timeout: TIMEOUT });
    s = await settleMore(page);
    assert.ok(s.compared.includes("3.11") && s.compared.includes("3.15t"), `releases compared: ${JSON.stringify(s.compared)}`);
    assert.ok(s.compare_lane_labels.length > 0, "the releases' lanes are drawn");
    await page.screenshot({ path: path.join(SHOTS, "ui-compare-releases.png") });
    s = await clickAndSettle(page, s, "compare_by_models");
    await page.waitForFunction(() => (JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).compared || [])
                                         .includes("threads"), null, { timeout: TIMEOUT });
    s = await clickAndSettle(page, s, "tab_scaling");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).widgets.scaling_plot,
                               null, { timeout: TIMEOUT });
    s = await settleMore(page, 20);
    await page.screenshot({ path: path.join(SHOTS, "ui-scaling.png") });
    browser.check();
});
