// How fast two sites' single-threaded page opens, side by side in one run: for each round, each site (in alternating
// order) gets one cold and one warm load exactly as the e2e suite measures them (tests/e2e/support.mjs measureLoads:
// a Chromium launched for the round, a tab idle on about:blank, then the page; then the same page again in a second
// tab). Prints each site's first-frame median and runs, its first paint, the median time of each start-up step, the
// gzipped bytes, and new/old of the medians. Speed never fails it; a page that does not open does.
// Usage: node tools/firstframe/compare.mjs ROUNDS old=SITE_DIR new=SITE_DIR   (scripts/first-frame-compare.sh builds
//        the sites; PRESET=name picks the view, blog_cpu_threads by default, as share_embed.test.mjs measures)
import os from "node:os";
import { cleanup, measureLoads, median, startServer } from "../../tests/e2e/support.mjs";

const [roundsArg, ...sideArgs] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!Number.isInteger(rounds) || rounds < 1 || sideArgs.length !== 2 || !sideArgs.every((a) => /^[a-z]+=./.test(a))) {
    console.error("usage: node tools/firstframe/compare.mjs ROUNDS old=SITE_DIR new=SITE_DIR");
    process.exit(2);
}
const preset = process.env.PRESET || "blog_cpu_threads";
const sides = [];
for (const arg of sideArgs) {
    const [name, dir] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
    sides.push({ name, dir, base: await startServer(false, dir), cold: [], warm: [] });
}

const loadBefore = os.loadavg()[0];
try {
    for (let round = 0; round < rounds; ++round) {
        for (const side of round % 2 ? [...sides].reverse() : sides) {
            const got = await measureLoads(`${side.base}app.html?isolation=off&preset=${preset}`,
                                           { runs: 1, serviceWorkers: "block", freshProcess: false });
            side.cold.push(got.cold[0]);
            side.warm.push(got.warm[0]);
            console.log(`round ${round + 1} ${side.name}: cold ${Math.round(got.cold[0].firstFrameMs)} ms, ` +
                        `warm ${Math.round(got.warm[0].firstFrameMs)} ms, load ${os.loadavg()[0].toFixed(2)}`);
        }
    }
} finally {
    await cleanup();
}

const ms = (x) => Math.round(x);
const summary = {};
for (const side of sides) {
    const cold = side.cold.map((r) => r.firstFrameMs);
    const warm = side.warm.map((r) => r.firstFrameMs);
    const steps = {};
    for (const key of new Set(side.cold.flatMap((r) => Object.keys(r.steps)))) {
        const values = side.cold.map((r) => r.steps[key]).filter((v) => v !== undefined);
        steps[key] = median(values);
    }
    summary[side.name] = { cold: median(cold), warm: median(warm) };
    console.log(`${side.name} (${side.dir}): ${ms(side.cold[0].gz / 1024)} KB gzipped`);
    console.log(`  cold first frame median ${ms(median(cold))} ms (${cold.map(ms).join(" ")}), first paint ` +
                `${ms(median(side.cold.map((r) => r.firstPaintMs)))} ms; warm ${ms(median(warm))} ms (${warm.map(ms).join(" ")})`);
    console.log("  cold steps, median ms since navigation start: " +
                Object.entries(steps).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${ms(v)}`).join(", "));
}
const [a, b] = sides.map((s) => summary[s.name]);
console.log(`${sides[1].name}/${sides[0].name}: cold ${(b.cold / a.cold).toFixed(3)}, warm ${(b.warm / a.warm).toFixed(3)} ` +
            `(${rounds} alternating rounds, preset ${preset}, load ${loadBefore.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)})`);
