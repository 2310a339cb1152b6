// For authors (issue 17): the Save PNG button beside Save SVG, the poster the Embed button puts into its snippet
// (escaped, bounded), and comparing across runs (a pinned run drawn under the next one on one time axis).
// Headless ImGui, a fake link maker and a fake download.
#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "headless_imgui.h"
#include "synthetic_trace.h"
#include "ui/picture_export.h"
#include "ui/picture_poster.h"
#include "ui/playground.h"
#include "trace/trace_json.h"

namespace interleave::ui {
namespace {

using nlohmann::json;

struct Download {
    std::string name, bytes, mime;
};

class Authoring : public testing::HeadlessImGuiTest {
protected:
    // Settings whose downloads land in `downloads` and whose links are `link`.
    PlaygroundSettings Recording(std::vector<Download>& downloads,
                                 std::string link = "http://127.0.0.1/app.html#v1.abc") {
        PlaygroundSettings s = Offline();
        s.saveFile = [&downloads](const std::string& name, const std::string& bytes, const char* mime,
                                  std::string& where) {
            downloads.push_back({name, bytes, mime});
            where = name;
            return true;
        };
        s.makeLink = [link](const std::string&, std::function<void(const std::string&)> done) { done(link); };
        return s;
    }
};

// "%3C" -> "<": the data: URI's percent-encoding undone.
std::string PercentDecode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

TEST_F(Authoring, SavePngDownloadsAPngOfTheStatedSize) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    Frames(p, 3);
    Click(p, "save_png");
    ASSERT_EQ(downloads.size(), 1u);
    const Download& d = downloads[0];
    EXPECT_EQ(d.name, "interleave-cpu.png");
    EXPECT_EQ(d.mime, "image/png");
    ASSERT_GT(d.bytes.size(), 24u);
    EXPECT_EQ(d.bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const json saved = State(p)["saved_picture"];
    EXPECT_EQ(saved["file"], "interleave-cpu.png");
    EXPECT_EQ(saved["bytes"], d.bytes.size());
    auto be32 = [&](size_t i) {
        return int(uint8_t(d.bytes[i])) << 24 | int(uint8_t(d.bytes[i + 1])) << 16 | int(uint8_t(d.bytes[i + 2])) << 8 |
               int(uint8_t(d.bytes[i + 3]));
    };
    EXPECT_EQ(be32(16), saved["width"].get<int>());
    EXPECT_EQ(be32(20), saved["height"].get<int>());
    // As wide as the lanes on screen plus the label column: far more than the smallest picture.
    EXPECT_GT(saved["width"].get<int>(), 600);
    EXPECT_GT(saved["height"].get<int>(), 100);
    EXPECT_NE(State(p)["notice"].get<std::string>().find(std::to_string(be32(16)) + "x" + std::to_string(be32(20))),
              std::string::npos);
}

TEST_F(Authoring, SaveSvgAndSavePngSitSideBySide) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    Frames(p, 3);
    const json w = State(p)["widgets"];
    ASSERT_TRUE(w.contains("save_svg") && w.contains("save_png"));
    EXPECT_FLOAT_EQ(w["save_svg"][1].get<float>(), w["save_png"][1].get<float>());  // one row
    EXPECT_GT(w["save_png"][0].get<float>(), w["save_svg"][0].get<float>());
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0].mime, "image/svg+xml");
    EXPECT_NE(downloads[0].bytes.find(">Thread-1<"), std::string::npos);
}

// The poster (the wide one) in a snippet, decoded.
std::string PosterSvg(const std::string& snippet) {
    const size_t at = snippet.find("src=\"data:image/svg+xml,");
    if (at == std::string::npos) return {};
    return PercentDecode(snippet.substr(at + 24, snippet.find('"', at + 24) - at - 24));
}

