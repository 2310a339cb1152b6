// Compare across traces: trace files opened beside the run (Playground::OpenTrace), on one time axis.
#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "headless_imgui.h"
#include "synthetic_trace.h"
#include "trace/trace_json.h"
#include "ui/playground.h"

namespace interleave::ui {
namespace {

using nlohmann::json;

class OpenedTraces : public testing::HeadlessImGuiTest {
protected:
    static void Settle(Playground& p) {
        FramesUntilIdle(p);
        Frames(p, 2);
    }
};

TEST_F(OpenedTraces, TwoFilesOfEitherFormAreDrawnUnderTheRunOnOneTimeAxis) {
    int picks = 0;
    PlaygroundSettings settings = Offline();
    settings.pickTraceFiles = [&picks] { ++picks; };
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));  // 200 ms
    Frames(p, 2);
    Click(p, "open_trace");
    EXPECT_EQ(picks, 1);
    // A real run's trace in Interleave's JSON, four times as long; another in Chrome's form, from a path.
    ASSERT_TRUE(p.OpenTrace("real.json", trace::ToJson(testing::ThreadsTrace(2, 2, 160))));
    ASSERT_TRUE(p.OpenTrace("/home/a/runs/other.chrome.json", trace::ToChromeJson(testing::ThreadsTrace(3, 3, 80))));
    Settle(p);
    json s = State(p);
    ASSERT_EQ(s["opened_traces"].size(), 2u) << s["open_trace_error"];
    EXPECT_EQ(s["open_trace_error"], "");
    EXPECT_EQ(s["opened_traces"][0]["title"], "real.json");
    EXPECT_EQ(s["opened_traces"][1]["title"], "other.chrome.json");
    EXPECT_EQ(s["opened_traces"][0]["makespan"], 160 * 5'000'000);
    EXPECT_EQ(s["opened_traces"][0]["line"], "opened real.json: makespan 800.000 ms; this run 200.000 ms, 4.00x faster");
    EXPECT_EQ(s["opened_traces"][1]["line"],
              "opened other.chrome.json: makespan 400.000 ms; this run 200.000 ms, 2.00x faster");
    EXPECT_EQ(s["timeline_sections"], 3);  // the run, then each file
    // One time axis, fitted to the longest of the three.
    EXPECT_GE(s["visible"][1].get<double>(), 160 * 5'000'000.0);
    Frames(p, 1280, 1600, 2);  // tall enough for every lane of the three
    s = State(p);
    int threadLabels = 0;
    for (const auto& label : s["lane_labels"])
        if (label.get<std::string>().rfind("Thread-", 0) == 0) ++threadLabels;
    EXPECT_EQ(threadLabels, 4 + 2 + 3) << s["lane_labels"];
    // Closing the first leaves the second, and the timeline at once.
    Frames(p, 2);
    Click(p, "close_trace_0");
    s = State(p);
    ASSERT_EQ(s["opened_traces"].size(), 1u);
    EXPECT_EQ(s["opened_traces"][0]["title"], "other.chrome.json");
    EXPECT_EQ(s["timeline_sections"], 2);
}

// The single-threaded build reads a file on its UI thread: a step at a time (trace::TraceFileReader), several frames
// of it, the results panel saying how far it is, never the whole file in the frame that opened it.
TEST_F(OpenedTraces, ALargeFileIsReadOverManyFramesInTheSingleThreadedBuild) {
    Playground p(Offline());  // the single-threaded build's executor: jobs run on the UI thread between frames
    const trace::Trace large = testing::ThreadsTrace(8, 4, 8000);  // 80,000 spans, 5 MB
    const std::string text = trace::ToJson(large);
    ASSERT_GT(text.size(), size_t{4} << 20);
    ASSERT_TRUE(p.OpenTrace("large.json", text));
    Frames(p, 1);  // the frame that opened it: a slice of the reading (its 8 ms budget), not the whole file
    json s = State(p);
    EXPECT_EQ(s["opening_traces"], 1);
    const double first = s["opening_progress"].get<double>();
    EXPECT_GT(first, 0.0);
    EXPECT_LT(first, 0.5);
    Frames(p, 1);
    EXPECT_GT(State(p)["opening_progress"].get<double>(), first);
    Settle(p);
    s = State(p);
    ASSERT_EQ(s["opened_traces"].size(), 1u) << s["open_trace_error"];
    EXPECT_EQ(s["opening_traces"], 0);
    EXPECT_EQ(s["opened_traces"][0]["spans"], large.spans.size());
    EXPECT_EQ(s["opened_traces"][0]["makespan"], large.metrics.makespan);
}

