// `interleave sim --svg/--png` (docs/cli.md): the options are checked, hostile values are usage errors that name
// what is wrong, and the picture reaches its file. The renderers here are stand-ins (this binary has no UI layer;
// tests/unit/ui/picture_test.cpp and tests/pictures_cli_test.py test the real ones): they record what they were
// asked for.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli_capture.h"

namespace {

using interleave::cli::PictureRequest;
using interleave::testing::TempPath;

struct Recorder {
    int calls = 0;
    PictureRequest last;
    std::vector<std::string> laneNames;
    std::vector<std::string> collapsedNames;
};

class PictureCli : public ::testing::Test {
protected:
    void SetUp() override {
        interleave::cli::PictureRenderers r;
        r.svg = [this](const interleave::trace::Trace& t, const PictureRequest& request) {
            ++m_rec.calls;
            m_rec.last = request;
            m_rec.laneNames.clear();
            for (const interleave::trace::TrackId track : request.tracks)
                m_rec.laneNames.push_back(t.tracks[track.Index()].name);
            m_rec.collapsedNames.clear();
            for (const interleave::trace::TrackId track : request.collapsed)
                m_rec.collapsedNames.push_back(t.tracks[track.Index()].name);
            return std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        };
        r.png = [this](const interleave::trace::Trace&, const PictureRequest& request, std::string& png, std::string&) {
            ++m_rec.calls;
            m_rec.last = request;
            png = "PNG";
            return true;
        };
        interleave::cli::SetPictureRenderers(std::move(r));
    }
    void TearDown() override { interleave::cli::SetPictureRenderers({}); }