// Save SVG / PNG and the Embed button's poster draw the tab on screen: the timeline with every section under it, the
// compared models, or the scaling plot.
TEST_F(Authoring, TheCompareTabSavesAndEmbedsEveryComparedModel) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    p.ShowComparison(SyntheticComparison());
    p.SetTab(Tab::Compare);
    Frames(p, 3);
    ASSERT_TRUE(State(p)["widgets"].contains("save_svg"));
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0].name, "interleave-cpu-compare.svg");
    const std::string& svg = downloads[0].bytes;
    for (const char* model : {">sequential  -  makespan", ">threads  -  makespan", ">processes  (recommended)  -  makespan"})
        EXPECT_NE(svg.find(model), std::string::npos) << model;
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const json s = State(p);
    EXPECT_EQ(s["embed_poster_note"], "");
    const std::string poster = PosterSvg(s["embed_snippet"]);
    // From the top, as the embed opens: as many of the models' lanes as the embed's height holds.
    const size_t sequential = poster.find(">sequential  -  makespan"), threads = poster.find(">threads  -  makespan");
    ASSERT_NE(sequential, std::string::npos);
    ASSERT_NE(threads, std::string::npos);
    EXPECT_LT(sequential, threads);
    EXPECT_NE(poster.find("height=\"420\""), std::string::npos);
}

TEST_F(Authoring, TheScalingTabSavesAndEmbedsThePlot) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    p.SetTab(Tab::Scaling);
    Frames(p, 2);
    Click(p, "save_svg");  // nothing swept yet: nothing saved, and the notice says why
    EXPECT_TRUE(downloads.empty());
    EXPECT_NE(State(p)["notice"].get<std::string>().find("nothing to save"), std::string::npos);
    p.ShowScaling(SyntheticScaling(4));
    Frames(p, 3);
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_EQ(downloads[0].name, "interleave-cpu-scaling.svg");
    const std::string& svg = downloads[0].bytes;
    size_t points = 0;
    // Each point is a circle that says what it is (its <title>), on a plain circle, its halo.
    for (size_t at = svg.find("</title></circle>"); at != std::string::npos; at = svg.find("</title></circle>", at + 1))
        ++points;
    EXPECT_EQ(points, 8u);
    EXPECT_NE(svg.find("<title>processes x4: makespan " + FormatTime(200e6) + "</title>"), std::string::npos);
    // As big as the plot on screen.
    const json plot = State(p)["widgets"]["scaling_plot"];
    EXPECT_GT(std::stof(svg.substr(svg.find("width=\"") + 7)), plot[2].get<float>());
    Click(p, "save_png");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_EQ(downloads[1].mime, "image/png");
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const json s = State(p);
    EXPECT_EQ(s["embed_poster_note"], "");
    EXPECT_NE(PosterSvg(s["embed_snippet"]).find("<title>threads x2: makespan"), std::string::npos);
}

// The timeline's picture is every section on screen; its poster only what the link's reader will see: the run and a
// pinned run that travels in the link, not a file opened here.
TEST_F(Authoring, TheSavedTimelineHasEverySectionThePosterOnlyWhatTheLinkCarries) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(1, 1, 40));
    Frames(p, 2);
    ASSERT_TRUE(p.PinRun());
    // Small runs (a thread and a core each): all three would fit in the poster's height.
    p.ShowRun(CpuScenario(true), testing::ThreadsTrace(1, 1, 160));
    ASSERT_TRUE(p.OpenTrace("other.json", trace::ToJson(testing::ThreadsTrace(1, 1, 80))));
    FramesUntilIdle(p);
    Frames(p, 3);
    ASSERT_EQ(State(p)["timeline_sections"], 3);
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 1u);
    const std::string& svg = downloads[0].bytes;
    EXPECT_NE(svg.find(">pinned: cpu, threads  -  "), std::string::npos);
    EXPECT_NE(svg.find(">opened: other.json  -  "), std::string::npos);
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const std::string poster = PosterSvg(State(p)["embed_snippet"]);
    ASSERT_FALSE(poster.empty());
    EXPECT_NE(poster.find(">pinned: cpu, threads  -  "), std::string::npos);
    EXPECT_EQ(poster.find(">opened: "), std::string::npos) << "a file the link does not carry";
}