TEST_F(OpenedTraces, FilesOpenWithoutARunAndStayWhenTheRunChanges) {
    Playground p(Offline());
    ASSERT_TRUE(p.OpenTrace("a.json", trace::ToJson(testing::ThreadsTrace(2, 2, 20))));
    ASSERT_TRUE(p.OpenTrace("b.json", trace::ToJson(testing::ThreadsTrace(2, 2, 60))));
    Settle(p);
    json s = State(p);
    EXPECT_EQ(s["timeline_sections"], 2);
    EXPECT_EQ(s["opened_traces"][0]["line"], "opened a.json: makespan 100.000 ms");  // no run to compare with
    EXPECT_GE(s["visible"][1].get<double>(), 60 * 5'000'000.0);
    EXPECT_TRUE(s["widgets"].contains("close_trace_1"));
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    EXPECT_EQ(State(p)["timeline_sections"], 3);
    EXPECT_EQ(State(p)["opened_traces"].size(), 2u);
}

TEST_F(OpenedTraces, ABrokenFileATooLargeOneAndOneTooManyEachSayWhyAndTheRestStays) {
    Playground p(Offline());
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    // Not a trace: read on the executor, refused with the reader's reason and the file's name.
    ASSERT_TRUE(p.OpenTrace("notes.json", R"({"format": 5, "spans": "x"})"));
    Settle(p);
    json s = State(p);
    EXPECT_EQ(s["opened_traces"].size(), 0u);
    const std::string broken = s["open_trace_error"];
    EXPECT_NE(broken.find("Could not open the trace notes.json: "), std::string::npos) << broken;
    EXPECT_GT(broken.size(), std::string("Could not open the trace notes.json: .").size()) << broken;
    EXPECT_TRUE(s["widgets"].contains("banner"));
    EXPECT_EQ(s["timeline_sections"], 1);
    // A trace with no spans has nothing to draw.
    trace::Trace empty;
    empty.AddTrack("MainThread", trace::TrackKind::Thread);
    ASSERT_TRUE(p.OpenTrace("empty.json", trace::ToJson(empty)));
    Settle(p);
    EXPECT_NE(State(p)["open_trace_error"].get<std::string>().find("holds no spans"), std::string::npos);
    // Too large: refused before it is read.
    EXPECT_FALSE(p.OpenTrace("huge.json", std::string(kMaxOpenedTraceBytes + 1, ' ')));
    EXPECT_NE(State(p)["open_trace_error"].get<std::string>().find("huge.json: the file is 64.0 MiB, larger than"),
              std::string::npos)
        << State(p)["open_trace_error"];
    // The page asks before it reads a file: the same limit and words, whatever size it reports.
    EXPECT_TRUE(p.RefuseOversizedTrace("/x/dump.json", 3.5 * double(size_t{1} << 30)));
    EXPECT_EQ(State(p)["open_trace_error"],
              "Could not open the trace dump.json: the file is 3584.0 MiB, larger than the playground opens (64.0 MiB); "
              "cut the run shorter.");
    EXPECT_FALSE(p.RefuseOversizedTrace("ok.json", double(kMaxOpenedTraceBytes)));
    EXPECT_FALSE(p.RefuseOversizedTrace("odd.json", std::nan("")));
    // One past the limit, counting files still being read.
    const std::string good = trace::ToJson(testing::ThreadsTrace(2, 2, 10));
    for (size_t i = 0; i < kMaxOpenedTraces; ++i)
        EXPECT_TRUE(p.OpenTrace("t" + std::to_string(i) + ".json", good));
    EXPECT_FALSE(p.OpenTrace("one-more.json", good));
    EXPECT_NE(State(p)["open_trace_error"].get<std::string>().find("one-more.json: at most 4 trace files"),
              std::string::npos);
    Settle(p);
    EXPECT_EQ(State(p)["opened_traces"].size(), kMaxOpenedTraces);
    // Another file that opened leaves this error on screen: it is about one-more.json, which is still not open.
    EXPECT_NE(State(p)["open_trace_error"].get<std::string>().find("one-more.json"), std::string::npos);
    // The same file opened after all clears its error.
    p.CloseOpenedTrace(0);
    ASSERT_TRUE(p.OpenTrace("one-more.json", good));
    Settle(p);
    EXPECT_EQ(State(p)["open_trace_error"], "");
    // The page could not read a file (web/loader.js): the banner names it, and its x dismisses it.
    p.RefuseTrace("big.json", "the browser could not read it (NotReadableError)");
    Frames(p, 1);
    EXPECT_EQ(State(p)["open_trace_error"],
              "Could not open the trace big.json: the browser could not read it (NotReadableError).");
    Click(p, "banner_dismiss");
    EXPECT_EQ(State(p)["open_trace_error"], "");
    EXPECT_EQ(State(p)["opened_traces"].size(), kMaxOpenedTraces);
}

