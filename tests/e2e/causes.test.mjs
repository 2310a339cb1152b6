// What the timeline shows besides states, used as a reader uses it in Chromium: the causality arrows (the "causes"
// box, the A key), a lane group folded by a click on its name and every group by the G key, the minimap (a click moves
// the view there), a claim's Show button (zooms to its moment), and a share link that keeps the arrows off and the
// groups folded. Run: node --test tests/e2e/   (after scripts/build-web.sh). Screenshots go to build/screenshots/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { SHOTS, cleanup, clickRect, clickWidget, launch, readState, settle, settleMore, startServer } from "./support.mjs";

after(cleanup);

// Waits (up to 10 s) until `ok(state)` holds; returns that state.
async function until(page, ok, what) {
    for (let i = 0; i < 100; ++i) {
        const s = await readState(page);
        if (ok(s)) return s;
        await page.waitForTimeout(100);
    }
    assert.fail(`never: ${what}: ${JSON.stringify(await readState(page)).slice(0, 2000)}`);
}

test("causes, lane groups, the minimap and a claim's Show button answer the mouse and the keys; a link keeps them",
     { timeout: 240_000 }, async () => {
    const base = await startServer(false);
    const b = await launch("block");
    const page = await b.page();
    await page.goto(base + "app.html?isolation=off&preset=blog_cpu_threads&theme=light", { waitUntil: "load" });
    let s = await settle(page);
    assert.ok(s.arrows.shown, "arrows are on by default");
    assert.ok(s.arrows.drawn > 0, `four CPU-bound threads hand the GIL on: arrows drawn (${s.arrows.drawn})`);

    // The "causes" box turns them off; the A key (once the canvas has the keyboard) back on.
    await clickRect(page, s.timeline_causes);
    s = await until(page, (x) => !x.arrows.shown && x.arrows.drawn === 0, "the causes box hides the arrows");
    const lanes = s.widgets.timeline;
    await clickRect(page, [lanes[0] + lanes[2] - 12, lanes[1] + lanes[3] - 12, 4, 4]);  // focus, off every span
    await page.keyboard.press("a");
    s = await until(page, (x) => x.arrows.shown && x.arrows.drawn > 0, "the A key shows the arrows again");

    // A click on a group's name folds it into one row that says how many it stands for.
    const rows = s.lane_rows.length;
    const group = s.lane_rows.find((r) => r.members > 0);
    assert.ok(group, `a group row: ${JSON.stringify(s.lane_rows.map((r) => r.label))}`);
    const name = group.label;
    await clickRect(page, group.rect);
    s = await until(page, (x) => x.collapsed_groups.length === 1, "a click folds the group");
    assert.deepEqual(s.collapsed_groups, [name]);
    assert.equal(s.lane_rows.length, rows - group.members);
    const folded = s.lane_rows.find((r) => r.collapsed);
    assert.equal(folded.label, `${name} (+${group.members})`);
    await page.screenshot({ path: path.join(SHOTS, "causes-group-folded.png") });
    // G: every group is folded, so it opens them all; G again folds them all.
    await page.keyboard.press("g");
    s = await until(page, (x) => x.collapsed_groups.length === 0 && x.lane_rows.length === rows, "G opens every group");
    await page.keyboard.press("g");
    s = await until(page, (x) => x.collapsed_groups.length === 1, "G folds every group");

    // A claim's Show button zooms to its moment (half its length again on each side).
    assert.ok(s.explain_moments.length > 0, `the explanation has claims to show: ${s.explain}`);
    const moment = s.explain_moments[0];
    await clickWidget(page, s, "explain_moment_0");
    s = await until(page, (x) => x.visible[0] <= moment.start && x.visible[1] >= moment.end &&
                                 x.visible[1] - x.visible[0] <= 2.5 * (moment.end - moment.start),
                    `Show zooms to ${moment.label}`);

    // The minimap: a click at 80% of its width centres the view at 80% of the run.
    const end = s.makespan;
    const [mx, my, mw, mh] = s.timeline_minimap;
    assert.ok(mw > 100 && mh > 4, `the minimap is drawn: ${s.timeline_minimap}`);
    await clickRect(page, [mx + mw * 0.8 - 1, my, 2, mh]);
    s = await until(page, (x) => Math.abs((x.visible[0] + x.visible[1]) / 2 - 0.8 * end) < 0.03 * end,
                    `the minimap moves the view's centre to ${0.8 * end}`);
    await page.screenshot({ path: path.join(SHOTS, "causes-minimap.png") });

    // Arrows off and the group folded travel in a share link.
    await page.keyboard.press("a");
    s = await until(page, (x) => !x.arrows.shown, "A hides the arrows");
    await clickWidget(page, s, "share");
    s = await until(page, (x) => x.share_url !== "", "Share makes a link");
    const link = s.share_url.replace("app.html#", "app.html?isolation=off#");
    const opened = await b.context.newPage();
    await opened.goto(link, { waitUntil: "load" });
    const got = await settle(opened);
    assert.equal(got.error, "");
    assert.equal(got.arrows.shown, false, "the link keeps the arrows off");
    assert.deepEqual(got.collapsed_groups, [name], "the link keeps the group folded");
    assert.equal(got.lane_rows.length, s.lane_rows.length);
    await opened.close();
    b.check();
});