// Groups folded on screen (G, or a click on a group's name) are folded in the saved picture and in the embed's poster
// (the link carries them), as the reader will see them.
TEST_F(Authoring, TheSavedPictureAndThePosterFoldTheGroupsTheViewFolds) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    const auto pressG = [&] {
        ImGui::GetIO().AddKeyEvent(ImGuiKey_G, true);
        Frames(p, 1);
        ImGui::GetIO().AddKeyEvent(ImGuiKey_G, false);
        Frames(p, 1);
    };
    pressG();
    ASSERT_EQ(State(p)["collapsed_groups"], json::array({"MainProcess"}));
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 1u);
    EXPECT_NE(downloads[0].bytes.find(">MainProcess (+4)</text>"), std::string::npos);
    EXPECT_EQ(downloads[0].bytes.find(">Thread-1</text>"), std::string::npos);
    // Unfolded again: the lanes are back in the next picture.
    pressG();
    Click(p, "save_svg");
    ASSERT_EQ(downloads.size(), 2u);
    EXPECT_NE(downloads[1].bytes.find(">Thread-1</text>"), std::string::npos);
    EXPECT_EQ(downloads[1].bytes.find("(+4)"), std::string::npos);
    pressG();
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const std::string poster = PosterSvg(State(p)["embed_snippet"]);
    ASSERT_FALSE(poster.empty());
    EXPECT_NE(poster.find(">MainProcess (+4)</text>"), std::string::npos);
}

TEST_F(Authoring, APinnedRunIsDrawnUnderTheNextRunOnOneTimeAxis) {
    Playground p(Offline());
    EXPECT_FALSE(p.PinRun());  // nothing to pin yet
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    EXPECT_TRUE(State(p)["widgets"].contains("pin"));
    EXPECT_EQ(State(p)["timeline_sections"], 1);
    ASSERT_TRUE(p.PinRun());
    // The next run: another scenario, twice as long. The pinned run stays.
    scenario::Scenario next = CpuScenario(true);
    next.name = "cpu and io";
    p.ShowRun(next, testing::ThreadsTrace(2, 2, 160));
    Frames(p, 3);
    json s = State(p);
    EXPECT_TRUE(s["pinned"]["shown"]);
    EXPECT_EQ(s["pinned"]["title"], "cpu, threads");
    EXPECT_EQ(s["pinned"]["makespan"], 40 * 5'000'000);
    EXPECT_EQ(s["timeline_sections"], 2);  // this run and the pinned one, stacked
    EXPECT_TRUE(s["widgets"].contains("unpin"));
    EXPECT_TRUE(s["widgets"].contains("pinned_line"));
    EXPECT_EQ(s["pinned"]["line"], "pinned cpu, threads: makespan 200.000 ms; this run 800.000 ms, 4.00x slower");
    // One time axis: fitted, it spans the longer run (the current one, 800 ms).
    EXPECT_GE(s["visible"][1].get<double>(), 160 * 5'000'000.0);
    // Both runs' lanes are on screen: the pinned run has four threads, this one two.
    int threadLabels = 0;
    for (const auto& label : s["lane_labels"])
        if (label.get<std::string>().rfind("Thread-", 0) == 0) ++threadLabels;
    EXPECT_EQ(threadLabels, 6);
    p.Unpin();
    Frames(p, 2);
    EXPECT_FALSE(State(p)["pinned"]["shown"]);
    EXPECT_EQ(State(p)["timeline_sections"], 1);
}

TEST_F(Authoring, APinnedRunOutlivesAScenarioChangeAndALongerPinnedRunWidensTheFit) {
    Playground p(Offline());
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 1000));  // 5 s
    Frames(p, 2);
    Click(p, "pin");
    EXPECT_TRUE(State(p)["pinned"]["shown"]);
    std::string error;
    ASSERT_TRUE(p.LoadPreset("blog_io_threads", error)) << error;  // a simulated run of another scenario
    FramesUntilIdle(p);
    Frames(p, 2);
    json s = State(p);
    EXPECT_EQ(s["preset"], "blog_io_threads");
    EXPECT_TRUE(s["pinned"]["shown"]);
    EXPECT_EQ(s["timeline_sections"], 2);
    ImGui::GetIO().AddKeyEvent(ImGuiKey_F, true);  // zoom to fit: both runs
    Frames(p, 1);
    ImGui::GetIO().AddKeyEvent(ImGuiKey_F, false);
    Frames(p, 1);
    const double end = std::max(State(p)["makespan"].get<double>(), 5e9);
    EXPECT_GE(State(p)["visible"][1].get<double>(), end);
}

