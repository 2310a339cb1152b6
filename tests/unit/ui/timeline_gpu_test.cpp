// The GPU timeline's data side (ui/timeline_gpu.h), its pattern table (ui/timeline_patterns.h), its shaders
// (shaders/, compiled by glslangValidator as GLSL ES 3.00 and GLSL 330), and what TimelineController hands a
// renderer (a recording fake here: the headless tests have no GL).
#include <gtest/gtest.h>
#include <imgui.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "synthetic_trace.h"
#include "ui/headless.h"
#include "ui/theme.h"
#include "ui/timeline.h"
#include "ui/timeline_gpu.h"
#include "ui/timeline_patterns.h"

namespace interleave::ui {
namespace {

using trace::SpanState;

// [SECTION] Instances

TEST(GpuTimeline, InstancesHoldEverySpanLaneByLaneWithItsStateAndTask) {
    const trace::Trace t = testing::ThreadsTrace(3, 2, 12);
    const SpanInstances built = BuildSpanInstances(t);
    ASSERT_EQ(built.instances.size(), t.spans.size());
    ASSERT_EQ(built.laneFirst.size(), t.tracks.size() + 1);
    EXPECT_EQ(built.laneFirst.front(), 0u);
    EXPECT_EQ(built.laneFirst.back(), uint32_t(t.spans.size()));
    for (size_t track = 0; track < t.tracks.size(); ++track) {
        const auto spans = t.SpansOf(trace::TrackId(track));
        ASSERT_EQ(built.laneFirst[track + 1] - built.laneFirst[track], spans.size()) << "track " << track;
        for (size_t i = 0; i < spans.size(); ++i) {
            const SpanInstance& instance = built.instances[built.laneFirst[track] + i];
            EXPECT_EQ(instance.lane, track);
            EXPECT_EQ(instance.state, uint8_t(spans[i].state));
            EXPECT_EQ(instance.task, spans[i].task.value);
            EXPECT_EQ(instance.flags, 0);
            EXPECT_EQ(double(instance.startHi) + double(instance.startLo), double(spans[i].start));
            EXPECT_EQ(double(instance.endHi) + double(instance.endLo), double(spans[i].end));
        }
    }
}

TEST(GpuTimeline, SplitTimesKeepNanosecondsDaysIntoATrace) {
    // One float holds 24 bits: at two days (1.7e14 ns) its step is 16 ms. hi + lo must give the time back.
    for (const double t : {0.0, 1.0, 123456789.0, 172'800'000'000'001.0, 281'474'976'710'655.0}) {
        float hi = 0, lo = 0;
        SplitTime(t, hi, lo);
        EXPECT_EQ(double(hi) + double(lo), t) << t;
    }
}

// [SECTION] Patterns

TEST(GpuTimeline, StatesThatShareALaneHaveDistinctPatterns) {
    for (const auto& lane : StatesSharingALane())
        for (size_t i = 0; i < lane.size(); ++i)
            for (size_t j = i + 1; j < lane.size(); ++j)
                EXPECT_NE(StatePattern(lane[i]), StatePattern(lane[j]))
                    << StateLabel(lane[i]) << " and " << StateLabel(lane[j]) << " share a lane and a pattern";
}

TEST(GpuTimeline, WaitsArePatternedAndRunningIsSolid) {
    // The words: hatching for waiting for the GIL, dots for waiting for a core.
    EXPECT_EQ(StatePattern(SpanState::RunningPython), PatternKind::Solid);
    EXPECT_EQ(StatePattern(SpanState::WaitingGil), PatternKind::DiagonalHatch);
    EXPECT_EQ(StatePattern(SpanState::WaitingCore), PatternKind::Dots);
    for (size_t s = 0; s < size_t(SpanState::Count); ++s)
        EXPECT_LT(StatePattern(SpanState(s)), PatternKind::Count);
}

TEST(GpuTimeline, PatternInkStandsOffItsFill) {
    for (const Theme theme : {Theme::Dark, Theme::Light})
        for (size_t s = 0; s < size_t(SpanState::Count); ++s) {
            const uint32_t fill = StateColor(SpanState(s), theme), ink = PatternInk(fill);
            const auto luma = [](uint32_t c) {
                return 0.299 * double(c & 0xff) + 0.587 * double((c >> 8) & 0xff) + 0.114 * double((c >> 16) & 0xff);
            };
            EXPECT_GT(std::abs(luma(fill) - luma(ink)), 30.0) << StateLabel(SpanState(s));
        }
}

// [SECTION] Shaders

// glslangValidator (Debian's glslang-tools, scripts/setup.sh) on `source`, written as <stage file name>.
std::string Validate(const std::string& source, const std::string& fileName, int& status) {
    const auto dir = std::filesystem::temp_directory_path() / ("interleave-glsl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / fileName;
    std::ofstream(path) << source;
    const auto logPath = dir / (fileName + ".log");
    status = std::system(std::string("glslangValidator '")
                             .append(path.string())
                             .append("' > '")
                             .append(logPath.string())
                             .append("' 2>&1")
                             .c_str());
    std::ifstream in(logPath);
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove_all(dir);
    return log;
}

TEST(GpuTimeline, ShadersCompileAsGlslEs300AndGlsl330) {
    if (std::system("command -v glslangValidator > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "glslangValidator is not installed (Debian's glslang-tools; scripts/setup.sh installs it)";
    for (const auto& [dialect, name] :
         {std::pair{GlslDialect::GlslEs300, "GLSL ES 3.00"}, {GlslDialect::Glsl330, "GLSL 330"}})
        for (const char* shader : {"timeline.vert", "timeline.frag"}) {
            const std::string source = TimelineShader(shader, dialect);
            ASSERT_FALSE(source.empty()) << shader << " is not embedded";
            int status = 0;
            const std::string log = Validate(source, shader, status);
            EXPECT_EQ(status, 0) << shader << " as " << name << ":\n" << log;
        }
}

TEST(GpuTimeline, ShaderSourcesHaveNoVersionLineOfTheirOwn) {
    // The loader prepends the dialect's; a second #version line is an error in both.
    for (const char* shader : {"timeline.vert", "timeline.frag"}) {
        const std::string source = TimelineShader(shader, GlslDialect::Glsl330);
        EXPECT_EQ(source.find("#version"), 0u);
        // A directive starts its line (comments may name it).
        EXPECT_EQ(source.find("\n#version"), std::string::npos) << shader;
        EXPECT_EQ(source.find("\n #version"), std::string::npos) << shader;
    }
    EXPECT_EQ(
        TimelineShader("timeline.frag", GlslDialect::GlslEs300).rfind("#version 300 es\nprecision highp float;", 0),
        0u);
}

// [SECTION] The controller and a renderer

class RecordingRenderer final : public TimelineRenderer {
public:
    struct Lane {
        GpuLaneDraw draw;
        std::vector<SpanInstance> streamed;
    };
    uint64_t Upload(std::span<const SpanInstance> instances) override {
        uploads.emplace_back(instances.begin(), instances.end());
        return uploads.size();
    }
    void Release(uint64_t buffer) override { released.push_back(buffer); }
    void AddLane(ImDrawList*, const GpuLaneDraw& lane, std::span<const SpanInstance> streamed) override {
        lanes.push_back({lane, {streamed.begin(), streamed.end()}});
    }
    std::vector<std::vector<SpanInstance>> uploads;
    std::vector<uint64_t> released;
    std::vector<Lane> lanes;  // the last frame's
};

class GpuTimelineController : public ::testing::Test {
protected:
    void SetUp() override {
        m_context = std::make_unique<HeadlessContext>();
        HeadlessContext::SetDisplay(1280, 800);
        SetTimelineRenderer(&m_renderer);
    }
    void TearDown() override {
        SetTimelineRenderer(nullptr);
        m_context.reset();
    }
    // One frame of the controller alone, its lanes 1000 units wide.
    void Frame(TimelineController& controller, TimeRange& range) {
        m_renderer.lanes.clear();
        HeadlessFrame([&] {
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(1280, 800));
            ImGui::Begin("timeline");
            trace::TaskId selected;
            controller.Draw("lanes", ImVec2(1200, 700), range, selected, Theme::Dark, -1);
            m_lanesWidth = controller.LanesRect()[2];
            ImGui::End();
        });
    }
    RecordingRenderer m_renderer;
    float m_lanesWidth = 0;
    std::unique_ptr<HeadlessContext> m_context;
};

TEST_F(GpuTimelineController, UploadsATraceOnceAndZoomingOnlyMovesTheView) {
    const trace::Trace t = testing::ThreadsTrace(4, 4, 40);
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range = FitRange(0, t.EndTime());
    for (const TimeRange view : {range, TimeRange{20e6, 60e6}, TimeRange{41e6, 44e6}}) {
        range = view;
        Frame(controller, range);
        ASSERT_EQ(m_renderer.uploads.size(), 1u) << "a zoom or a pan uploaded the spans again";
        EXPECT_EQ(m_renderer.uploads.front().size(), t.spans.size());
        ASSERT_FALSE(m_renderer.lanes.empty());
        EXPECT_EQ(controller.GpuLanesLastFrame(), m_renderer.lanes.size());
        for (const auto& lane : m_renderer.lanes) {
            EXPECT_EQ(lane.draw.t0, range.t0);
            EXPECT_DOUBLE_EQ(lane.draw.pxPerNs, double(m_lanesWidth) / range.Width());
            // A lane of 5 ms turns is never denser than its pixels: drawn from the trace's buffer, and exactly
            // the spans that intersect the view.
            ASSERT_EQ(lane.draw.buffer, 1u);
            EXPECT_TRUE(lane.streamed.empty());
            const auto& all = m_renderer.uploads.front();
            const uint16_t track = all[lane.draw.first].lane;
            size_t expected = 0;
            for (const trace::Span& span : t.SpansOf(trace::TrackId(track)))
                if (double(span.end) > range.t0 && double(span.start) < range.t1) ++expected;
            EXPECT_EQ(lane.draw.count, expected) << "track " << track;
            for (uint32_t i = lane.draw.first; i < lane.draw.first + lane.draw.count; ++i) {
                EXPECT_EQ(all[i].lane, track);
                EXPECT_GT(double(all[i].endHi) + double(all[i].endLo), range.t0);
                EXPECT_LT(double(all[i].startHi) + double(all[i].startLo), range.t1);
            }
        }
    }
}

TEST_F(GpuTimelineController, DenseLanesStreamTheirFoldedCommandsBoundedByPixels) {
    const trace::Trace t = testing::LanesTrace(400'000, 4);
    TimelineController controller;
    controller.AddSection("dense", &t);
    TimeRange range = FitRange(0, t.EndTime());
    Frame(controller, range);
    ASSERT_EQ(m_renderer.lanes.size(), 4u);
    for (const auto& lane : m_renderer.lanes) {
        EXPECT_EQ(lane.draw.buffer, 0u);
        EXPECT_LE(lane.streamed.size(), size_t(m_lanesWidth / kFoldPx) + 2);
        EXPECT_TRUE(std::any_of(lane.streamed.begin(), lane.streamed.end(),
                                [](const SpanInstance& i) { return (i.flags & kInstanceFolded) != 0; }));
    }
}

TEST_F(GpuTimelineController, ReleasesTheBufferWhenTheTraceGoes) {
    const trace::Trace t = testing::ThreadsTrace();
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range = FitRange(0, t.EndTime());
    Frame(controller, range);
    ASSERT_EQ(m_renderer.uploads.size(), 1u);
    controller.Clear();
    EXPECT_EQ(m_renderer.released, std::vector<uint64_t>{1});
}

TEST_F(GpuTimelineController, WithoutARendererTheLanesDrawOnTheCpu) {
    SetTimelineRenderer(nullptr);
    const trace::Trace t = testing::ThreadsTrace();
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range = FitRange(0, t.EndTime());
    Frame(controller, range);
    EXPECT_EQ(controller.GpuLanesLastFrame(), 0u);
    EXPECT_TRUE(m_renderer.uploads.empty());
    EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 1000);
}

}  // namespace
}  // namespace interleave::ui
