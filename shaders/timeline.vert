// The timeline's spans as instanced quads (src/platform/gl_timeline.cpp draws them; src/ui/timeline_gpu.h
// builds the instances). No #version line: the loader prepends "#version 330 core" natively and
// "#version 300 es" with highp precisions for WebGL2 (ui::ShaderForDialect), so one source serves both.
//
// Per instance: a span's start and end in ns, each split into hi + lo floats, its state, flags and task.
// Per lane (uniforms): where time uViewStart is on screen and how many pixels a ns is. Zooming and panning
// change only these, never the instances.

layout(location = 0) in vec4 aTimes;  // startHi, startLo, endHi, endLo
layout(location = 1) in ivec2 aMeta;  // x: lane | state << 16 | flags << 24; y: task

uniform vec2 uViewStart;   // the time at the lane's left edge, ns, hi + lo
uniform float uPxPerNs;    // ImGui units per ns
uniform float uMinWidth;   // the narrowest a span is drawn (ui::kFoldPx), ImGui units
uniform vec4 uLane;        // the lane's rectangle for spans: x, y, w, h (ImGui units, screen space)
uniform vec4 uDisplay;     // ImGui's DisplayPos (xy) and DisplaySize (zw)
uniform float uFbScale;    // framebuffer pixels per ImGui unit
uniform int uSelectedTask; // outlined; -1: none

out vec2 vPos;             // this vertex in lane coordinates (0, 0 = the lane's top left)
flat out vec4 vRect;       // the span's rectangle in lane coordinates (x0, y0, x1, y1), clamped to the lane
flat out float vPatternX;  // the span's unclamped left edge, modulo a whole number of pattern periods
flat out int vState;
flat out int vFlags;
flat out int vSelected;

// The time since the view's start, hi minus hi and lo minus lo: each difference is exact or nearly so, which a
// single float (24 bits: 16 ms at one day) could never be.
float SinceViewStart(vec2 t) { return (t.x - uViewStart.x) + (t.y - uViewStart.y); }

void main() {
    int state = (aMeta.x >> 16) & 255;
    int flags = (aMeta.x >> 24) & 255;
    float x0 = SinceViewStart(aTimes.xy) * uPxPerNs;
    float x1 = SinceViewStart(aTimes.zw) * uPxPerNs;
    // As the CPU path: a span is at least uMinWidth wide (the level of detail draws a lone narrow span that wide to
    // be seen; a folded mark at least a pixel), and a pixel's gap ends each span wide enough to spare it, so
    // back-to-back turns of one state read as turns.
    x1 = max(x1, x0 + ((flags & 1) != 0 ? 1.0 : uMinWidth));
    if ((flags & 1) == 0 && x1 - x0 >= 4.0) x1 -= 1.0;
    // Far outside the lane nothing is seen: clamp, so the rasteriser and the fragment shader work on small numbers.
    float cx0 = clamp(x0, -8.0, uLane.z + 8.0);
    float cx1 = clamp(x1, -8.0, uLane.z + 8.0);
    // A span under two framebuffer pixels wide covers whole pixels, as the CPU path's (unsmoothed) rectangles
    // do: smoothed, a one-pixel span would be spread over two at half strength, a smear instead of a line.
    if ((cx1 - cx0) * uFbScale < 2.0) {
        float left = floor((uLane.x + cx0 - uDisplay.x) * uFbScale + 0.5);
        float pixels = max(1.0, floor((cx1 - cx0) * uFbScale + 0.5));
        cx0 = (left / uFbScale) + uDisplay.x - uLane.x;
        cx1 = cx0 + pixels / uFbScale;
    }
    bool selected = uSelectedTask >= 0 && aMeta.y == uSelectedTask && (flags & 1) == 0;
    // Room for the anti-aliased edge (a framebuffer pixel) and for the selection's outline (2 units).
    float pad = 1.0 / uFbScale + (selected ? 2.0 : 0.0);
    int corner = gl_VertexID;  // a triangle strip: 0 = top left, 1 = top right, 2 = bottom left, 3 = bottom right
    float x = ((corner & 1) != 0) ? cx1 + pad : cx0 - pad;
    float y = ((corner & 2) != 0) ? uLane.w + pad : -pad;
    vPos = vec2(x, y);
    vRect = vec4(cx0, 0.0, cx1, uLane.w);
    // Patterns repeat every 12 units at most (twice the spacing: the checker and the dashes): anchor them at the
    // span's start without carrying its (possibly huge) coordinate to the fragments.
    vPatternX = x0 - 12.0 * floor(x0 / 12.0);
    vState = state;
    vFlags = flags;
    vSelected = selected ? 1 : 0;
    vec2 screen = uLane.xy + vec2(x, y);
    vec2 ndc = (screen - uDisplay.xy) / uDisplay.zw * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