TEST_F(Authoring, ALinkWithAScenarioButNoRangeShowsItsWholeRun) {
    // A link written by hand (or `interleave --scenario FILE`) names a scenario and no range: the reader sees its
    // run fitted, not the range of whatever was on screen before (here a preset's 1 s requests).
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("blog_io_threads", error)) << error;
    FramesUntilIdle(p);
    Frames(p, 2);
    ASSERT_GT(State(p)["visible"][1].get<double>(), 5e8);
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"scenario":{"tasks":[{"name":"t","count":2,"steps":[{"cpu":"2ms"}]}]}})",
                                     error)) << error;
    FramesUntilIdle(p);
    Frames(p, 2);
    const json state = State(p);
    const double makespan = state["makespan"].get<double>();
    ASSERT_GT(makespan, 3e6);
    EXPECT_GE(state["visible"][1].get<double>(), makespan);
    EXPECT_LT(state["visible"][1].get<double>(), 2 * makespan) << "fitted to the run, not the preset's second";
}

TEST_F(Authoring, AScenarioFileOpensAsItsLinkWouldAndARefusalNamesTheFile) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("blog_io_threads", error)) << error;
    const std::string before = p.ViewStateJson();
    for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
             {R"({"tasks": [{"name": 5, "steps": [{"cpu": "1ms"}]}]})", "tasks[0].name"},
             {"{\"name\": \"\xff\"}", "not UTF-8"},
             {"", "empty"}}) {
        std::string why;
        EXPECT_FALSE(p.OpenScenarioFile("/home/me/bad.json", text, why)) << text;
        EXPECT_NE(why.find(reason), std::string::npos) << why;
        const std::string banner = State(p)["open_trace_error"].get<std::string>();
        EXPECT_EQ(banner.rfind("Could not open the scenario bad.json: ", 0), 0u) << banner;
        EXPECT_NE(banner.find(reason), std::string::npos) << banner;
        EXPECT_EQ(p.ViewStateJson(), before) << "a refused file leaves the view as it was";
    }
    std::string why;
    ASSERT_TRUE(p.OpenScenarioFile("good.json", R"({"name": "mine", "tasks": [{"name": "t", "steps": [{"io": "9us"},
        {"io": "2us", "reply_after": "28us"}]}]})", why)) << why;
    EXPECT_EQ(State(p)["open_trace_error"], "") << "the file that opened takes the earlier refusal away";
    EXPECT_EQ(State(p)["preset"], "") << "a file is not a preset";
}

TEST_F(Authoring, AtStartARefusedScenarioFileLeavesTheStartPresetShowingAndTheReasonInTheBanner) {
    PlaygroundSettings settings = Offline();  // as `interleave --scenario FILE` starts: no preset simulated first
    settings.initialPreset = "blog_cpu_threads";
    Playground p(settings);
    EXPECT_EQ(State(p)["preset"], "") << "nothing loaded before the file is tried";
    std::string why;
    ASSERT_FALSE(p.OpenScenarioFile("/tmp/bad.json", R"({"tasks": []})", why));
    p.LoadStartPreset();
    FramesUntilIdle(p);
    const json state = State(p);
    EXPECT_EQ(state["preset"], "blog_cpu_threads");
    const std::string banner = state["open_trace_error"].get<std::string>();
    EXPECT_EQ(banner.rfind("Could not open the scenario bad.json: ", 0), 0u) << banner;
    EXPECT_GT(state["makespan"].get<double>(), 0) << "the preset was simulated";
}

TEST_F(Authoring, APinnedRunTravelsInTheLinkAndTheReaderSimulatesTheSameRun) {
    Playground author(Offline());
    std::string error;
    ASSERT_TRUE(author.LoadPreset("blog_cpu_threads", error)) << error;
    FramesUntilIdle(author);
    Frames(author, 2);
    ASSERT_TRUE(author.PinRun());
    // The next run: the same work on a process pool, applied as a link would be.
    json view = json::parse(author.ViewStateJson());
    EXPECT_EQ(view["pinned"]["preset"], "blog_cpu_threads");
    view["scenario"]["model"]["kind"] = "processes";
    view.erase("pinned");  // the author's own pin stays: a link without one keeps it
    ASSERT_TRUE(author.ApplyViewStateJson(view.dump(), error)) << error;
    FramesUntilIdle(author);
    Frames(author, 2);
    const json wrote = State(author);
    ASSERT_TRUE(wrote["pinned"]["shown"]);
    const std::string link = author.ViewStateJson();
    EXPECT_EQ(json::parse(link)["pinned"]["scenario"]["model"]["kind"], "threads");

    Playground reader(Offline());
    ASSERT_TRUE(reader.ApplyViewStateJson(link, error)) << error;
    EXPECT_TRUE(reader.Busy());  // the pinned run is being simulated
    FramesUntilIdle(reader);
    Frames(reader, 2);
    const json read = State(reader);
    EXPECT_TRUE(read["pinned"]["shown"]);
    EXPECT_EQ(read["pinned"]["title"], wrote["pinned"]["title"]);
    EXPECT_EQ(read["pinned"]["makespan"], wrote["pinned"]["makespan"]);  // deterministic: the same run
    EXPECT_EQ(read["pinned"]["spans"], wrote["pinned"]["spans"]);
    EXPECT_EQ(read["pinned"]["line"], wrote["pinned"]["line"]);
    EXPECT_EQ(read["timeline_sections"], 2);
    EXPECT_EQ(read["visible"], wrote["visible"]);  // the link's range, not a fit to the pinned run
    // The reader's own link carries it on.
    EXPECT_EQ(json::parse(reader.ViewStateJson())["pinned"], json::parse(link)["pinned"]);
    // Unpinned, the link has none.
    reader.Unpin();
    EXPECT_FALSE(json::parse(reader.ViewStateJson()).contains("pinned"));
}

