// Story steps (issue 17) in Debian's Chromium (playwright-core).
// Run: node --test tests/e2e/story.test.mjs   (after scripts/build-web.sh)
//   - a preset with a story opens on its first step; Next and Previous (clicked) and the arrow keys step; a step
//     shows its range and its lanes, and one that switches the model simulates it
//   - ?step=N opens on step N; Share writes the step into the link, which reopens there; the Embed snippet too
//   - at phone width (390 x 844) the bar's buttons and caption stay inside the window, the caption under the buttons
// Screenshots go to build/screenshots/story-*.png.
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

// Waits until the app shows story step `step` (0-based) with nothing simulating; returns the state. An embed loads
// its module only after the click on #load, and until the runtime has run `Module` has no ccall: not ready yet, not an
// error (CI at 00:45 UTC 2026-12-05 failed once on "Module.ccall is not a function" here, then passed).
async function onStep(page, step) {
    await page.waitForFunction((n) => {
        if (!window.Module || !Module.calledRun) return false;
        const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
        return s.story.step === n && !s.simulating;
    }, step, { timeout: 60_000 });
    return settleMore(page);
}

function inside(r, width, id) {
    assert.ok(r, `the bar has ${id}`);
    assert.ok(r[0] >= 0 && r[0] + r[2] <= width + 0.5, `${id} lies inside the ${width} px window: ${JSON.stringify(r)}`);
}

test("next, previous and the arrow keys walk through a story, with its ranges, lanes and models",
     { timeout: 240_000 }, async () => {
    const plain = await server();
    const b = await launch("block");
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&preset=asyncio_blocking_call", { waitUntil: "load" });
    let s = await settle(page);
    assert.equal(s.story.step, 0, "a story opens on its first step");
    assert.ok(s.story.steps >= 3);
    assert.match(s.story.caption, /time\.sleep\(1\)/);
    assert.equal(s.model, "asyncio");
    await page.screenshot({ path: path.join(SHOTS, "story-desktop-step1.png") });

    await clickWidget(page, s, "story_next");
    s = await onStep(page, 1);
    assert.deepEqual(s.story.lanes, ["MainThread", "Task-"]);
    assert.equal(s.visible[0], 0);
    assert.equal(s.visible[1], 1.2e9);
    assert.ok(s.lane_labels.every((l) => /^(MainThread|Task-)/.test(l) || /makespan/.test(l)),
              `only the named lanes: ${JSON.stringify(s.lane_labels)}`);
    await page.screenshot({ path: path.join(SHOTS, "story-desktop-step2.png") });

    // The keyboard, once the timeline has it (a click on the lanes gives it focus).
    const lanes = s.widgets.timeline;
    const box = await page.locator("#canvas").boundingBox();
    await page.mouse.click(box.x + lanes[0] + lanes[2] - 5, box.y + lanes[1] + lanes[3] - 5);
    await page.keyboard.press("ArrowRight");
    s = await onStep(page, 2);
    await page.keyboard.press("ArrowRight");
    s = await onStep(page, 3);
    assert.equal(s.model, "threads", "the last step runs the calls on threads");
    assert.ok(s.makespan < 1.1e9, `the sleeps overlap on threads: ${s.makespan}`);
    await page.screenshot({ path: path.join(SHOTS, "story-desktop-step4.png") });
    await page.keyboard.press("ArrowLeft");
    s = await onStep(page, 2);
    assert.equal(s.model, "asyncio", "a step without a model returns to the scenario's");

    await clickWidget(page, s, "story_prev");
    s = await onStep(page, 1);
    b.check();
});

