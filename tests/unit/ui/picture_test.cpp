// Pictures of the timeline (ui/picture.h, ui/svg_writer.h, ui/soft_raster.h): what a reader of a blog post sees
// must be the live view's spans, names and colours, and a stranger's names must stay text.
// GCC 12 at -O2 (the ASan build) reports std::regex's own std::function members as maybe uninitialized (a false
// positive inside libstdc++'s headers, which CI's -Werror turns into a failed build): off for this file, before any
// header is read.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <gtest/gtest.h>
#include <imgui.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "headless_imgui.h"
#include "synthetic_trace.h"
#include "ui/headless.h"
#include "ui/lane_rows.h"
#include "ui/picture.h"
#include "ui/picture_export.h"
#include "ui/scaling_plot.h"
#include "ui/timeline_arrows.h"
#include "models/simulate.h"
#include "scenario/presets.h"
#include "ui/soft_raster.h"
#include "ui/svg_writer.h"
#include "ui/theme.h"
#include "ui/timeline_lod.h"

namespace interleave::ui {
namespace {

// A tiny XML well-formedness check (what an SVG viewer insists on before drawing anything): tags nest and close,
// attribute values are quoted, '<' and '&' in text only start tags and entities, no control characters.
// Returns "" or what is wrong.
std::string CheckWellFormed(const std::string& xml) {
    std::vector<std::string> open;
    size_t i = 0;
    if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
    bool root = false;
    while (i < xml.size()) {
        const unsigned char c = static_cast<unsigned char>(xml[i]);
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return "control character at " + std::to_string(i);
        if (c == '&') {
            const size_t semi = xml.find(';', i);
            if (semi == std::string::npos) return "bare & at " + std::to_string(i);
            static const std::regex entity("&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
            if (!std::regex_match(xml.substr(i, semi - i + 1), entity)) return "bad entity at " + std::to_string(i);
            i = semi + 1;
            continue;
        }
        if (c == '>') return "bare > at " + std::to_string(i);  // legal XML, but our writer escapes it (]]>)
        if (c != '<') {
            if (open.empty() && c > ' ') return "text outside the root at " + std::to_string(i);
            ++i;
            continue;
        }
        const size_t end = xml.find('>', i);
        if (end == std::string::npos) return "unclosed tag at " + std::to_string(i);
        std::string tag = xml.substr(i + 1, end - i - 1);
        if (tag.find('<') != std::string::npos) return "'<' inside a tag at " + std::to_string(i);
        if (!tag.empty() && tag[0] == '/') {
            if (open.empty() || open.back() != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
            open.pop_back();
        } else {
            const bool selfClosing = !tag.empty() && tag.back() == '/';
            if (selfClosing) tag.pop_back();
            static const std::regex element(R"(([A-Za-z][\w:-]*)(\s+[\w:-]+="[^"<]*")*\s*)");
            std::smatch m;
            if (!std::regex_match(tag, m, element)) return "malformed tag <" + tag.substr(0, 60) + ">";
            if (open.empty() && root) return "a second root element";
            root = true;
            if (!selfClosing) open.push_back(m[1]);
        }
        i = end + 1;
    }
    return open.empty() && root ? "" : "unclosed <" + (open.empty() ? std::string("?") : open.back()) + ">";
}

std::string Unescape(std::string s) {
    const std::pair<const char*, const char*> entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1))
            s.replace(at, std::strlen(from), to);
    return s;
}

// Every <text>'s content, unescaped.
std::vector<std::string> Texts(const std::string& svg) {
    std::vector<std::string> out;
    static const std::regex text("<text[^>]*>([^<]*)</text>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it)
        out.push_back(Unescape((*it)[1]));
    return out;
}

size_t CountMatches(const std::string& s, const std::string& pattern) {
    const std::regex re(pattern);
    return size_t(std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator()));
}

// Fixed widths (7 units a byte): the layout's rules without the font.
TextMetrics FakeMetrics() {
    TextMetrics m;
    m.size = 15;
    m.ascent = 12;
    m.width = [](std::string_view s) { return 7.0f * float(s.size()); };
    return m;
}

// Two threads, a few wide spans each (all drawn as themselves at 1280 px), one task name per span.
trace::Trace SmallTrace(const std::string& laneName = "Thread-1", const std::string& taskName = "fetch[0]") {
    trace::Trace t;
    t.label = "small";
    const auto a = t.AddTrack(laneName, trace::TrackKind::Thread);
    const auto b = t.AddTrack("Thread-2", trace::TrackKind::Thread);
    t.tasks.push_back({taskName, 0, 0, 100'000'000});
    t.tasks.push_back({"fetch[1]", 0, 0, 100'000'000});
    for (int k = 0; k < 5; ++k) {
        const int64_t s = int64_t(k) * 20'000'000;
        t.spans.push_back({s, s + 20'000'000, a, trace::TaskId(0), trace::TrackId::None(),
                           k % 2 ? trace::SpanState::WaitingGil : trace::SpanState::RunningPython});
        t.spans.push_back({s, s + 20'000'000, b, trace::TaskId(1), trace::TrackId::None(),
                           k % 2 ? trace::SpanState::RunningPython : trace::SpanState::WaitingGil});
    }
    t.Finish();
    t.metrics.makespan = t.EndTime();
    return t;
}

TEST(Picture, TheSvgHasOneRectPerVisibleSpan) {
    const trace::Trace t = SmallTrace();
    PictureView view;
    const std::string svg = WriteSvg(BuildPicture(t, view, FakeMetrics()));
    EXPECT_EQ(CheckWellFormed(svg), "");
    // Spans are classed by state (.s0 running Python, .t2 waiting for the GIL with its pattern); legend boxes too.
    EXPECT_EQ(CountMatches(svg, R"(<rect class="[st]\d+" x)"), t.spans.size() + 2);
    // A range holding only the middle span of each lane (40..60 ms) draws just those two (and the legend's boxes).
    view.range = {40'000'000, 60'000'000};
    const std::string middle = WriteSvg(BuildPicture(t, view, FakeMetrics()));
    EXPECT_EQ(CountMatches(middle, R"(<rect class="[st]\d+" x)"), 2u + 2u);
    // Only lane 1: its five spans.
    view.range = {0, 0};
    view.tracks = {trace::TrackId(1)};
    const Picture one = BuildPicture(t, view, FakeMetrics());
    EXPECT_EQ(one.Count(PictureRole::Span), 5u);
    EXPECT_EQ(one.Count(PictureRole::LaneLabel), 1u);
}

TEST(Picture, LanesAsWideAsTheLiveViewsFoldTheSame) {
    // The playground's button asks for its lanes' width: the picture's lanes (the axis above them) are that wide,
    // whether the label column fits in 30% of the picture or not.
    for (const std::string& lane : {std::string("Thread-1"), std::string(200, 'x')}) {
        PictureView view;
        view.lanesWidth = 700;
        const Picture pic = BuildPicture(SmallTrace(lane), view, FakeMetrics());
        ASSERT_EQ(pic.Count(PictureRole::AxisBg), 1u);
        for (const PictureItem& item : pic.items) {
            if (item.role == PictureRole::AxisBg) {
                EXPECT_NEAR(item.x1 - item.x0, 700.0f, 0.01f) << lane.size();
            }
        }
    }
}

TEST(Picture, FoldedRunsAreOneElementEach) {
    // 100k spans of 100 ns on one lane: at 1280 px they fold; the picture has as many elements as the live view's
    // draw commands, not one per span.
    const trace::Trace t = testing::DenseTrace(100'000);
    PictureView view;
    const Picture pic = BuildPicture(t, view, FakeMetrics());
    std::vector<DrawCmd> cmds;
    const TimeRange range = FitRange(0, t.EndTime());
    const float lanesW =
        pic.width - 8 - std::clamp(7.0f * 8 + 12, 60.0f, pic.width * 0.3f);  // "Thread-1" is the widest name
    BuildDrawCommands(t.SpansOf(trace::TrackId(0)), range, lanesW, cmds);
    EXPECT_GT(pic.Count(PictureRole::Fold), 0u);
    EXPECT_EQ(pic.Count(PictureRole::Fold) + pic.Count(PictureRole::Span), cmds.size());
    const std::string svg = WriteSvg(pic);
    EXPECT_EQ(CheckWellFormed(svg), "");
    EXPECT_LT(svg.size(), 200'000u);
}

TEST(Picture, NamesThatLookLikeMarkupStayText) {
    const std::string lane = "</text><script>alert(1)</script>";
    const std::string task = "a&b \"q\" 'x' ]]> <![CDATA[ \x01\x1f\x7f end";
    const trace::Trace t = SmallTrace(lane, task);
    PictureView view;
    view.width = 4000;  // room for the whole names
    view.title = "<title>&amp;";
    const std::string svg = WriteSvg(BuildPicture(t, view, FakeMetrics()));
    EXPECT_EQ(CheckWellFormed(svg), "") << svg.substr(0, 2000);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    const std::vector<std::string> texts = Texts(svg);
    EXPECT_NE(std::find(texts.begin(), texts.end(), lane), texts.end());
    EXPECT_NE(std::find(texts.begin(), texts.end(), "<title>&amp;"), texts.end());
    // Control characters become U+FFFD; the rest of the name is kept as it was.
    EXPECT_NE(
        std::find(texts.begin(), texts.end(), "a&b \"q\" 'x' ]]> <![CDATA[ \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end"),
        texts.end());
}

TEST(Picture, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(XmlEscape("ok \xC3\xA9"), "ok \xC3\xA9");                            // é kept
    EXPECT_EQ(XmlEscape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // an overlong '/'
    EXPECT_EQ(XmlEscape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    EXPECT_EQ(XmlEscape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // cut short
    EXPECT_EQ(XmlEscape("\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFF, not a character in XML
}

class PictureRaster : public ::testing::Test {
protected:
    void SetUp() override { m_context = std::make_unique<HeadlessContext>(); }
    void TearDown() override { m_context.reset(); }
    std::unique_ptr<HeadlessContext> m_context;
};

uint32_t PixelAt(const RasterImage& image, float x, float y) {
    const size_t i = (size_t(y) * size_t(image.width) + size_t(x)) * 4;
    return IM_COL32(image.rgba[i], image.rgba[i + 1], image.rgba[i + 2], image.rgba[i + 3]);
}

TEST_F(PictureRaster, ThePngHasTheStateColoursAtTheSpans) {
    const trace::Trace t = SmallTrace();
    PictureView view;
    view.width = 800;
    view.height = 300;
    const Picture pic = BuildPicture(t, view, UiTextMetrics());
    RasterImage image;
    std::string error;
    ASSERT_TRUE(RasterizePicture(pic, image, error)) << error;
    ASSERT_EQ(image.width, 800);
    ASSERT_EQ(image.height, 300);
    size_t checked = 0;
    for (const PictureItem& item : pic.items) {
        if (item.role != PictureRole::Span) continue;
        // Most of a span's pixels have its state's colour: the rest are its pattern's lines (waiting for the GIL is
        // hatched) and its name.
        int same = 0, all = 0;
        for (float y = item.y0; y < item.y1; ++y)
            for (float x = item.x0; x < item.x1; ++x, ++all)
                same += PixelAt(image, x, y) == StateColor(item.state, view.theme);
        EXPECT_GT(same, all / 4) << "span at " << item.x0 << ": " << same << " of " << all;
        ++checked;
    }
    EXPECT_EQ(checked, t.spans.size());
    EXPECT_EQ(PixelAt(image, 799, 299), pic.background);
    // Text is drawn: some pixels of the first lane's label differ from the background behind it.
    const PictureItem* label = nullptr;
    for (const PictureItem& item : pic.items)
        if (item.role == PictureRole::LaneLabel) label = label ? label : &item;
    ASSERT_NE(label, nullptr);
    int inked = 0;
    for (float y = label->y0; y < label->y0 + pic.fontSize; ++y)
        for (float x = label->x0; x < label->x0 + 40; ++x)
            inked += PixelAt(image, x, y) != PixelAt(image, 1, label->y0);
    EXPECT_GT(inked, 20);

    // The PNG says its size.
    std::string png;
    ASSERT_TRUE(RenderPicturePng(pic, png, error)) << error;
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
    auto u32 = [&](size_t at) {
        return (uint32_t(uint8_t(png[at])) << 24) | (uint32_t(uint8_t(png[at + 1])) << 16) |
               (uint32_t(uint8_t(png[at + 2])) << 8) | uint8_t(png[at + 3]);
    };
    EXPECT_EQ(u32(16), 800u);
    EXPECT_EQ(u32(20), 300u);
}

TEST_F(PictureRaster, PngExportRestoresTheCallersContext) {
    ImGuiContext* mine = ImGui::GetCurrentContext();
    std::string png, error;
    PictureView view;
    ASSERT_TRUE(PicturePng(SmallTrace(), view, png, error)) << error;
    EXPECT_EQ(ImGui::GetCurrentContext(), mine);
    EXPECT_FALSE(PictureSvg(SmallTrace(), view).empty());
    EXPECT_EQ(ImGui::GetCurrentContext(), mine);
}

TEST(Picture, FileNamesKeepOnlySafeCharacters) {
    EXPECT_EQ(PictureFileName("convoy", "svg"), "interleave-convoy.svg");
    EXPECT_EQ(PictureFileName("../../etc/passwd", "png"), "interleave-______etc_passwd.png");
}

// The playground's "Save SVG" button writes the timeline on screen (natively: into the working directory).
class SaveSvgButton : public testing::HeadlessImGuiTest {};

TEST_F(SaveSvgButton, WritesTheViewAsAnSvgFile) {
    char previous[4096];
    ASSERT_NE(getcwd(previous, sizeof previous), nullptr);
    const std::string dir = ::testing::TempDir() + "interleave-save-svg-" + std::to_string(getpid());
    ASSERT_EQ(system(("mkdir -p '" + dir + "'").c_str()), 0);
    ASSERT_EQ(chdir(dir.c_str()), 0);
    Playground p(Offline());
    scenario::Scenario scenario = CpuScenario();
    scenario.name = "four <cpu> tasks";
    p.ShowRun(scenario, testing::ThreadsTrace());
    Frames(p, 1280, 800, 3);
    const auto button = State(p)["widgets"]["save_svg"];
    ASSERT_TRUE(button.is_array());
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(button[0].get<float>() + button[2].get<float>() * 0.5f,
                         button[1].get<float>() + button[3].get<float>() * 0.5f);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, true);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, false);
    Frames(p, 1280, 800, 2);
    std::ifstream in("interleave-four__cpu__tasks.svg");
    std::stringstream svg;
    svg << in.rdbuf();
    ASSERT_EQ(chdir(previous), 0);
    ASSERT_FALSE(svg.str().empty()) << "no interleave-four__cpu__tasks.svg in " << dir;
    EXPECT_EQ(CheckWellFormed(svg.str()), "");
    const std::vector<std::string> texts = Texts(svg.str());
    EXPECT_NE(std::find(texts.begin(), texts.end(), "Thread-1"), texts.end());
}

// Several runs (the run, a pinned one, opened files, compared models) stack under their own headers on one time
// axis, as the live timeline draws them; a section without a trace (a failed model) is its header alone.
TEST(Picture, SectionsStackUnderTheirOwnHeadersOnOneTimeAxis) {
    const trace::Trace shortRun = SmallTrace();          // 100 ms, two lanes
    trace::Trace longRun = SmallTrace("Worker", "job");  // stretched to 400 ms
    for (trace::Span& span : longRun.spans)
        span.start *= 4, span.end *= 4;
    longRun.Finish();
    longRun.metrics.makespan = longRun.EndTime();
    PictureView view;
    const Picture pic =
        BuildPicture({PictureSection{&shortRun, "this run", {}, {}}, PictureSection{nullptr, "failed: no", {}, {}},
                      PictureSection{&longRun, "", {trace::TrackId(1)}, {}}},
                     view, FakeMetrics());
    std::vector<std::string> headers;
    std::vector<float> headerY;
    for (const PictureItem& item : pic.items)
        if (item.role == PictureRole::HeaderText) headers.push_back(item.text), headerY.push_back(item.y0);
    ASSERT_EQ(headers.size(), 3u);
    EXPECT_EQ(headers[0], "this run");
    EXPECT_EQ(headers[1], "failed: no");
    EXPECT_EQ(headers[2], "small  -  makespan " + FormatTime(400e6));  // "": the trace's label and makespan
    // The first section's two lanes, none for the failed one, the one lane the third asks for.
    std::vector<std::pair<float, std::string>> labels;
    for (const PictureItem& item : pic.items)
        if (item.role == PictureRole::LaneLabel) labels.emplace_back(item.y0, item.text);
    ASSERT_EQ(labels.size(), 3u);
    EXPECT_EQ(labels[0].second, "Thread-1");
    EXPECT_EQ(labels[1].second, "Thread-2");
    EXPECT_EQ(labels[2].second, "Thread-2");
    EXPECT_LT(labels[1].first, headerY[1]);
    EXPECT_GT(labels[2].first, headerY[2]);
    // One time axis, fitted to the longer run: the short run's spans end a quarter of the way along.
    float shortEnd = 0, longEnd = 0;
    for (const PictureItem& item : pic.items) {
        if (item.role != PictureRole::Span) continue;
        (item.y0 < headerY[1] ? shortEnd : longEnd) = std::max(item.y0 < headerY[1] ? shortEnd : longEnd, item.x1);
    }
    EXPECT_GT(longEnd, shortEnd * 2.5f);
    EXPECT_EQ(CheckWellFormed(WriteSvg(pic)), "");
}

// The scaling plot's picture: a point for each computed worker count (saying what it is, as the live view's tooltip
// does), a line between computed neighbours only, and nothing when no point is computed.
TEST(ScalingPicture, APointPerComputedCountALineBetweenComputedNeighbours) {
    ScalingSeries threads;
    threads.model = scenario::ModelKind::Threads;
    threads.workers = {1, 2, 3, 4};
    threads.makespan = {400'000'000, 200'000'000, -1, 100'000'000};
    ScalingSeries processes;
    processes.model = scenario::ModelKind::Processes;
    processes.workers = {1, 2, 3, 4};
    processes.makespan = {450'000'000, 230'000'000, 160'000'000, 120'000'000};
    ScalingPlotView view;
    view.cores = 2;
    const ScalingPlot plot = BuildScalingPicture({threads, processes}, view, FakeMetrics());
    ASSERT_FALSE(plot.empty);
    EXPECT_EQ(plot.picture.Count(PictureRole::PlotPoint), 3u + 4u);
    EXPECT_EQ(plot.picture.Count(PictureRole::PlotLine), 1u + 3u);
    EXPECT_EQ(plot.picture.Count(PictureRole::PlotKey), 2u);
    std::vector<std::string> points;
    float leftmost = 1e9f, lowest = -1e9f;
    for (const PictureItem& item : plot.picture.items) {
        if (item.role != PictureRole::PlotPoint) continue;
        points.push_back(item.text);
        leftmost = std::min(leftmost, item.x0);
        lowest = std::max(lowest, item.y0);
    }
    EXPECT_EQ(points[0], "threads x1: makespan " + FormatTime(400e6));
    EXPECT_EQ(points[2], "threads x4: makespan " + FormatTime(100e6));
    EXPECT_FLOAT_EQ(leftmost, plot.left);  // one worker on the y axis
    // The makespan labels end left of the y axis; the worker labels sit under the x axis.
    size_t yLabels = 0;
    for (const PictureItem& item : plot.picture.items) {
        if (item.role != PictureRole::TickLabel) continue;
        if (item.y0 < plot.bottom) {
            ++yLabels;
            EXPECT_LE(item.x0 + FakeMetrics().width(item.text), plot.left) << item.text << " runs over the axis";
        } else {
            EXPECT_GT(item.y0, plot.bottom) << item.text;
        }
    }
    EXPECT_GE(yLabels, 3u);
    EXPECT_LT(lowest, plot.bottom);        // no makespan at 0
    const std::string svg = WriteSvg(plot.picture);
    EXPECT_EQ(CheckWellFormed(svg), "");
    EXPECT_NE(svg.find("<title>processes x3: makespan " + FormatTime(160e6) + "</title></circle>"), std::string::npos);
    EXPECT_NE(svg.find(">cores<"), std::string::npos);
    threads.makespan.assign(4, -1);
    EXPECT_TRUE(BuildScalingPicture({threads}, view, FakeMetrics()).empty);
}

// Two series that coincide: the thinner line lies on the thicker one, and each line and point sits on a halo of the
// background's colour, wider than itself, so the thinner one stands apart even where the two colours look alike.
TEST(ScalingPicture, EveryLineAndPointSitsOnAHaloOfTheBackground) {
    ScalingSeries threads;
    threads.model = scenario::ModelKind::Threads;
    threads.workers = {1, 2, 4};
    threads.makespan = {400'000'000, 400'000'000, 400'000'000};
    ScalingSeries freeThreaded = threads;
    freeThreaded.model = scenario::ModelKind::FreeThreaded;
    for (Theme theme : {Theme::Dark, Theme::Light}) {
        ScalingPlotView view;
        view.theme = theme;
        const ScalingPlot plot = BuildScalingPicture({threads, freeThreaded}, view, FakeMetrics());
        ASSERT_FALSE(plot.empty);
        const std::vector<PictureItem>& items = plot.picture.items;
        size_t drawn = 0;
        for (size_t i = 0; i < items.size(); ++i) {
            const PictureItem& item = items[i];
            if (item.role != PictureRole::PlotLine && item.role != PictureRole::PlotPoint) continue;
            ++drawn;
            ASSERT_GT(i, 0u);
            const PictureItem& halo = items[i - 1];
            EXPECT_EQ(halo.role, PictureRole::PlotHalo) << item.text;
            EXPECT_EQ(halo.shape, item.shape);
            EXPECT_EQ(halo.color, plot.picture.background);
            EXPECT_NE(item.color, plot.picture.background);
            EXPECT_FLOAT_EQ(halo.x0, item.x0);
            EXPECT_FLOAT_EQ(halo.y0, item.y0);
            EXPECT_FLOAT_EQ(halo.x1, item.x1);
            EXPECT_FLOAT_EQ(halo.y1, item.y1);
            EXPECT_GE(halo.x2, item.x2 + 2.0f) << "a halo shows at least a pixel each side";
        }
        EXPECT_EQ(drawn, 2u * (2 + 3));
        EXPECT_EQ(plot.picture.Count(PictureRole::PlotHalo), drawn);
        // The line drawn first (threads) is wider than the halo of the one drawn on it: it shows at both edges.
        float firstLine = 0, lastHalo = 0;
        for (const PictureItem& item : items) {
            if (item.shape != PictureShape::Line) continue;
            if (item.role == PictureRole::PlotLine && firstLine == 0) firstLine = item.x2;
            if (item.role == PictureRole::PlotHalo) lastHalo = item.x2;
        }
        EXPECT_GE(firstLine, lastHalo + 2.0f) << "threads' line hidden under free_threaded's halo";
    }
}

// The causes the live view draws over the lanes are in the picture too (its "causes" box ticked by default):
// drop requests dashed, hand-offs solid, each with its head, inside the lanes; none when the view leaves them out.
TEST(Picture, TheCausalityArrowsAreDrawnAsTheLiveViewFoldsThem) {
    const scenario::PresetFile* preset = scenario::FindPreset("convoy_effect");
    ASSERT_NE(preset, nullptr);
    scenario::ParseError error;
    const auto scenario = scenario::ParseScenario(preset->json, error);
    ASSERT_TRUE(scenario.has_value());
    const models::SimulationResult run = models::Simulate(*scenario);
    ASSERT_TRUE(run.ok);
    PictureView view;
    view.range = {0, 60e6};  // the first 60 ms: a dozen round trips, each a drop request and two hand-offs
    const Picture pic = BuildPicture(run.trace, view, FakeMetrics());
    const size_t lines = pic.Count(PictureRole::ArrowLine), heads = pic.Count(PictureRole::ArrowHead);
    EXPECT_GE(lines, 12u);
    EXPECT_LE(heads, lines);
    EXPECT_GT(heads, 0u);
    const CausalLinks links = BuildCausalLinks(run.trace);
    EXPECT_GT(links.Count(ArrowKind::DropRequest), 0u);
    float lanesLeft = pic.width, lanesRight = 0;
    for (const PictureItem& item : pic.items)
        if (item.role == PictureRole::AxisBg) lanesLeft = item.x0, lanesRight = item.x1;
    size_t dashed = 0;
    for (const PictureItem& item : pic.items) {
        if (item.role != PictureRole::ArrowLine) continue;
        dashed += item.y2 > 0;
        EXPECT_GE(std::min(item.x0, item.x1), lanesLeft - 0.01f);
        EXPECT_LE(std::max(item.x0, item.x1), lanesRight + 0.01f);
    }
    EXPECT_GT(dashed, 0u) << "drop requests are dashed";
    EXPECT_LT(dashed, lines) << "hand-offs are not";
    const std::string svg = WriteSvg(pic);
    EXPECT_EQ(CheckWellFormed(svg), "");
    EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
    view.arrows = false;
    const Picture plain = BuildPicture(run.trace, view, FakeMetrics());
    EXPECT_EQ(plain.Count(PictureRole::ArrowLine) + plain.Count(PictureRole::ArrowHead) +
                  plain.Count(PictureRole::ArrowDot) + plain.Count(PictureRole::ArrowHalo),
              0u);
    EXPECT_LT(WriteSvg(plain).size(), svg.size());
}

// A group folded in the live view is one row in its picture too: its name with how many lanes it hides, a triangle
// pointing right, and per pixel a bar as tall as the share of its lanes busy, in the state most of them are in.
TEST(Picture, ACollapsedGroupIsOneSummaryRowAsTheLiveViewFoldsIt) {
    const trace::Trace t = testing::ThreadsTrace(4, 4, 40);  // MainProcess over Thread-1..4: one runs, three wait
    const auto labels = [](const Picture& pic) {
        std::vector<std::string> out;
        for (const PictureItem& item : pic.items)
            if (item.role == PictureRole::LaneLabel) out.push_back(item.text);
        return out;
    };
    const auto groupMark = [](const Picture& pic) {
        for (const PictureItem& item : pic.items)
            if (item.role == PictureRole::GroupMark) return item;
        return PictureItem{};
    };
    PictureView view;
    const Picture open = BuildPicture(t, view, FakeMetrics());
    view.collapsed = TracksFlaggedByName(t, {"MainProcess"});
    const Picture folded = BuildPicture(t, view, FakeMetrics());

    const std::vector<std::string> openLabels = labels(open), foldedLabels = labels(folded);
    EXPECT_NE(std::find(openLabels.begin(), openLabels.end(), "Thread-1"), openLabels.end());
    EXPECT_NE(std::find(openLabels.begin(), openLabels.end(), "MainProcess"), openLabels.end());
    EXPECT_NE(std::find(foldedLabels.begin(), foldedLabels.end(), "MainProcess (+4)"), foldedLabels.end());
    EXPECT_EQ(std::find(foldedLabels.begin(), foldedLabels.end(), "Thread-1"), foldedLabels.end());
    EXPECT_EQ(foldedLabels.size() + 4, openLabels.size());
    // The triangle: down while the group is open, right once it is folded.
    const PictureItem down = groupMark(open), right = groupMark(folded);
    EXPECT_EQ(open.Count(PictureRole::GroupMark), 1u);
    EXPECT_GT(down.y2, down.y0);
    EXPECT_GT(right.x2, right.x0);
    EXPECT_FLOAT_EQ(right.y2, (right.y0 + right.y1) * 0.5f);
    // The summary, as DrawSummary counts: of the five lanes the row stands for (the process's own, which has no spans,
    // and its four threads), four are busy at every moment of the run (running, or waiting for the GIL: three of four).
    EXPECT_EQ(open.Count(PictureRole::Summary), 0u);
    ASSERT_GT(folded.Count(PictureRole::Summary), 0u);
    float summaryWidth = 0;
    for (const PictureItem& item : folded.items) {
        if (item.role != PictureRole::Summary) continue;
        EXPECT_EQ(item.state, trace::SpanState::WaitingGil);
        EXPECT_NEAR(item.y1 - item.y0, (std::round(15.0f + 6) - 4) * 4 / 5, 0.01f);
        summaryWidth += item.x1 - item.x0;
    }
    float lanesWidth = 0;
    for (const PictureItem& item : folded.items)
        if (item.role == PictureRole::AxisBg) lanesWidth = item.x1 - item.x0;
    EXPECT_GT(summaryWidth, 0.9f * lanesWidth);  // the whole run (the fitted range ends a little past it)
    // The hand-offs between the folded threads have both ends on one row: not drawn.
    EXPECT_LT(folded.Count(PictureRole::ArrowLine), open.Count(PictureRole::ArrowLine));
    const std::string svg = WriteSvg(folded);
    EXPECT_EQ(CheckWellFormed(svg), "");
    EXPECT_NE(svg.find(">MainProcess (+4)</text>"), std::string::npos);
}

}  // namespace
}  // namespace interleave::ui