TEST_F(Authoring, PinningWhileALinksPinnedRunIsSimulatedKeepsTheUsersPin) {
    Playground author(Offline());
    author.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    ASSERT_TRUE(author.PinRun());
    const std::string link = author.ViewStateJson();
    Playground reader(Offline());
    reader.ShowRun(CpuScenario(true), testing::ThreadsTrace(2, 2, 10));
    std::string error;
    ASSERT_TRUE(reader.ApplyViewStateJson(link, error)) << error;
    ASSERT_TRUE(reader.Busy());
    ASSERT_TRUE(reader.PinRun());  // before the link's pinned run is in: the reader's own pin wins
    const json pinned = State(reader)["pinned"];
    EXPECT_EQ(pinned["makespan"], 10 * 5'000'000);  // the reader's run on screen (the synthetic one)
    FramesUntilIdle(reader);
    Frames(reader, 2);
    EXPECT_EQ(State(reader)["pinned"]["makespan"], pinned["makespan"]);
    EXPECT_EQ(State(reader)["pinned"]["spans"], pinned["spans"]);
}

TEST_F(Authoring, APinnedTraceFromElsewhereIsNotInTheLinkAndABrokenPinnedRunRefusesTheLink) {
    Playground p(Offline());
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    p.ShowPinnedRun("from a file", testing::ThreadsTrace(2, 2, 10));
    Frames(p, 2);
    EXPECT_FALSE(json::parse(p.ViewStateJson()).contains("pinned"));  // no scenario made it
    const std::string before = p.ViewStateJson();
    std::string error;
    json link = json::parse(before);
    link["scenario"]["name"] = "changed";
    link["pinned"] = {{"scenario", {{"tasks", 5}}}, {"preset", ""}};
    EXPECT_FALSE(p.ApplyViewStateJson(link.dump(), error));
    EXPECT_EQ(error.rfind("pinned run: scenario: ", 0), 0u) << error;
    link["pinned"] = {{"scenario", json::parse(before)["scenario"]}, {"preset", "no_such_preset"}};
    EXPECT_FALSE(p.ApplyViewStateJson(link.dump(), error));
    EXPECT_EQ(error, "pinned run: no preset is called 'no_such_preset'");
    Frames(p, 2);
    EXPECT_EQ(p.ViewStateJson(), before);  // refused links changed nothing
    EXPECT_EQ(State(p)["pinned"]["title"], "from a file");
}

