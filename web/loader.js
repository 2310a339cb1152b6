// Interleave's loader: picks one of the two builds of the same code and starts it on #canvas.
//   web-threads/interleave.js  pthreads + SharedArrayBuffer: needs a crossOriginIsolated page
//                              (COOP same-origin + COEP require-corp, or coi-serviceworker on static hosts)
//   web-single/interleave.js   no threads: runs on any page (blog embeds, plain static hosting)
// `?build=single` or `?build=threads` overrides the choice (for testing).
// The chosen build is in Module.interleaveBuild; end-to-end tests read it.
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const isolated = self.crossOriginIsolated === true;
  let build = isolated ? "web-threads" : "web-single";
  if (params.get("build") === "single") build = "web-single";
  if (params.get("build") === "threads" && isolated) build = "web-threads";
  const base = new URL(".", document.currentScript ? document.currentScript.src : location.href).href;
  const dir = base + build + "/";
  const status = document.getElementById("status");
  const canvas = document.getElementById("canvas");

  function showError(text) {
    status.textContent = "Interleave could not start: " + text;
    status.className = "error";
  }

  canvas.addEventListener("webglcontextlost", (event) => {
    event.preventDefault();
    showError("the WebGL context was lost; reload the page");
  });

  window.Module = {
    canvas: canvas,
    interleaveBuild: build,
    crossOriginIsolated: isolated,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    locateFile: (path) => dir + path,
    mainScriptUrlOrBlob: dir + "interleave.js",
    onRuntimeInitialized: () => {
      status.className = "hidden";
      canvas.focus();
    },
    onAbort: (what) => showError(String(what)),
  };

  const script = document.createElement("script");
  script.src = dir + "interleave.js";
  script.async = true;
  script.onerror = () => showError("could not load " + script.src + " (was the site built with scripts/build-web.sh?)");
  document.body.appendChild(script);
  console.log("interleave: loading " + build + " (crossOriginIsolated=" + isolated + ")");
})();