test("the step travels in share links, ?step=N and the embed snippet", { timeout: 240_000 }, async () => {
    const plain = await server();
    const b = await launch("block");
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&preset=convoy_effect&step=3", { waitUntil: "load" });
    let s = await onStep(page, 2);
    assert.equal(s.visible[0], 5.15e6, "?step=3 shows the third step's range");
    assert.equal(s.visible[1], 5.35e6);

    await clickWidget(page, s, "story_next");
    s = await onStep(page, 3);
    await clickWidget(page, s, "share");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).share_url !== "");
    s = await state(page);
    const url = new URL(s.share_url);
    assert.ok(!url.searchParams.has("step"), "the fragment carries the step, not ?step=");
    await page.goto(s.share_url, { waitUntil: "load" });  // it keeps ?isolation=off
    s = await settle(page);
    assert.equal(s.error, "");
    assert.equal(s.story.step, 3, "the shared link reopens on the step it was made on");

    await clickWidget(page, s, "embed");
    await page.waitForFunction(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).embed_snippet !== "");
    s = await state(page);
    const src = /<iframe src="([^"]+)"/.exec(s.embed_snippet)[1].replace(/&amp;/g, "&");  // not the poster's <img>
    assert.ok(!s.embed_snippet.includes(s.story.caption), "the snippet holds no caption text");
    await page.goto(src, { waitUntil: "load" });
    await page.click("#load", { timeout: 5_000 }).catch(() => {});  // a lazy embed loads when seen or clicked
    s = await settle(page);
    assert.equal(s.embed, true);
    assert.equal(s.story.step, 3, "the snippet's embed starts on the step it was made on");
    b.check();
});

test("at phone width the story bar fits and its caption wraps under the buttons", { timeout: 180_000 }, async () => {
    const plain = await server();
    for (const [preset, step] of [["pickling_large_payload", 2], ["convoy_effect", 5]]) {
        const b = await launch("block", { viewport: { width: 390, height: 844 } });
        const page = await b.page();
        await page.goto(plain + `app.html?isolation=off&preset=${preset}&step=${step}`, { waitUntil: "load" });
        let s = await onStep(page, step - 1);
        assert.equal(s.narrow, true);
        for (const id of ["story_prev", "story_step", "story_next", "story_caption", "story_bar"]) inside(s.widgets[id], 390, id);
        const next = s.widgets.story_next, caption = s.widgets.story_caption;
        assert.ok(caption[1] >= next[1] + next[3], `the caption is under the buttons: ${JSON.stringify([next, caption])}`);
        assert.ok(next[3] >= 28, `a thumb-sized button: ${JSON.stringify(next)}`);
        await assertNotBlank(page, page.locator("#canvas"), `story-phone-${preset}.png`);
        // A tap on Previous steps back.
        await clickWidget(page, s, "story_prev");
        s = await onStep(page, step - 2);
        b.check();
    }
    // The embed in the sample post, at phone width.
    const b = await launch("block", { viewport: { width: 390, height: 844 } });
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&embed&preset=asyncio_blocking_call&step=2", { waitUntil: "load" });
    await page.click("#load", { timeout: 5_000 }).catch(() => {});
    const s = await onStep(page, 1);
    for (const id of ["story_prev", "story_next", "story_caption"]) inside(s.widgets[id], 390, id);
    await page.screenshot({ path: path.join(SHOTS, "story-phone-embed.png") });
    b.check();
});

// Touch, as a phone sends it (CDP touch events): a finger swiped to the left across the story bar goes to the next
// step, to the right back to the previous one.
test("on a phone a swipe across the story bar steps through the story", { timeout: 180_000 }, async () => {
    const plain = await server();
    const b = await launch("block", { viewport: { width: 390, height: 844 }, hasTouch: true });
    const page = await b.page();
    await page.goto(plain + "app.html?isolation=off&preset=convoy_effect", { waitUntil: "load" });
    let s = await onStep(page, 0);
    const touch = await touchScreen(b, page);
    const swipe = async (fromX, toX, y) => {
        await touch("touchStart", [[fromX, y]]);
        for (let k = 1; k <= 6; ++k) {
            await touch("touchMove", [[fromX + (toX - fromX) * k / 6, y]]);
            await page.waitForTimeout(30);
        }
        await touch("touchEnd", []);
    };
    const [bx, by, bw, bh] = s.widgets.story_caption;
    await swipe(bx + bw - 20, bx + 20, by + bh / 2);
    s = await onStep(page, 1);
    await swipe(bx + bw - 20, bx + 20, by + bh / 2);
    s = await onStep(page, 2);
    await swipe(bx + 20, bx + bw - 20, by + bh / 2);
    s = await onStep(page, 1);
    b.check();
});