    interleave::testing::CommandResult Run(const std::vector<std::string>& args) {
        return interleave::testing::CaptureCommand(interleave::cli::Run, args);
    }
    Recorder m_rec;
};

TEST_F(PictureCli, SvgReachesItsFileWithTheRequestedView) {
    const std::string path = TempPath("picture.svg");
    const auto r = Run({"sim", "blog_io_threads", "--svg", path, "--size", "640x480", "--range", "10ms..250ms",
                        "--lanes", "Thread", "--theme", "light"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(m_rec.calls, 1);
    EXPECT_EQ(m_rec.last.width, 640);
    EXPECT_EQ(m_rec.last.height, 480);
    EXPECT_EQ(m_rec.last.startNs, 10'000'000);
    EXPECT_EQ(m_rec.last.endNs, 250'000'000);
    EXPECT_TRUE(m_rec.last.light);
    EXPECT_TRUE(m_rec.last.arrows);  // as the playground shows them by default
    ASSERT_FALSE(m_rec.laneNames.empty());
    for (const std::string& name : m_rec.laneNames)
        EXPECT_EQ(name.rfind("Thread", 0), 0u) << name;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

TEST_F(PictureCli, NoArrowsLeavesTheCausesOutAndNeedsAPicture) {
    ASSERT_EQ(Run({"sim", "blog_io_threads", "--svg", TempPath("plain.svg"), "--no-arrows"}).code, 0);
    EXPECT_FALSE(m_rec.last.arrows);
    const auto r = Run({"sim", "blog_io_threads", "--no-arrows"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--no-arrows shape a picture"), std::string::npos) << r.err;
}

TEST_F(PictureCli, AnOpenRangeRunsToTheEnd) {
    ASSERT_EQ(Run({"sim", "blog_io_threads", "--svg", TempPath("open.svg"), "--range", "5ms.."}).code, 0);
    EXPECT_EQ(m_rec.last.startNs, 5'000'000);
    EXPECT_GT(m_rec.last.endNs, 5'000'000);
}

TEST_F(PictureCli, AnExactLaneNameIsNotAPrefix) {
    // "Thread-1" is a lane of its own: it does not also take "Thread-10" and the like.
    const interleave::trace::Trace t = [] {
        interleave::trace::Trace x;
        x.AddTrack("Thread-1", interleave::trace::TrackKind::Thread);
        x.AddTrack("Thread-10", interleave::trace::TrackKind::Thread);
        x.AddTrack("GIL", interleave::trace::TrackKind::Gil);
        return x;
    }();
    using interleave::trace::TrackId;
    std::vector<TrackId> tracks;
    std::string error;
    ASSERT_TRUE(interleave::cli::SelectLanes(t, "Thread-1,G", tracks, error)) << error;
    EXPECT_EQ(tracks, (std::vector<TrackId>{TrackId(0), TrackId(2)}));
    ASSERT_TRUE(interleave::cli::SelectLanes(t, "Thread", tracks, error)) << error;
    EXPECT_EQ(tracks, (std::vector<TrackId>{TrackId(0), TrackId(1)}));
}

// --collapse folds groups as the playground does (a name, or a prefix naming several).
TEST_F(PictureCli, CollapseFoldsTheNamedGroupsAndNamesOnesThatDoNotExist) {
    auto r = Run({"sim", "blog_io_processes", "--svg", TempPath("folded.svg"), "--collapse", "MainProcess"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(m_rec.collapsedNames, std::vector<std::string>{"MainProcess"});
    r = Run({"sim", "blog_io_processes", "--svg", TempPath("folded.svg"), "--collapse", "ForkPoolWorker"});
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_GT(m_rec.collapsedNames.size(), 1u);
    for (const std::string& name : m_rec.collapsedNames) EXPECT_EQ(name.rfind("ForkPoolWorker", 0), 0u) << name;
    r = Run({"sim", "blog_io_processes", "--svg", TempPath("folded.svg"), "--collapse", "NoSuchGroup"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--collapse: no lane is named or starts with 'NoSuchGroup' (lanes: "), std::string::npos) << r.err;
    r = Run({"sim", "blog_io_processes", "--collapse", "MainProcess"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("add --svg FILE or --png FILE"), std::string::npos) << r.err;
}

TEST_F(PictureCli, HostileValuesAreUsageErrorsNamingTheProblem) {
    const std::string svg = TempPath("hostile.svg");
    const struct {
        std::vector<std::string> extra;
        const char* says;
    } cases[] = {
        {{"--size", "100000x100000"}, "--size must be WIDTHxHEIGHT"},
        {{"--size", "0x0"}, "64 to 8192"},
        {{"--size", "-5x10"}, "--size"},
        {{"--size", "1280"}, "--size"},
        {{"--size", "12x99999999999999999999"}, "--size"},
        {{"--range", "250ms..10ms"}, "END must come after START"},
        {{"--range", "10ms"}, "no '..'"},
        {{"--range", "soon..later"}, "START is not a duration"},
        {{"--range", "-5ms..1s"}, "--range"},
        {{"--range", "100s..200s"}, "after the run ends"},
        {{"--lanes", "NoSuchLane"}, "no lane is named or starts with 'NoSuchLane'"},
        {{"--lanes", "Thread-1,,GIL"}, "empty entry"},
        {{"--theme", "sepia"}, "--theme must be dark or light"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"sim", "blog_io_threads", "--svg", svg};
        args.insert(args.end(), c.extra.begin(), c.extra.end());
        const auto r = Run(args);
        EXPECT_EQ(r.code, 2) << c.extra[0] << " " << c.extra[1];
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
    EXPECT_EQ(m_rec.calls, 0);
}

TEST_F(PictureCli, PictureOptionsWithoutAPictureAreAUsageError) {
    const auto r = Run({"sim", "blog_io_threads", "--size", "640x480"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("add --svg FILE or --png FILE"), std::string::npos) << r.err;
}

TEST_F(PictureCli, AnUnwritablePictureIsAnOutputError) {
    const auto r = Run({"sim", "blog_io_threads", "--png", "/no/such/dir/x.png"});
    EXPECT_EQ(r.code, 4);
    EXPECT_NE(r.err.find("/no/such/dir/x.png"), std::string::npos) << r.err;
}

TEST(PictureCliWithoutRenderers, PicturesAreRefusedWhereTheUiIsNotLinked) {
    const auto r =
        interleave::testing::CaptureCommand(interleave::cli::Run, {"sim", "blog_io_threads", "--svg", "x.svg"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot draw pictures"), std::string::npos) << r.err;
}

}  // namespace

namespace {
// `--step N`: a story step's view, as the playground shows it (the build's posters of story presets use it).
TEST_F(PictureCli, AStoryStepGivesItsRangeItsLanesAndItsModel) {
    auto r = Run({"sim", "convoy_effect", "--step", "2", "--svg", TempPath("step.svg"), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(m_rec.last.startNs, 0);
    EXPECT_EQ(m_rec.last.endNs, 21'000'000);
    ASSERT_FALSE(m_rec.laneNames.empty());
    for (const std::string& name : m_rec.laneNames)
        EXPECT_TRUE(name.rfind("GIL", 0) == 0 || name.rfind("Thread", 0) == 0) << name;
    // An open range runs to the end; the options still win over the step.
    r = Run({"sim", "convoy_effect", "--step", "2", "--svg", TempPath("step.svg"), "--range", "1ms..2ms", "--lanes", "Core"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(m_rec.last.startNs, 1'000'000);
    EXPECT_EQ(m_rec.last.endNs, 2'000'000);
    for (const std::string& name : m_rec.laneNames) EXPECT_EQ(name.rfind("Core", 0), 0u) << name;
    // The last step of asyncio_blocking_call switches to threads: five sleeps overlap.
    r = Run({"sim", "asyncio_blocking_call", "--step", "4", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("\"label\":\"threads (one per task)\""), std::string::npos) << r.out;
    // Five overlapped 1 s sleeps: just over 1 s (the threads' starts), not the 5 s of the loop they blocked.
    const size_t at = r.out.find("\"makespan_ns\":");
    ASSERT_NE(at, std::string::npos) << r.out;
    const long long makespan = std::stoll(r.out.substr(at + 14));
    EXPECT_GE(makespan, 1'000'000'000LL);
    EXPECT_LT(makespan, 1'010'000'000LL);
    r = Run({"sim", "asyncio_blocking_call", "--json"});
    EXPECT_NE(r.out.find("\"label\":\"asyncio\""), std::string::npos) << r.out;
}

TEST_F(PictureCli, AStepTheStoryDoesNotHaveIsAUsageErrorThatSaysSo) {
    auto r = Run({"sim", "convoy_effect", "--step", "9"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("convoy_effect has a story of 5 steps: there is no step 9"), std::string::npos) << r.err;
    r = Run({"sim", "blog_io_threads", "--step", "1"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("blog_io_threads has no story: there is no step 1"), std::string::npos) << r.err;
    for (const char* bad : {"0", "-1", "x", "33", "1.5"}) {
        r = Run({"sim", "convoy_effect", "--step", bad});
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_NE(r.err.find("--step must be a story step from 1 to 32"), std::string::npos) << r.err;
    }
    EXPECT_EQ(m_rec.calls, 0);
}
}  // namespace
