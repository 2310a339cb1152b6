// The light theme and the phone, in Debian's Chromium (playwright-core).
// Run: node --test tests/e2e/   (after scripts/build-web.sh)
//   - an embed follows its page's prefers-color-scheme (a light post gets a light embed); ?theme= wins over it and
//     over a shared link's own theme
//   - at phone width (390 x 844) the timeline has the whole width: the scenario opens over it from the toolbar and
//     closes back; lane names drop their parenthesised tail before being cut ("Thread-1", not "T..ch)"); idle cores
//     share one row
// Screenshots go to build/screenshots/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { SHOTS, assertNotBlank, cleanup, clickWidget, launch, readState as state, settle, settleMore, startServer, touchScreen }
    from "./support.mjs";

after(cleanup);

let base;
async function server() {
    if (!base) base = await startServer(false);
    return base;
}

test("an embed follows the page's colour scheme, and ?theme= wins", { timeout: 180_000 }, async () => {
    const plain = await server();
    const b = await launch("block");
    const page = await b.page();
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(plain + "app.html?isolation=off&embed&preset=convoy_effect", { waitUntil: "load" });
    let s = await settle(page);
    assert.equal(s.embed, true);
    assert.equal(s.theme, "light", "a light page gets a light embed");
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains("light")), true);
    await assertNotBlank(page, page.locator("#canvas"), "embed-light-convoy.png");

    await page.goto(plain + "app.html?isolation=off&embed&theme=dark&preset=convoy_effect", { waitUntil: "load" });
    s = await settle(page);
    assert.equal(s.theme, "dark", "?theme=dark wins over the page's light preference");

    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(plain + "app.html?isolation=off&embed&preset=convoy_effect", { waitUntil: "load" });
    s = await settle(page);
    assert.equal(s.theme, "dark", "a dark page gets a dark embed");
    // A link shared in the dark theme, opened with ?theme=light: the parameter wins.
    const fragment = await page.evaluate(async () => {
        const state = JSON.parse(Module.ccall("interleave_get_view_state", "string", [], []));
        state.theme = "dark";
        return Module.interleaveEncode(JSON.stringify(state));
    });
    await page.goto(plain + "app.html?isolation=off&theme=light#" + fragment, { waitUntil: "load" });
    s = await settle(page);
    assert.equal(s.error, "");
    assert.equal(s.theme, "light");
    b.check();
});

test("on a phone the timeline has the width, the scenario opens over it, and lane names stay readable",
     { timeout: 180_000 }, async () => {
    const plain = await server();
    const b = await launch("block", { viewport: { width: 390, height: 844 } });
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&preset=convoy_effect", { waitUntil: "load" });
    let s = await settle(page);
    assert.equal(s.narrow, true);
    assert.equal(s.scenario_open, false);
    const timeline = s.widgets.timeline;
    // The label column takes at most 36% of the width (less when the names are short), the lanes the rest.
    assert.ok(timeline && timeline[2] > 0.55 * 390, `the lanes take most of the width: ${JSON.stringify(timeline)}`);
    assert.ok(s.lane_labels.some((l) => l.startsWith("Thread-1")) && s.lane_labels.some((l) => l.startsWith("Thread-2")),
              `threads keep their names: ${JSON.stringify(s.lane_labels)}`);
    assert.ok(!s.lane_labels.some((l) => l.includes("..")), `no cut names: ${JSON.stringify(s.lane_labels)}`);
    assert.ok(s.lane_labels.includes("Cores 2-3 idle"), `idle cores share a row: ${JSON.stringify(s.lane_labels)}`);
    for (const id of ["scenario_open", "play", "stop", "help", "share", "embed"]) {
        const r = s.widgets[id];
        assert.ok(r, `the toolbar has ${id}`);
        assert.ok(r[0] + r[2] <= 390.5, `${id} ends inside the window: ${JSON.stringify(r)}`);
    }
    await page.screenshot({ path: path.join(SHOTS, "phone-convoy.png") });

    await clickWidget(page, s, "scenario_open");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).scenario_open);
    s = await settleMore(page);
    assert.ok(s.widgets.scenario_content[2] > 0.8 * 390, "the scenario takes the whole width");
    await page.screenshot({ path: path.join(SHOTS, "phone-convoy-scenario.png") });
    await clickWidget(page, s, "scenario_close");
    await page.waitForFunction(() => !JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).scenario_open);
    b.check();
});

// Touch, as a phone sends it (CDP touch events through the page, SDL's finger events, the app's PinchTracker): two
// fingers moving apart zoom in around the point between them, and back together zoom out; the emulated mouse of the
// first finger does not pan meanwhile.
test("on a phone two fingers pinch the timeline around the point between them", { timeout: 180_000 }, async () => {
    const plain = await server();
    const b = await launch("block", { viewport: { width: 390, height: 844 }, hasTouch: true, deviceScaleFactor: 3 });
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&preset=blog_cpu_threads", { waitUntil: "load" });
    let s = await settle(page);
    const [x0, y0, w, h] = s.widgets.timeline;
    const touch = await touchScreen(b, page);
    const fitted = s.visible;
    const midX = x0 + w * 0.5, y = y0 + Math.min(h * 0.3, 80);
    const timeAtMid = (fitted[0] + fitted[1]) / 2;
    await touch("touchStart", [[midX - 40, y], [midX + 40, y]]);
    for (let k = 1; k <= 8; ++k) {  // 80 px apart to 240: three times the spread
        await touch("touchMove", [[midX - 40 - 10 * k, y], [midX + 40 + 10 * k, y]]);
        await page.waitForTimeout(30);
    }
    await touch("touchEnd", []);
    s = await settleMore(page);
    const width = s.visible[1] - s.visible[0], was = fitted[1] - fitted[0];
    assert.ok(Math.abs(width - was / 3) < was * 0.02, `a third of the time shown: ${JSON.stringify(fitted)} -> ${JSON.stringify(s.visible)}`);
    assert.ok(Math.abs((s.visible[0] + s.visible[1]) / 2 - timeAtMid) < was * 0.02,
              `the time between the fingers stays there: ${timeAtMid} -> ${(s.visible[0] + s.visible[1]) / 2}`);
    await page.screenshot({ path: path.join(SHOTS, "phone-pinched.png") });
    // Back together: the whole run again.
    await touch("touchStart", [[midX - 120, y], [midX + 120, y]]);
    for (let k = 1; k <= 8; ++k) {
        await touch("touchMove", [[midX - 120 + 10 * k, y], [midX + 120 - 10 * k, y]]);
        await page.waitForTimeout(30);
    }
    await touch("touchEnd", []);
    s = await settleMore(page);
    assert.ok(Math.abs((s.visible[1] - s.visible[0]) - was) < was * 0.02, `zoomed back out: ${JSON.stringify(s.visible)}`);
    b.check();
});
