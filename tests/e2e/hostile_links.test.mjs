// Hostile share links (issue 16), in both builds: each shows a banner with the reason, the tab stays
// responsive while the app works (a frame at least every 100 ms), and the page works afterwards.
//   - a task name that is not a string (once an uncaught C++ exception: the module aborted)
//   - deep nesting: 100 000 levels in a 140-character link (once "Maximum call stack size exceeded" in the
//     loader) and 3 000 levels that pass the loader (once "memory access out of bounds" in the wasm)
//   - a tiny scenario that asks for billions of events (24 tasks of 1 h CPU at a 1 us switch interval: once the
//     page's main thread blocked for 23 s and aborted at 0.9 GB); now it runs in slices or on a worker and
//     stops at the playground's 10 s time limit with the reason on screen
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { TIMEOUT, assertNotBlank, cleanup, launch, longestFrameGap, readState, settle, startServer } from "./support.mjs";

after(cleanup);

const ENDLESS = { tasks: [{ name: "spin", count: 24, steps: [{ cpu: "1h" }] }], model: { kind: "threads" },
                  machine: { cores: 4, profile: { switch_interval: "1us" } } };

for (const build of ["web-threads", "web-single"]) {
    test(`hostile links in ${build}: a banner with the reason, a responsive tab, a working page afterwards`,
         { timeout: 300_000 }, async () => {
        const isolated = build === "web-threads";
        const base = (await startServer(isolated)) + (isolated ? "app.html" : "app.html?isolation=off");
        const b = await launch(isolated ? "allow" : "block");
        const page = await b.page();
        await page.goto(base, { waitUntil: "load" });
        const normal = await settle(page);
        assert.equal(await page.evaluate(() => Module.interleaveBuild), build);
        // How smoothly this machine draws the page when nothing is simulating: headless Chromium renders WebGL with
        // SwiftShader on the CPU, and on 2 cores its idle frames are already 50 to 85 ms apart.
        const idle = await longestFrameGap(page, 3000);
        // The links, made with the page's own encoder from view states a stranger could write.
        const links = await page.evaluate(async (endless) => {
            const deep = (n) => "[".repeat(n) + "]".repeat(n);
            const view = (scenario) => Module.interleaveEncode(scenario);
            return {
                nonString: await view(JSON.stringify({ scenario: { tasks: [{ name: 5, steps: [{ cpu: "1ms" }] }] } })),
                deepLoader: await view('{"scenario":{"tasks":[{"name":"a","steps":[{"cpu":' + deep(100000) + "}]}]}}"),
                deepWasm: await view('{"scenario":{"tasks":[{"name":"a","steps":[{"cpu":' + deep(3000) + "}]}]}}"),
                deep64: await view('{"scenario":{"tasks":[{"name":"a","steps":[{"cpu":' + deep(58) + "}]}]}}"),
                deep65: await view('{"scenario":{"tasks":[{"name":"a","steps":[{"cpu":' + deep(59) + "}]}]}}"),
                endless: await view(JSON.stringify({ scenario: endless })),
            };
        }, ENDLESS);
        console.log(`${build}: link lengths ${Object.entries(links).map(([k, v]) => k + " " + v.length).join(", ")}`);
        const cases = [
            { name: "non-string-name", link: links.nonString, message: /tasks\[0\]\.name: must be a name/ },
            { name: "deep-100000", link: links.deepLoader, message: /nest/ },
            { name: "deep-3000", link: links.deepWasm, message: /nest deeper than 64/ },
            { name: "deep-65", link: links.deep65, message: /nest deeper than 64/ },
            { name: "deep-64", link: links.deep64, message: /tasks\[0\]\.steps\[0\]\.cpu: must be a duration/ },
        ];
        for (const c of cases) {
            await page.goto("about:blank");
            await page.goto(base + "#" + c.link, { waitUntil: "domcontentloaded", timeout: TIMEOUT });
            const s = await settle(page);
            assert.match(s.error, c.message, `${build} ${c.name}: the reason`);
            assert.ok(s.widgets.banner, `${build} ${c.name}: a banner`);
            assert.equal(s.preset, normal.preset, `${build} ${c.name}: the default scenario is shown`);
            assert.ok(s.spans > 0, `${build} ${c.name}: and simulated`);
            console.log(`${build} ${c.name}: "${s.error}"`);
        }

        // The app's own reader refuses deep nesting too (a caller that skips the loader), and keeps working.
        const direct = await page.evaluate(() => Module.interleaveApplyViewState(
            '{"scenario":' + "[".repeat(200000) + "]".repeat(200000) + "}"));
        assert.match(direct, /nest deeper than 64/);
        assert.ok((await readState(page)).frame > 0, "the module still answers");

        // The endless scenario: frames keep coming while it works, then the time limit's banner.
        await page.goto("about:blank");
        await page.goto(base + "#" + links.endless, { waitUntil: "domcontentloaded", timeout: TIMEOUT });
        await page.waitForFunction(() => window.Module && Module.calledRun && Module.interleaveLink.done, null, { timeout: TIMEOUT });
        const working = await readState(page);
        assert.equal(working.simulating, true, "the endless scenario is still simulating after the link is applied");
        assert.ok(working.widgets.cancel, "a Cancel button is shown while it works");
        const gaps = await longestFrameGap(page, 60_000, "!s.simulating");
        const done = await readState(page);
        console.log(`${build} endless: ${gaps.frames} frames in ${Math.round(gaps.elapsed)} ms, longest gap ${Math.round(gaps.longest)} ms (gaps over 100 ms at [start ms, gap ms]: ${JSON.stringify(gaps.slow)}); "${done.simulation_error}"`);
        assert.equal(done.simulating, false, "the simulation stopped");
        // Whichever limit comes first on this machine: 10 s of time or 256 MiB of trace.
        assert.match(done.simulation_error, /time limit of 10 s|memory limit: the trace reached \d+ MiB \(limit 256 MiB\)/);
        assert.ok(done.widgets.banner, "the time limit's banner is drawn");
        // The tab stays responsive: the app never holds the UI thread for more than a frame's slice of simulation
        // (the inline start is 25 ms at most, a frame's slices 8 ms plus one slice), measured by the app itself.
        // The gaps between frames are printed, and bounded loosely: headless Chromium renders WebGL with SwiftShader on
        // the CPU, and on 2 cores shared with the simulation's worker (and, in CI, the other test files) its frames
        // are 50 to 300 ms apart even with nothing simulating (the idle page's figure above). A main thread blocked by
        // the simulation, as before the fix, showed no frame for 23 s.
        // These are wall-clock times on the tab's thread, so they include whatever time the OS gave SwiftShader's
        // threads meanwhile: the slicing shows in the 90th percentile (9 turns in 10 within 100 ms), a machine's load in
        // the longest (one CI run saw more than 100 ms once; the bound is the frame gaps' below).
        console.log(`${build}: idle page's longest frame gap ${Math.round(idle.longest)} ms in ${idle.frames} frames; ` +
                    `simulation work on the UI thread: ${done.simulation_work_count} turns, p90 ` +
                    `${done.simulation_work_ms_p90.toFixed(1)} ms, longest ${done.longest_simulation_work_ms.toFixed(1)} ms`);
        if (build === "web-single") assert.ok(done.simulation_work_count >= 10, `the single-threaded build simulated in turns (${done.simulation_work_count})`);
        assert.ok(done.simulation_work_ms_p90 <= 100, `9 turns in 10 on the UI thread simulated at most 100 ms (p90 ${done.simulation_work_ms_p90} ms)`);
        assert.ok(done.longest_simulation_work_ms <= 1000, `the UI thread never simulated a second at once (${done.longest_simulation_work_ms} ms)`);
        assert.ok(gaps.frames >= gaps.elapsed / 1000, `frames kept coming while it worked (${gaps.frames} in ${gaps.elapsed} ms)`);
        assert.ok(gaps.longest <= 1000, `no frame gap of a second or more while simulating (longest ${gaps.longest} ms)`);
        await assertNotBlank(page, page.locator("#canvas"), `hostile-endless-${build}.png`);

        // The page still works: a good view applied afterwards simulates and shows its trace.
        const why = await page.evaluate(() => Module.ccall("interleave_apply_view_state", "string", ["string"],
            [JSON.stringify({ scenario: { tasks: [{ name: "ok", count: 3, steps: [{ cpu: "2ms" }, { io: "1ms" }] }], model: { kind: "threads" } } })]));
        assert.equal(why, "");
        const after = await page.waitForFunction(() => {
            const s = JSON.parse(Module.ccall("interleave_test_state", "string", [], []));
            return !s.simulating && s.spans > 0 && s.simulation_error === "" ? s : null;
        }, null, { timeout: TIMEOUT });
        const ok = await after.jsonValue();
        assert.ok(ok.makespan > 0);
        b.check();
    });
}