TEST(PinnedRun, TheLineSaysWhichRunIsFasterAndByHowMuch) {
    EXPECT_EQ(PinnedComparison("a, threads", 2'000'000'000, 500'000'000),
              "pinned a, threads: makespan 2.000 s; this run 500.000 ms, 4.00x faster");
    EXPECT_EQ(PinnedComparison("b", 100'000'000, 150'000'000),
              "pinned b: makespan 100.000 ms; this run 150.000 ms, 1.50x slower");
    EXPECT_EQ(PinnedComparison("c", 100'000'000, 0), "pinned c: makespan 100.000 ms");
}

TEST(EmbedSnippet, StrangersTextStaysInItsAttributes) {
    EmbedSnippetParts parts;
    parts.embedUrl = "http://127.0.0.1/app.html?embed#v1.a\"b<c>";
    parts.fullUrl = "http://127.0.0.1/app.html#v1.a\"><script>alert(1)</script>";
    parts.title = "Interleave: \"><script>alert(1)</script><img src=x onerror=alert(2)>";
    parts.posterUri = SvgDataUri("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lt;/text&gt;\"'#%</text></svg>");
    const std::string snippet = EmbedSnippet(parts);
    EXPECT_EQ(snippet.find("<script"), std::string::npos) << snippet;
    EXPECT_EQ(snippet.find("<img src=x"), std::string::npos) << snippet;
    // The only elements are the snippet's own.
    std::vector<std::string> tags;
    for (size_t i = snippet.find('<'); i != std::string::npos; i = snippet.find('<', i + 1))
        tags.push_back(snippet.substr(i, snippet.find_first_of(" >", i) - i));
    EXPECT_EQ(tags, (std::vector<std::string>{"<div", "<a", "<img", "</a", "<iframe", "</iframe", "</div"}));
    EXPECT_NE(snippet.find("name=\"interleave-poster-below\""), std::string::npos);
}

TEST(EmbedSnippet, TheDataUriHasNoCharacterThatEndsAnAttributeAndDecodesBack) {
    const std::string svg = "<svg a=\"1\" b='2'>&amp; 100% #x \n\t\xc3\xa9 <text>\x01</text></svg>";
    const std::string uri = SvgDataUri(svg);
    ASSERT_EQ(uri.rfind("data:image/svg+xml,", 0), 0u);
    for (char c : uri.substr(19)) {
        EXPECT_TRUE(std::string("\"'<>&# \n\t").find(c) == std::string::npos) << "raw '" << c << "' in " << uri;
        EXPECT_GE(static_cast<unsigned char>(c), 0x20);
        EXPECT_LT(static_cast<unsigned char>(c), 0x7f);
    }
    EXPECT_EQ(PercentDecode(uri.substr(19)), svg);
}

TEST_F(Authoring, TheEmbedButtonPutsABoundedPosterOfTheViewIntoTheSnippet) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    Frames(p, 2);
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const json s = State(p);
    const std::string snippet = s["embed_snippet"];
    EXPECT_EQ(s["embed_poster_note"], "");
    EXPECT_GT(s["embed_poster_bytes"].get<size_t>(), 1000u);
    EXPECT_LE(s["embed_poster_bytes"].get<size_t>(), kMaxPosterUriBytes);
    const size_t at = snippet.find("src=\"data:image/svg+xml,");
    ASSERT_NE(at, std::string::npos) << snippet;
    const std::string uri = snippet.substr(at + 5, snippet.find('"', at + 5) - at - 5);
    const std::string svg = PercentDecode(uri.substr(19));
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find(">Thread-1<"), std::string::npos);      // the lanes' names, as text
    EXPECT_NE(svg.find("height=\"420\""), std::string::npos);  // as tall as the embed
    EXPECT_NE(snippet.find("<iframe src=\"http://127.0.0.1/app.html?embed#v1.abc\""), std::string::npos);
    EXPECT_NE(snippet.find("<a href=\"http://127.0.0.1/app.html#v1.abc\""), std::string::npos);
    // A phone's column gets a narrow poster of its own (a wide one shrunk to 360 px has unreadable text), and the
    // frame's empty part the picture's background.
    const std::string narrowAt = "<source media=\"(max-width: 560px)\" srcset=\"data:image/svg+xml,";
    const size_t n = snippet.find(narrowAt);
    ASSERT_NE(n, std::string::npos) << "no narrow poster";
    const std::string narrow = PercentDecode(
        snippet.substr(n + narrowAt.size(), snippet.find('"', n + narrowAt.size()) - n - narrowAt.size()));
    EXPECT_NE(narrow.find("width=\"400\""), std::string::npos);
    EXPECT_NE(narrow.find(">Thread-1<"), std::string::npos);
    EXPECT_NE(svg.find("width=\"760\""), std::string::npos);
    EXPECT_NE(snippet.find("background: #"), std::string::npos);
}