TEST_F(OpenedTraces, ALongTitleOnAPhoneLosesItsMiddleKeepsItsMakespanAndShowsWholeOnHover) {
    Playground p(Offline());
    const std::string name = "real-cpython-3.11-blog_cpu_threads-laptop.json";  // 46 bytes: not cut by OpenedTraceTitle
    ASSERT_TRUE(p.OpenTrace(name, trace::ToJson(testing::ThreadsTrace(2, 2, 20))));
    Settle(p);
    Frames(p, 390, 844, 3);
    json s = State(p);
    ASSERT_EQ(s["section_titles"].size(), 1u) << s["timeline_sections"] << s["lane_labels"] << s["narrow"] << s["widgets"].dump();
    const std::string whole = "opened: " + name + "  -  100.000 ms";
    const std::string shown = s["section_titles"][0]["shown"];
    EXPECT_NE(shown, whole);
    EXPECT_EQ(shown.rfind("opened: ", 0), 0u) << shown;
    EXPECT_NE(shown.find(".."), std::string::npos) << shown;
    EXPECT_EQ(shown.substr(shown.size() - 10), "100.000 ms") << shown;
    EXPECT_LE(ImGui::CalcTextSize(shown.c_str()).x, s["section_titles"][0]["rect"][2].get<float>() - 8) << shown;
    // Hovering the header shows the title whole.
    const json rect = s["section_titles"][0]["rect"];
    ImGui::GetIO().AddMousePosEvent(rect[0].get<float>() + 20, rect[1].get<float>() + rect[3].get<float>() * 0.5f);
    Frames(p, 390, 844, 2);
    EXPECT_EQ(State(p)["hover_tooltip"], whole);
    // On a desktop the title fits whole.
    Frames(p, 1280, 800, 2);
    EXPECT_EQ(State(p)["section_titles"][0]["shown"], whole);
}

TEST(OpenedTraceTitle, AStrangersFileNameIsShownShortAndPlain) {
    EXPECT_EQ(OpenedTraceTitle("run.json"), "run.json");
    EXPECT_EQ(OpenedTraceTitle("/tmp/a/b/run.json"), "run.json");
    EXPECT_EQ(OpenedTraceTitle("C:\\traces\\run.json"), "run.json");
    EXPECT_EQ(OpenedTraceTitle(std::string("a\nb\tc\x7f" "d\0e", 9)), "a?b?c?d?e");
    EXPECT_EQ(OpenedTraceTitle(""), "trace");
    EXPECT_EQ(OpenedTraceTitle("dir/"), "trace");
    // Cut at 48 bytes, never inside a character: 30 two-byte characters keep 24 whole ones.
    std::string accents;
    for (int i = 0; i < 30; ++i) accents += "\xc3\xa9";  // é
    const std::string cut = OpenedTraceTitle(accents);
    EXPECT_EQ(cut, accents.substr(0, 48) + "...");
    EXPECT_EQ(OpenedTraceTitle(std::string(48, 'a')), std::string(48, 'a'));
    EXPECT_EQ(OpenedTraceTitle(std::string(49, 'a')), std::string(48, 'a') + "...");
}

}  // namespace
}  // namespace interleave::ui
