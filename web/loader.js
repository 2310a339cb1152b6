// Interleave's loader: picks one of the two builds of the same code and starts it on #canvas.
//   web-threads/interleave.js  pthreads + SharedArrayBuffer: needs a crossOriginIsolated page
//                              (COOP same-origin + COEP require-corp, or coi-serviceworker on static hosts)
//   web-single/interleave.js   no threads: runs on any page (blog embeds, plain static hosting)
// `?build=single` overrides the choice (for testing); web/app.html's head makes it (window.interleaveBuild).
// The chosen build is in Module.interleaveBuild; end-to-end tests read it.
//
// Links (docs/embedding.md):
//   #v1.<base64url(deflate-raw(view state JSON))>  the exact view (scenario, models, range, selected task)
//   ?preset=ID                                     start with a built-in preset (the fragment wins)
//   ?compare=threads,processes                     open on the Compare view with these models (no fragment)
//   ?step=N                                        open the scenario's story on step N, 1 for the first (no fragment)
//   ?embed                                         compact view for an iframe, loaded lazily: a placeholder
//                                                  until the frame is visible (IntersectionObserver) or clicked
//   ?theme=light|dark|auto                         the colours; auto follows the page's prefers-color-scheme.
//                                                  An embed is auto unless told (a light post gets a light
//                                                  embed); the parameter wins over a link's own theme
// A bad fragment (garbage, truncated, > 64 KB, from a future version, a scenario the parser refuses) leaves the
// default scenario on screen with a banner saying why; Module.interleaveLink.error holds the reason too.
//
// Start-up (docs/embedding.md, "How fast it opens"): start() fetches the .js and compiles the .wasm with
// WebAssembly.compileStreaming at the same time (Module.instantiateWasm hands the compiled module to the runtime);
// the page's head has already preloaded both. Each step leaves a performance.mark("interleave:<step>");
// Module.firstPaintMs is the first frame drawn, Module.firstFrameMs the first frame that shows the requested view
// (its link applied, its simulation finished), both in ms since navigation start.
(function () {
  "use strict";
  const mark = (name) => { if (self.performance && performance.mark) performance.mark("interleave:" + name); };
  mark("loader");
  const FORMAT = 1;                    // the version this page writes; it reads every version up to it
  const MAX_FRAGMENT = 64 * 1024;      // longer fragments are refused before decoding
  const MAX_JSON = 1024 * 1024;        // decompressed size bound
  const MAX_DEPTH = 64;                // nesting bound, as the app's JSON reader (src/jsonio/bounded_json.h)
  // Migrations from each older version to the next: MIGRATIONS[v](state of version v) -> state of v + 1.
  // v1 is current; a v2 adds `2: ...`-style steps here (see tests/e2e/fixtures/v1-link.txt, which must keep opening).
  const MIGRATIONS = {};

  const params = new URLSearchParams(location.search);
  const isolated = self.crossOriginIsolated === true;
  const build = window.interleaveBuild;  // chosen in web/app.html's head, which preloads it
  const embed = params.has("embed");
  const preset = params.get("preset") || "";
  // The theme asked for: ?theme=, else auto for an embed (it sits in someone else's page), else the link's or the
  // app's own. auto reads prefers-color-scheme (an iframe sees its host's).
  const themeParam = params.get("theme") || (embed ? "auto" : "");
  let theme = themeParam === "light" || themeParam === "dark" ? themeParam : "";
  if (themeParam === "auto")
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
  if (theme === "light") document.documentElement.classList.add("light");
  const base = new URL(".", document.currentScript ? document.currentScript.src : location.href).href;
  const dir = base + build + "/";
  const status = document.getElementById("status");
  const canvas = document.getElementById("canvas");

  // [codec]
  function toBase64Url(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function fromBase64Url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("the link is damaged (unexpected characters)");
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    let bin;
    try { bin = atob(b64); } catch (e) { throw new Error("the link is damaged (not base64url)"); }
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; ++i) out[i] = bin.charCodeAt(i);
    return out;
  }
  async function readAll(stream, limit) {
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (limit && total > limit) {
        reader.cancel().catch(() => {});
        throw new Error("the link's view is larger than " + (limit >> 10) + " KB once decompressed");
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }
  async function encode(json) {
    const bytes = new TextEncoder().encode(json);
    const packed = await readAll(new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw")), 0);
    return "v" + FORMAT + "." + toBase64Url(packed);
  }
  // The deepest nesting of arrays and objects in JSON text, counted without recursion (brackets inside strings
  // do not count).
  function nestingDepth(text) {
    let depth = 0, deepest = 0, inString = false;
    for (let i = 0; i < text.length; ++i) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) ++i;             // backslash: skip the escaped character
        else if (c === 34) inString = false;
      } else if (c === 34) {
        inString = true;
      } else if (c === 91 || c === 123) {
        deepest = Math.max(deepest, ++depth);
      } else if (c === 93 || c === 125) {
        --depth;
      }
    }
    return deepest;
  }
  // Fragment (without '#') -> view state JSON of the current version; throws Error with a reader's message.
  async function decode(fragment) {
    if (fragment.length > MAX_FRAGMENT)
      throw new Error("the link is too long (" + Math.round(fragment.length / 1024) + " KB; at most " + (MAX_FRAGMENT >> 10) + " KB)");
    const m = /^v(\d{1,6})\.([^]*)$/.exec(fragment);
    if (!m) throw new Error("the link's fragment is not an Interleave view (expected #v1.<data>)");
    const version = Number(m[1]);
    if (version < 1) throw new Error("the link has an unknown format version (v" + m[1] + ")");
    if (version > FORMAT)
      throw new Error("the link is from a newer version of Interleave (v" + version + "; this page reads up to v" + FORMAT + ")");
    const packed = fromBase64Url(m[2]);
    let bytes;
    try {
      bytes = await readAll(new Blob([packed]).stream().pipeThrough(new DecompressionStream("deflate-raw")), MAX_JSON);
    } catch (e) {
      if (/larger than/.test(e.message)) throw e;
      throw new Error("the link is damaged or truncated (it does not decompress)");
    }
    let text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) {
      throw new Error("the link is damaged (its view is not UTF-8)");
    }
    // A few bytes of deflate make a view nested a hundred thousand deep: JSON.stringify below (and the app's
    // own reader) would run out of stack. Refused here, before parsing, with the app's limit and wording.
    if (nestingDepth(text) > MAX_DEPTH)
      throw new Error("the link's view: arrays and objects nest deeper than " + MAX_DEPTH + " levels");
    let state;
    try { state = JSON.parse(text); } catch (e) {
      throw new Error("the link is damaged (its view is not valid JSON)");
    }
    if (!state || typeof state !== "object" || Array.isArray(state)) throw new Error("the link's view is not an object");
    for (let v = version; v < FORMAT; ++v) state = MIGRATIONS[v](state);
    return JSON.stringify(state);
  }
  function playgroundUrl(fragment) {
    const q = new URLSearchParams(location.search);
    q.delete("embed");
    q.delete("preset");  // the fragment carries the scenario
    q.delete("step");    // ...and the story's step
    const query = q.toString();
    return location.origin + location.pathname + (query ? "?" + query : "") + "#" + fragment;
  }

  function showError(text) {
    status.textContent = "Interleave could not start: " + text;
    status.className = "error";
  }

  canvas.addEventListener("webglcontextlost", (event) => {
    event.preventDefault();
    showError("the WebGL context was lost; reload the page");
  });

  // The link, decoded while the wasm downloads.
  const fragment = location.hash.replace(/^#/, "");
  const link = { fragment: fragment, error: "", applied: false, done: false, json: null };
  const decoded = fragment ? decode(fragment).then((json) => { link.json = json; }, (e) => { link.error = e.message; }) : Promise.resolve();

  // Hands a view state to the app. Through the heap, not ccall's "string" argument: that copies the text onto the
  // wasm stack (1 MB), and a link's view may be up to MAX_JSON once decompressed.
  function applyViewState(json) {
    const size = Module.lengthBytesUTF8(json) + 1;
    const at = Module._malloc(size);
    if (!at) return "the link's view does not fit in memory";
    try {
      Module.stringToUTF8(json, at, size);
      return Module.ccall("interleave_apply_view_state", "string", ["number"], [at]);
    } finally {
      Module._free(at);
    }
  }

  function applyLink() {
    decoded.then(() => {
      if (link.error) {
        Module.ccall("interleave_show_link_error", null, ["string"], [link.error]);
      } else if (!link.json && params.get("compare")) {
        // ?compare=threads,processes: open on the Compare view with these models (a short form for embeds).
        const models = params.get("compare").split(",").filter((m) => /^[a-z_]+$/.test(m));
        link.json = JSON.stringify({ tab: "compare", models: models });
      }
      if (!link.error && !fragment && /^[0-9]{1,2}$/.test(params.get("step") || "")) {
        // ?step=N: the story's step N (1 for the first; the view state counts from 0, and the app clamps it).
        const state = link.json ? JSON.parse(link.json) : {};
        state.storyStep = Math.max(0, parseInt(params.get("step"), 10) - 1);
        link.json = JSON.stringify(state);
      }
      if (!link.error && link.json && theme) {
        // ?theme= (or an embed's auto) wins over the theme the link was shared with.
        try {
          const state = JSON.parse(link.json);
          if (state && typeof state === "object" && !Array.isArray(state)) {
            state.theme = theme;
            link.json = JSON.stringify(state);
          }
        } catch (e) { /* the app reports the broken link */ }
      }
      if (link.error) {
        // shown above
      } else if (link.json) {
        const why = applyViewState(link.json);
        if (why) link.error = why; else link.applied = true;
      }
      link.done = true;
    });
  }

  // Trace files opened beside the run (the results panel's "Open trace..." button, or files dropped on the page):
  // read here, handed to the app through the heap (a trace may be tens of MB, past ccall's stack copy).
  // The app decides what is too large, and says so, before a byte is read.
  const MAX_TRACE_FILES = 4;  // ui::kMaxOpenedTraces: the app refuses any past it, naming it
  function openTraceFiles(files) {
    for (const file of Array.from(files).slice(0, MAX_TRACE_FILES + 1)) {
      const refuse = (why) => Module.ccall("interleave_refuse_trace", null, ["string", "string"], [file.name, why]);
      if (Module.ccall("interleave_refuse_oversized_trace", "number", ["string", "number"], [file.name, file.size])) continue;
      file.arrayBuffer().then((bytes) => {
        const at = Module._malloc(bytes.byteLength + 1);
        if (!at) { refuse("it does not fit in memory"); return; }
        try {
          Module.HEAPU8.set(new Uint8Array(bytes), at);
          Module.ccall("interleave_open_trace", null, ["string", "number", "number"], [file.name, at, bytes.byteLength]);
        } finally {
          Module._free(at);
        }
      }, (e) => refuse("the browser could not read it (" + e + ")"));
    }
  }
  let traceInput = null;
  function pickTraces() {
    if (!traceInput) {
      traceInput = document.createElement("input");
      traceInput.type = "file";
      traceInput.id = "interleave-open-trace";
      traceInput.accept = ".json,application/json";
      traceInput.multiple = true;
      traceInput.hidden = true;
      traceInput.addEventListener("change", () => { openTraceFiles(traceInput.files); traceInput.value = ""; });
      document.body.appendChild(traceInput);
    }
    traceInput.click();
  }
  if (!embed) {
    canvas.addEventListener("dragover", (event) => { event.preventDefault(); event.dataTransfer.dropEffect = "copy"; });
    canvas.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) openTraceFiles(event.dataTransfer.files);
    });
  }

  const args = [];
  if (embed) args.push("--embed");
  if (theme) args.push("--theme", theme);
  if (preset) args.push("--preset", preset);

  window.Module = {
    canvas: canvas,
    arguments: args,
    interleaveBuild: build,
    crossOriginIsolated: isolated,
    interleaveLink: link,
    interleaveApplyViewState: (json) => applyViewState(json),
    interleaveEncode: encode,
    interleaveDecode: decode,
    interleaveMakeLink: async (json) => playgroundUrl(await encode(json)),
    interleavePickTraces: () => { if (!embed) pickTraces(); },
    interleaveCopy: (text) => {
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(() => {});
    },
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    locateFile: (path) => dir + path,
    mainScriptUrlOrBlob: dir + "interleave.js",
    onRuntimeInitialized: () => {
      mark("runtime-ready");  // main() runs next
      canvas.focus();
    },
    // "Loading..." stays until the first frame is drawn, and goes in that same frame: one repaint of the page instead
    // of two (hiding it earlier costs a composite of its own while the GL context is being created, and shows a blank
    // page in between). src/platform/platform_sdl_web.cpp calls this.
    onFirstPaint: () => { if (status.className !== "error") status.className = "hidden"; },
    // Right after main() has built the playground and started the main loop, before its first frame: the link's
    // view (decoded meanwhile) is applied as soon as it is ready, so the first frames already show it.
    postRun: [() => { mark("main-done"); applyLink(); }],
    onAbort: (what) => showError(String(what)),
  };

  // The compiled module, fetched and compiled while interleave.js downloads. A host that serves .wasm with
  // another type than application/wasm makes compileStreaming fail: then it is fetched again and compiled whole.
  let compiled = null;
  function compileWasm() {
    const url = dir + "interleave.wasm";
    const whole = () => fetch(url, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error("could not load " + url + " (HTTP " + r.status + ")");
      return r.arrayBuffer();
    }).then((bytes) => WebAssembly.compile(bytes));
    const streaming = typeof WebAssembly.compileStreaming === "function"
      ? WebAssembly.compileStreaming(fetch(url, { credentials: "same-origin" })).catch((e) => {
          console.warn("interleave: streaming compilation failed (" + e + "); compiling the whole file");
          return whole();
        })
      : whole();
    return streaming.then((module) => { mark("wasm-compiled"); return module; });
  }
  Module.instantiateWasm = (imports, receiveInstance) => {
    mark("runtime-asks-wasm");
    compiled.then((module) => WebAssembly.instantiate(module, imports).then((instance) => {
      mark("wasm-instantiated");
      receiveInstance(instance, module);  // the threaded runtime posts `module` to its worker
    })).catch((e) => showError("cannot start the WebAssembly module: " + e));
    return {};  // asynchronous: the runtime waits for receiveInstance
  };

  let started = false;
  function start() {
    if (started) return;
    started = true;
    mark("start");
    const placeholder = document.getElementById("placeholder");
    if (placeholder) placeholder.hidden = true;
    document.documentElement.classList.add("loaded");
    canvas.hidden = false;
    status.className = "";
    compiled = compileWasm();
    const script = document.createElement("script");
    script.src = dir + "interleave.js";
    script.async = true;
    script.onload = () => mark("js-evaluated");
    script.onerror = () => showError("could not load " + script.src + " (was the site built with scripts/build-web.sh?)");
    document.body.appendChild(script);
    console.log("interleave: loading " + build + " (crossOriginIsolated=" + isolated + ")");
  }
  Module.interleaveStart = start;

  if (window.interleaveAwaitIsolation) {  // set by web/app.html's head: never for an embed or ?build=single
    awaitIsolation(window.interleaveAwaitIsolation);
    return;
  }
  if (!embed) {
    start();
    return;
  }

  // A first visit to a static host: web/app.html's coi-serviceworker registers its worker, which reloads the page
  // cross-origin isolated (then the threaded build runs). The single-threaded build starts only if that does not
  // happen: the registration fails (no service workers here: a private window, a browser setting) or no reload
  // comes within a few seconds. register() with the same script is the registration coi-serviceworker makes (the
  // browser answers both with one registration); it only tells us how it went.
  function awaitIsolation(script) {
    mark("await-isolation");
    let done = false;
    const fallback = (why) => {
      if (done || window.interleaveReloading) return;
      done = true;
      console.log("interleave: the page is not cross-origin isolated (" + why + "); single-threaded build");
      start();
    };
    navigator.serviceWorker.register(script).then(
      () => setTimeout(() => fallback("no reload by the service worker"), 4000),
      (e) => fallback("no service worker: " + (e && e.message ? e.message : e)));
  }
  // Embed: a static placeholder until the frame is seen or clicked.
  document.documentElement.classList.add("embed");
  const open = document.getElementById("open-full");
  const title = document.getElementById("embed-title");
  const full = new URL(location.href);
  full.searchParams.delete("embed");
  open.href = full.href;
  if (preset) title.textContent = "Interleave: " + preset.replace(/_/g, " ");
  decoded.then(() => {
    if (!link.json) return;
    try {
      const scenario = JSON.parse(link.json).scenario || {};
      if (scenario.name) title.textContent = "Interleave: " + String(scenario.name).replace(/_/g, " ");
    } catch (e) { /* the title stays generic */ }
  });
  // The poster (docs/authoring.md): a snippet's frame named interleave-poster-below has its picture under the frame
  // (the placeholder is then transparent); otherwise a preset's own, made at build time (posters/, scripts/build-web.sh).
  // A view opened on Compare has no poster of its own (a preset's poster shows one model).
  if (window.name === "interleave-poster-below") {
    document.documentElement.classList.add("below", "with-poster");
  } else if (/^[a-z0-9_]+$/.test(preset) && !params.has("compare") && !location.hash) {
    const poster = document.getElementById("poster");
    poster.onload = () => { poster.hidden = false; document.documentElement.classList.add("with-poster"); };
    poster.onerror = () => { poster.hidden = true; };  // a site built without posters: the title and button alone
    poster.alt = "A picture of this timeline";
    // A phone's column gets the narrow poster (400 px wide: its text stays readable).
    const narrow = window.innerWidth > 0 && window.innerWidth <= 560 ? ".narrow" : "";
    poster.src = base + "posters/" + preset + narrow + (theme === "light" ? ".light" : "") + ".svg";
  }
  status.className = "hidden";
  canvas.hidden = true;
  document.getElementById("load").addEventListener("click", start);
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { observer.disconnect(); start(); }
    });
    observer.observe(document.getElementById("placeholder"));
  }
})();