TEST_F(Authoring, AStoryStepsPosterShowsOnlyTheLanesTheStepShows) {
    std::vector<Download> downloads;
    PlaygroundSettings settings = Recording(downloads);
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    FramesUntilIdle(p);
    ASSERT_TRUE(p.GoToStoryStep(1));  // "GIL", "Thread": the GIL and the two threads, no cores
    FramesUntilIdle(p);
    Frames(p, 2);
    ASSERT_FALSE(State(p)["story"]["lanes"].empty());
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const std::string snippet = State(p)["embed_snippet"];
    const size_t at = snippet.find("src=\"data:image/svg+xml,");
    ASSERT_NE(at, std::string::npos) << snippet;
    const std::string svg = PercentDecode(snippet.substr(at + 24, snippet.find('"', at + 24) - at - 24));
    EXPECT_NE(svg.find(">Thread-1"), std::string::npos) << "the step's lanes";
    EXPECT_NE(svg.find(">GIL"), std::string::npos);
    EXPECT_EQ(svg.find(">Core 0<"), std::string::npos) << "a lane the step does not show";
    EXPECT_EQ(svg.find(">MainThread<"), std::string::npos);
}

TEST_F(Authoring, AHostileLaneNameInThePosterStaysEscapedText) {
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    trace::Trace t = testing::ThreadsTrace();
    t.tracks.back().name = "</text><script>alert(1)</script>\"<iframe>";
    scenario::Scenario sc = CpuScenario();
    sc.name = "\"><script>alert(2)</script>";
    p.ShowRun(sc, std::move(t));
    Frames(p, 2);
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const std::string snippet = State(p)["embed_snippet"];
    EXPECT_EQ(snippet.find("<script"), std::string::npos);
    EXPECT_EQ(snippet.find("<iframe>"), std::string::npos);
    const size_t at = snippet.find("src=\"data:image/svg+xml,");
    ASSERT_NE(at, std::string::npos);
    const std::string svg = PercentDecode(snippet.substr(at + 24, snippet.find('"', at + 5) - at - 24));
    EXPECT_EQ(svg.find("<script"), std::string::npos) << "the lane's name became markup in the poster";
}

// 40 lanes of 100 spans each wide enough to be drawn one by one (no folding): one element each, too many for the
// bound at the widest poster.
trace::Trace ManyVisibleSpans() {
    trace::Trace t;
    t.label = "many spans";
    const trace::TrackId process = t.AddTrack("MainProcess", trace::TrackKind::Process);
    for (int l = 0; l < 40; ++l) {
        const trace::TrackId track = t.AddTrack("Thread-" + std::to_string(l + 1), trace::TrackKind::Thread, process);
        t.tasks.push_back({"work[" + std::to_string(l) + "]", 0, 0, 0});
        for (int i = 0; i < 100; ++i) {
            const bool runs = (i + l) % 2 == 0;
            t.spans.push_back({int64_t(i) * 3'000'000, int64_t(i) * 3'000'000 + 2'000'000, track, trace::TaskId(l),
                               trace::TrackId::None(),
                               runs ? trace::SpanState::RunningPython : trace::SpanState::WaitingGil});
        }
    }
    t.Finish();
    t.metrics.makespan = t.EndTime();
    return t;
}

TEST_F(Authoring, ADenseRunsPosterIsNarrowedToTheBoundOrLeftOutWithAReason) {
    const trace::Trace t = ManyVisibleSpans();
    // The widest poster would pass the bound: the bound has work to do here.
    PictureView widest;
    widest.width = 760;
    widest.height = float(kPosterHeight);
    ASSERT_GT(SvgDataUri(PictureSvg(t, widest)).size(), kMaxPosterUriBytes);
    std::string why;
    const std::string uri = PosterDataUri(t, PosterView{}, why);
    if (uri.empty()) {
        EXPECT_NE(why.find("KB"), std::string::npos) << why;
    } else {
        EXPECT_LE(uri.size(), kMaxPosterUriBytes);
    }
    // In the snippet: the poster is there within the bound, or the Embed window says why there is none.
    std::vector<Download> downloads;
    Playground p(Recording(downloads));
    p.ShowRun(CpuScenario(), ManyVisibleSpans());
    Frames(p, 2);
    p.ShowEmbedSnippet();
    Frames(p, 2);
    const json s = State(p);
    EXPECT_LE(s["embed_poster_bytes"].get<size_t>(), kMaxPosterUriBytes);
    if (s["embed_poster_bytes"] == 0) {
        EXPECT_NE(s["embed_poster_note"], "");
    }
    EXPECT_NE(s["embed_snippet"].get<std::string>().find("<iframe"), std::string::npos);
}

}  // namespace
}  // namespace interleave::ui
