// The timeline's spans: crisp anti-aliased edges and a pattern per state, so states differ without colour.
// The patterns are ui::PatternKind's (src/ui/timeline_patterns.h; the numbers below are its values) and their
// geometry its constants; DrawPatternedRect there draws the same on the CPU path. The state's colours and
// pattern come from the table the legend reads (uniform arrays, set from ui::StateColor and ui::StatePattern).

in vec2 vPos;
flat in vec4 vRect;
flat in float vPatternX;
flat in int vState;
flat in int vFlags;
flat in int vSelected;

uniform vec4 uFill[14];     // per state, straight alpha (trace::SpanState::Count entries)
uniform vec4 uInk[14];
uniform int uPattern[14];
uniform vec4 uOutline;
uniform float uFbScale;

out vec4 outColor;

const float kSpacing = 6.0;     // kPatternSpacing
const float kLineWidth = 1.25;  // kPatternLineWidth
const float kDotRadius = 1.1;   // kPatternDotRadius
const float kOutlineWidth = 1.5;
const float kOutlineFillAlpha = 70.0 / 255.0;
const float kCheckerInk = 115.0 / 255.0;
const float kPatternMinWidth = 5.0;

// Coverage of a stroke `halfWidth` either side of its centre line at distance `d` (ImGui units), a framebuffer
// pixel of smoothing: lines stay sharp at 1x and 3x alike.
float Stroke(float d, float halfWidth) { return clamp((halfWidth - d) * uFbScale + 0.5, 0.0, 1.0); }

// Distance to the nearest of the lines u = k * period.
float ToLines(float u, float period) {
    float m = mod(u, period);
    return min(m, period - m);
}

// How much of the pattern's ink covers point p (pattern coordinates: the span's start, the lane's top).
float PatternInk(int kind, vec2 p) {
    float halfWidth = kLineWidth * 0.5;
    if (kind == 1) return Stroke(ToLines(p.x + p.y, kSpacing) * 0.70710678, halfWidth);
    if (kind == 2) return Stroke(ToLines(p.x - p.y, kSpacing) * 0.70710678, halfWidth);
    if (kind == 3)
        return max(Stroke(ToLines(p.x + p.y, kSpacing) * 0.70710678, halfWidth),
                   Stroke(ToLines(p.x - p.y, kSpacing) * 0.70710678, halfWidth));
    if (kind == 4) {
        vec2 c = (floor(p / kSpacing) + 0.5) * kSpacing;
        return Stroke(length(p - c), kDotRadius);
    }
    if (kind == 5) return Stroke(ToLines(p.y - kSpacing * 0.5, kSpacing), halfWidth);
    if (kind == 6) return Stroke(ToLines(p.x - kSpacing * 0.5, kSpacing), halfWidth);
    if (kind == 7)
        return max(Stroke(ToLines(p.y - kSpacing * 0.5, kSpacing), halfWidth),
                   Stroke(ToLines(p.x - kSpacing * 0.5, kSpacing), halfWidth));
    if (kind == 8) {
        vec2 cell = floor(p / kSpacing);
        return mod(cell.x + cell.y, 2.0) > 0.5 ? kCheckerInk : 0.0;
    }
    if (kind == 11) {
        // Rows of dashes half a spacing long; odd rows shifted by half a spacing.
        float row = floor(p.y / kSpacing);
        float shift = mod(row, 2.0) > 0.5 ? kSpacing * 0.5 : 0.0;
        float along = mod(p.x - shift, kSpacing);
        float inDash = clamp(min(along, kSpacing * 0.5 - along) * uFbScale + 0.5, 0.0, 1.0);
        return inDash * Stroke(ToLines(p.y - kSpacing * 0.5, kSpacing), halfWidth);
    }
    return 0.0;
}

void main() {
    // Signed distances inside the span's rectangle (positive inside), ImGui units.
    float dx = min(vPos.x - vRect.x, vRect.z - vPos.x);
    float dy = min(vPos.y - vRect.y, vRect.w - vPos.y);
    float inside = clamp(dx * uFbScale + 0.5, 0.0, 1.0) * clamp(dy * uFbScale + 0.5, 0.0, 1.0);
    vec4 fill = uFill[vState];
    int kind = uPattern[vState];
    vec4 color;
    if ((vFlags & 1) != 0) {
        // A level-of-detail mark for many spans: the first state's colour, half transparent, with a solid band
        // through the middle (as the CPU path): "many things here", not one span.
        float band = step(abs(vPos.y - vRect.w * 0.5), 1.0);
        color = vec4(fill.rgb, mix(150.0 / 255.0, 1.0, band) * fill.a);
    } else if (kind == 10) {
        // Half the lane's height: present, doing nothing.
        float quarter = vRect.w * 0.25;
        float dMid = quarter - abs(vPos.y - vRect.w * 0.5);
        inside *= clamp(dMid * uFbScale + 0.5, 0.0, 1.0);
        color = fill;
    } else if (kind == 9) {
        // Hollow: a faint fill inside a border of the state's colour (the border only where there is room).
        float border = (vRect.z - vRect.x >= 2.0 * kOutlineWidth) ? clamp((kOutlineWidth - min(dx, dy)) * uFbScale + 0.5, 0.0, 1.0) : 1.0;
        color = vec4(fill.rgb, mix(kOutlineFillAlpha, 1.0, border) * fill.a);
    } else {
        // As on the CPU path, a span narrower than kPatternMinWidth is filled plainly: a pattern needs room.
        vec2 p = vec2(vPos.x - vPatternX, vPos.y);
        float ink = (kind == 0 || vRect.z - vRect.x < kPatternMinWidth) ? 0.0 : PatternInk(kind, p);
        color = vec4(mix(fill.rgb, uInk[vState].rgb, ink), fill.a);
    }
    float alpha = color.a * inside;
    if (vSelected != 0) {
        // The selected task's outline: a 2-unit band just outside the span.
        float outside = max(-dx, -dy);
        float ring = clamp((2.0 - outside) * uFbScale + 0.5, 0.0, 1.0) * (1.0 - inside);
        color.rgb = mix(color.rgb, uOutline.rgb, ring);
        alpha = max(alpha, ring * uOutline.a);
    }
    if (alpha <= 0.0) discard;
    outColor = vec4(color.rgb, alpha);
}
