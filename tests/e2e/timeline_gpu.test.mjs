// The timeline drawn on the GPU in the browser (WebGL2 under SwiftShader, in Debian's Chromium): the shaders in
// shaders/ compile as GLSL ES 3.00 there, the platform installs the renderer (Module.interleaveTimeline), and the
// lanes show the palette's colours with each state's pattern: "waiting for the GIL" is vermillion hatched with its
// lighter ink (src/ui/timeline_patterns.h), zoomed out and zoomed in.
// Run: node --test tests/e2e/   (after scripts/build-web.sh). Screenshots go to build/screenshots/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { SHOTS, cleanup, launch, settle, settleMore, startServer } from "./support.mjs";

after(cleanup);

// Pixels of `png` within `tolerance` (per channel) of each colour, counted by the page itself.
async function countColours(page, png, colours, tolerance) {
    return page.evaluate(async ({ b64, colours, tolerance }) => {
        const img = new Image();
        img.src = "data:image/png;base64," + b64;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width; c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const counts = colours.map(() => 0);
        for (let i = 0; i < d.length; i += 4)
            colours.forEach(([r, gr, b], k) => {
                if (Math.abs(d[i] - r) <= tolerance && Math.abs(d[i + 1] - gr) <= tolerance && Math.abs(d[i + 2] - b) <= tolerance)
                    counts[k]++;
            });
        return counts;
    }, { b64: png.toString("base64"), colours, tolerance });
}

// The dark theme's "waiting for the GIL" (theme.cpp) and its pattern ink (PatternInk: 45% towards white).
const WAITING_GIL = [0xd5, 0x5e, 0x00];
// A hatch line's pixels: the fill blended 77-100% towards the ink (232, 166, 115). The lines are anchored at the span's
// start, so where a pixel centre falls on them depends on the span's sub-pixel position: the best-covered pixel of a
// 1.25 px diagonal line with a pixel of smoothing is covered 77% at worst (shaders/timeline.frag, Stroke). Counted
// within 14 of the middle of that range, so a span that moves by a fraction of a pixel still shows its ink.
const WAITING_GIL_INK = [230, 158, 102];
const INK_TOLERANCE = 14;
const RUNNING_PYTHON = [0x00, 0x9e, 0x73];

test("the convoy's lanes are drawn by the GPU renderer, with the GIL wait hatched", { timeout: 180_000 }, async () => {
    const base = await startServer(false);
    const b = await launch("block");
    const page = await b.page();
    await page.goto(base + "app.html?isolation=off&preset=convoy_effect&theme=dark", { waitUntil: "load" });
    let s = await settle(page);
    assert.equal(await page.evaluate(() => Module.interleaveTimeline), "gpu", "the timeline's shaders built in WebGL2");
    const canvasBox = await page.locator("#canvas").boundingBox();
    const [x, y, w, h] = s.widgets.timeline;
    const clip = { x: canvasBox.x + x, y: canvasBox.y + y, width: w, height: h };
    const zoomedOut = await page.screenshot({ path: path.join(SHOTS, "timeline-gpu-convoy.png"), clip });
    let [gil, ink, running] = await countColours(page, zoomedOut, [WAITING_GIL, WAITING_GIL_INK, RUNNING_PYTHON], 8);
    // Fitted, the I/O thread's 5 ms waits are a pixel or two wide: folded marks, in the state's colour.
    assert.ok(running > 200, `running Python's colour is on screen (${running} px)`);
    assert.ok(gil > 200, `waiting for the GIL's colour is on screen (${gil} px)`);

    // Zoomed in where the two threads take turns (the first quarter of the run): the instances stay, the view moves,
    // and each wait is wide enough for its hatching.
    const fitted = s.visible;
    await page.mouse.move(clip.x + w * 0.15, clip.y + h * 0.3);
    for (let i = 0; i < 24; ++i) await page.mouse.wheel(0, -120);
    s = await settleMore(page, 6);
    assert.ok((s.visible[1] - s.visible[0]) * 20 < fitted[1] - fitted[0],
              `zoomed in at least 20 times: ${JSON.stringify(fitted)} -> ${JSON.stringify(s.visible)}`);
    await page.mouse.move(clip.x + w * 0.15, clip.y + h + 40);  // off the lanes: no tooltip over them
    s = await settleMore(page, 4);
    const zoomedIn = await page.screenshot({ path: path.join(SHOTS, "timeline-gpu-convoy-zoomed.png"), clip });
    [gil, , running] = await countColours(page, zoomedIn, [WAITING_GIL, WAITING_GIL_INK, RUNNING_PYTHON], 8);
    [ink] = await countColours(page, zoomedIn, [WAITING_GIL_INK], INK_TOLERANCE);
    assert.ok(running > 200, `running Python's colour is on screen zoomed in (${running} px)`);
    assert.ok(gil > 200, `waiting for the GIL's colour is on screen zoomed in (${gil} px)`);
    assert.ok(ink > 100, `its hatching is on screen zoomed in (${ink} px of ink)`);
    b.check();
});
