// Browser end-to-end tests of the web builds, in Debian's Chromium driven by playwright-core.
// Run: node --test tests/e2e/   (after scripts/build-web.sh; scripts/test.sh does both)
// Two cases, one per build:
//   threaded: site served WITH COOP/COEP headers -> crossOriginIsolated, web-threads build
//   single:   site served WITHOUT headers, service worker blocked -> not isolated, web-single build
// Each checks: the right build loads, no console error, the canvas is not blank, a click on the Play button
// flips "playing" in the app's test state (Module.ccall('interleave_test_state')).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SITE = process.env.INTERLEAVE_SITE || path.join(ROOT, "build/site");
const SHOTS = process.env.INTERLEAVE_SCREENSHOTS || path.join(ROOT, "build/screenshots");
const CHROMIUM = process.env.INTERLEAVE_CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 90_000;

const servers = [];

function startServer(isolation) {
    return new Promise((resolve, reject) => {
        const args = [path.join(ROOT, "scripts/serve.py"), "--port", "0", "--dir", SITE];
        if (!isolation) args.push("--no-isolation");
        const child = spawn("python3", args, { env: { ...process.env, INTERLEAVE_SERVE_QUIET: "1" } });
        servers.push(child);
        let out = "";
        child.stdout.on("data", (chunk) => {
            out += chunk;
            const match = out.match(/http:\/\/[\d.]+:\d+\//);
            if (match) resolve(match[0]);
        });
        child.stderr.on("data", (chunk) => process.stderr.write(chunk));
        child.on("exit", (code) => reject(new Error(`serve.py exited with ${code}: ${out}`)));
    });
}

async function launch(serviceWorkers) {
    const userDataDir = mkdtempSync(path.join(tmpdir(), "interleave-chromium-"));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        chromiumSandbox: false,
        args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        viewport: { width: 1280, height: 800 },
        serviceWorkers,
    });
    return { context, cleanup: async () => { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); } };
}

// Mean and standard deviation of the canvas screenshot's luminance, decoded by the page itself.
async function imageStats(page, png) {
    return page.evaluate(async (b64) => {
        const img = new Image();
        img.src = "data:image/png;base64," + b64;
        await img.decode();
        const c = document.createElement("canvas");
        c.width = img.width; c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let sum = 0, sum2 = 0;
        const n = d.length / 4;
        for (let i = 0; i < d.length; i += 4) {
            const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
            sum += y; sum2 += y * y;
        }
        const mean = sum / n;
        return { mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
    }, png.toString("base64"));
}

async function testState(page) {
    return page.evaluate(() => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])));
}

async function checkBuild({ name, isolation, query, expectIsolated, expectBuild }) {
    const base = await startServer(isolation);
    const { context, cleanup } = await launch(isolation ? "allow" : "block");
    try {
        const page = context.pages()[0] || (await context.newPage());
        const errors = [];
        page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text()); });
        page.on("pageerror", (err) => errors.push(String(err)));
        await page.goto(base + "app.html" + query, { waitUntil: "load" });
        await page.waitForFunction(() => window.Module && Module.calledRun, null, { timeout: TIMEOUT });
        await page.waitForFunction(
            () => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).frame > 10, null, { timeout: TIMEOUT });

        const info = await page.evaluate(() => ({ isolated: self.crossOriginIsolated, build: Module.interleaveBuild }));
        assert.equal(info.isolated, expectIsolated, "crossOriginIsolated");
        assert.equal(info.build, expectBuild, "build chosen by the loader");

        mkdirSync(SHOTS, { recursive: true });
        const canvas = page.locator("#canvas");
        const shot = await canvas.screenshot({ path: path.join(SHOTS, `web-${name}.png`) });
        const stats = await imageStats(page, shot);
        assert.ok(stats.std > 2, `canvas looks blank (luminance mean ${stats.mean.toFixed(1)}, std ${stats.std.toFixed(2)})`);

        const before = await testState(page);
        assert.equal(typeof before.playing, "boolean");
        const [x, y, w, h] = before.widgets.play;
        assert.ok(w > 0 && h > 0, "play button has a size");
        const box = await canvas.boundingBox();
        await page.mouse.move(box.x + x + w / 2, box.y + y + h / 2);
        await page.waitForTimeout(100);
        await page.mouse.click(box.x + x + w / 2, box.y + y + h / 2);
        await page.waitForFunction(
            (was) => JSON.parse(Module.ccall("interleave_test_state", "string", [], [])).playing !== was,
            before.playing, { timeout: 10_000 });
        const afterState = await testState(page);
        assert.equal(afterState.playing, !before.playing, "click on Play flips playing");
        await page.waitForTimeout(200);
        await canvas.screenshot({ path: path.join(SHOTS, `web-${name}-after-click.png`) });

        assert.deepEqual(errors, [], "console errors");
        writeFileSync(path.join(SHOTS, `web-${name}.json`), JSON.stringify({ ...info, stats, before, after: afterState }, null, 2));
    } finally {
        await cleanup();
    }
}

after(() => { for (const s of servers) s.kill(); });

test("threaded build loads on a crossOriginIsolated page and reacts to a click", { timeout: 180_000 }, () =>
    checkBuild({ name: "threads", isolation: true, query: "", expectIsolated: true, expectBuild: "web-threads" }));

test("single-threaded build loads on a page without isolation headers and reacts to a click", { timeout: 180_000 }, () =>
    checkBuild({ name: "single", isolation: false, query: "?isolation=off", expectIsolated: false, expectBuild: "web-single" }));
