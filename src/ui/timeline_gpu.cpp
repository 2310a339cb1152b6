// The GPU timeline's data side: instances, the renderer slot, shader sources. See timeline_gpu.h.
#include "ui/timeline_gpu.h"

#include "interleave_shaders.h"

namespace interleave::ui {

namespace {

TimelineRenderer* g_renderer = nullptr;

}  // namespace

void SplitTime(double t, float& hi, float& lo) {
    hi = float(t);
    lo = float(t - double(hi));
}

SpanInstances BuildSpanInstances(const trace::Trace& trace) {
    SpanInstances out;
    out.instances.reserve(trace.spans.size());
    out.laneFirst.reserve(trace.tracks.size() + 1);
    for (size_t track = 0; track < trace.tracks.size(); ++track) {
        out.laneFirst.push_back(uint32_t(out.instances.size()));
        for (const trace::Span& span : trace.SpansOf(trace::TrackId(track))) {
            SpanInstance instance;
            SplitTime(double(span.start), instance.startHi, instance.startLo);
            SplitTime(double(span.end), instance.endHi, instance.endLo);
            instance.lane = uint16_t(track);
            instance.state = uint8_t(span.state);
            instance.task = span.task.value;
            out.instances.push_back(instance);
        }
    }
    out.laneFirst.push_back(uint32_t(out.instances.size()));
    return out;
}

TimelineRenderer* ActiveTimelineRenderer() {
    return g_renderer;
}
void SetTimelineRenderer(TimelineRenderer* renderer) {
    g_renderer = renderer;
}

std::string ShaderForDialect(std::string_view source, GlslDialect dialect) {
    // highp: times and pixel positions need float's full 24 bits (mediump may give 10).
    std::string text = dialect == GlslDialect::GlslEs300
                           ? std::string("#version 300 es\nprecision highp float;\nprecision highp int;\n")
                           : std::string("#version 330 core\n");
    // Keep the source's line numbers in compiler messages: #line counts from the next line.
    text.append("#line 1\n").append(source);
    return text;
}

std::string TimelineShader(std::string_view name, GlslDialect dialect) {
    const std::string_view source = shaders::Find(name);
    return source.empty() ? std::string() : ShaderForDialect(source, dialect);
}

}  // namespace interleave::ui
