#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <cmath>
#include <limits>
#include <set>

#include "scenario/model_info.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "test_support.h"

using namespace interleave::scenario;

namespace {

std::string ErrorOf(const std::string& json) {
    ParseError error;
    auto parsed = ParseScenario(json, error);
    EXPECT_FALSE(parsed.has_value()) << "accepted: " << json;
    return error.Message();
}

std::string WithTasks(const std::string& tasks, const std::string& model = R"({"kind":"threads"})") {
    return R"({"tasks":)" + tasks + R"(,"model":)" + model + "}";
}

}  // namespace

TEST(Units, DurationsParseExactlyInNanoseconds) {
    TimeNs ns = 0;
    ASSERT_TRUE(ParseDuration("1.5s", ns));
    EXPECT_EQ(ns, 1'500'000'000);
    ASSERT_TRUE(ParseDuration("0.1s", ns));
    EXPECT_EQ(ns, 100'000'000);
    ASSERT_TRUE(ParseDuration("250us", ns));
    EXPECT_EQ(ns, 250'000);
    ASSERT_TRUE(ParseDuration("7ns", ns));
    EXPECT_EQ(ns, 7);
    EXPECT_FALSE(ParseDuration("5", ns));
    EXPECT_FALSE(ParseDuration("-3ms", ns));
    EXPECT_FALSE(ParseDuration("ms", ns));
    EXPECT_FALSE(ParseDuration("99999999999999999999h", ns));
}

TEST(Units, SizesAcceptDecimalAndBinaryUnits) {
    int64_t bytes = 0;
    ASSERT_TRUE(ParseBytes("10MB", bytes));
    EXPECT_EQ(bytes, 10'000'000);
    ASSERT_TRUE(ParseBytes("1KiB", bytes));
    EXPECT_EQ(bytes, 1024);
    EXPECT_FALSE(ParseBytes("10 parsecs", bytes));
}

TEST(Scenario, EveryPresetParses) {
    ASSERT_GE(Presets().size(), 15u);
    for (const PresetFile& preset : Presets()) {
        ParseError error;
        auto parsed = ParseScenario(preset.json, error);
        EXPECT_TRUE(parsed.has_value()) << preset.id << ": " << error.Message();
    }
}

TEST(Scenario, CanonicalJsonRoundTrips) {
    for (const PresetFile& preset : Presets()) {
        Scenario first = interleave::testing::ParseOrDie(std::string(preset.json));
        std::string canonical = ScenarioToJson(first);
        Scenario second = interleave::testing::ParseOrDie(canonical);
        EXPECT_EQ(ScenarioToJson(second), canonical) << preset.id;
    }
}

TEST(Scenario, RepeatBlocksUnrollWithoutCopyingInTheScenario) {
    Scenario s = interleave::testing::ParseOrDie(WithTasks(R"([{"name":"t","steps":[{"repeat":3,"steps":[{"cpu":"1ms"},{"io":"1ms"}]}]}])"));
    ASSERT_EQ(s.groups[0].steps.size(), 1u);
    EXPECT_EQ(ExpandedStepCount(s.groups[0].steps), 6);
    EXPECT_EQ(ExpandSteps(s.groups[0].steps).size(), 6u);
}

TEST(ScenarioErrors, UnknownStepNamesTheFieldAndTheKinds) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"cpu":"1ms"},{"compute":"1ms"}]}])"));
    EXPECT_NE(message.find("tasks[0].steps[1].compute"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown step kind"), std::string::npos) << message;
}

TEST(ScenarioErrors, NegativeDurationIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"io":"-1s"}]}])"));
    EXPECT_NE(message.find("tasks[0].steps[0].io"), std::string::npos) << message;
}

TEST(ScenarioErrors, AbsurdDurationIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"cpu":"1000h"}]}])"));
    EXPECT_NE(message.find("between"), std::string::npos) << message;
}

TEST(ScenarioErrors, ZeroWorkersIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"cpu":"1ms"}]}])", R"({"kind":"processes","workers":0})"));
    EXPECT_NE(message.find("model.workers"), std::string::npos) << message;
}

TEST(ScenarioErrors, UnmatchedReleaseIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"release":"L"}]}])"));
    EXPECT_NE(message.find("released without being acquired"), std::string::npos) << message;
}

TEST(ScenarioErrors, LockHeldAtTheEndIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","steps":[{"acquire":"L"},{"cpu":"1ms"}]}])"));
    EXPECT_NE(message.find("ends holding lock"), std::string::npos) << message;
}

TEST(ScenarioErrors, TooManyTasksNamesTheLimit) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","count":100000,"steps":[{"cpu":"1us"}]},{"name":"u","count":5,"steps":[{"cpu":"1us"}]}])"));
    EXPECT_NE(message.find("limit is 100000"), std::string::npos) << message;
}

TEST(ScenarioErrors, TooManyStepsAfterUnrollingIsRejected) {
    std::string message = ErrorOf(WithTasks(R"([{"name":"t","count":1000,"steps":[{"repeat":1000000,"steps":[{"cpu":"1ns"}]}]}])"));
    EXPECT_NE(message.find("steps"), std::string::npos) << message;
}

TEST(ScenarioErrors, UnknownFieldAndBadJsonAreNamed) {
    EXPECT_NE(ErrorOf(R"({"tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],"modle":{}})").find("modle"), std::string::npos);
    EXPECT_NE(ErrorOf("{not json").find("not valid JSON"), std::string::npos);
    EXPECT_NE(ErrorOf("[]").find("JSON object"), std::string::npos);
    EXPECT_NE(ErrorOf(R"({"tasks":[]})").find("tasks"), std::string::npos);
}

TEST(Profile, ACalibratedProfileFileOverridesOnlyTheFieldsItNames) {
    MachineProfile profile;
    std::string error;
    ASSERT_TRUE(ApplyProfileJson(R"({"machine":{"profile":{"switch_interval":"1ms","process_start_fork":"800us"}}})", profile, error)) << error;
    EXPECT_EQ(profile.switchInterval, 1'000'000);
    EXPECT_EQ(profile.processStartFork, 800'000);
    EXPECT_EQ(profile.threadStart, MachineProfile{}.threadStart);
}

TEST(Profile, ABadProfileFieldIsNamed) {
    MachineProfile profile;
    std::string error;
    EXPECT_FALSE(ApplyProfileJson(R"({"profile":{"switch_interval":"-1ms"}})", profile, error));
    EXPECT_NE(error.find("switch_interval"), std::string::npos) << error;
    EXPECT_FALSE(ApplyProfileJson("not json", profile, error));
}

TEST(Profile, TheSchedulerIsEevdfUnlessAProfileNamesCfsAndAnythingElseIsRefusedByName) {
    MachineProfile profile;
    EXPECT_EQ(profile.scheduler, OsScheduler::Eevdf);
    std::string error;
    ASSERT_TRUE(ApplyProfileJson(R"({"profile":{"scheduler":"cfs"}})", profile, error)) << error;
    EXPECT_EQ(profile.scheduler, OsScheduler::Cfs);
    for (const char* bad : {R"("bfs")", "1", "null", R"(["eevdf"])", R"("EEVDF")"}) {
        EXPECT_FALSE(ApplyProfileJson(std::string(R"({"profile":{"scheduler":)") + bad + "}}", profile, error)) << bad;
        EXPECT_NE(error.find("machine.profile.scheduler: must be \"eevdf\""), std::string::npos) << error;
    }
    EXPECT_EQ(profile.scheduler, OsScheduler::Cfs) << "a refused value changes nothing";
}

TEST(Profile, ItsCanonicalObjectIsWhatAScenarioWritesAndReadsBackUnchanged) {
    MachineProfile profile;
    profile.switchInterval = 7'000'000;
    profile.forcedSwitching = false;
    profile.pickleBytesPerSecond = 123'456'789;
    profile.counterIncrement = 120;
    profile.scheduler = OsScheduler::Cfs;
    const std::string text = ProfileToJson(profile);
    MachineProfile back;
    std::string error;
    ASSERT_TRUE(ApplyProfileJson(text, back, error)) << error << "\n" << text;
    EXPECT_EQ(ProfileToJson(back), text);
    EXPECT_EQ(back.switchInterval, 7'000'000);
    EXPECT_FALSE(back.forcedSwitching);
    EXPECT_EQ(back.pickleBytesPerSecond, 123'456'789);
    EXPECT_EQ(back.scheduler, OsScheduler::Cfs);

    Scenario scenario;
    scenario.name = "s";
    scenario.groups.push_back(TaskGroup{});
    scenario.groups[0].name = "t";
    scenario.groups[0].steps.push_back(Step{});
    scenario.machine.profile = profile;
    const auto written = nlohmann::json::parse(ScenarioToJson(scenario));
    EXPECT_EQ(written["machine"]["profile"], nlohmann::json::parse(text));
}

TEST(ModelRegistry, EveryKindHasOneEntryAtItsIndexAndItsIdParsesBack) {
    const auto models = Models();
    ASSERT_EQ(models.size(), 7u);
    std::set<std::string_view> ids, labels;
    std::set<int> simplicity;
    for (size_t i = 0; i < models.size(); ++i) {
        EXPECT_EQ(static_cast<size_t>(models[i].kind), i) << models[i].id;
        EXPECT_EQ(&Info(models[i].kind), &models[i]);
        ModelKind parsed{};
        ASSERT_TRUE(ParseModelKind(models[i].id, parsed)) << models[i].id;
        EXPECT_EQ(parsed, models[i].kind);
        EXPECT_TRUE(ids.insert(models[i].id).second) << "two models named " << models[i].id;
        EXPECT_TRUE(labels.insert(models[i].label).second) << "two models labelled " << models[i].label;
        EXPECT_TRUE(simplicity.insert(models[i].simplicity).second) << "a tie in simplicity: " << models[i].id;
        EXPECT_NE(ModelIdList().find(models[i].id), std::string_view::npos);
    }
    EXPECT_TRUE(Info(ModelKind::ProcessAsyncio).processPool && Info(ModelKind::ProcessAsyncio).eventLoop);
    EXPECT_FALSE(Info(ModelKind::FreeThreaded).gil);
    ModelKind unused{};
    EXPECT_FALSE(ParseModelKind("subinterpreters", unused));
}

TEST(Payload, ASendOrReturnSaysWhatItCarriesAndRoundTrips) {
    ParseError error;
    const auto s = ParseScenario(
        R"({"tasks":[{"name":"t","steps":[{"send":"10MB","payload":"objects"},{"return":"1KB"},{"return":"2KB","payload":"bytes"}]}],)"
        R"("model":{"kind":"processes"}})",
        error);
    ASSERT_TRUE(s) << error.Message();
    EXPECT_EQ(s->groups[0].steps[0].payload, PayloadKind::Objects);
    EXPECT_EQ(s->groups[0].steps[1].payload, PayloadKind::Bytes);
    EXPECT_EQ(s->groups[0].steps[2].payload, PayloadKind::Bytes);
    const auto back = ParseScenario(ScenarioToJson(*s), error);
    ASSERT_TRUE(back) << error.Message();
    EXPECT_EQ(back->groups[0].steps[0].payload, PayloadKind::Objects);
    EXPECT_EQ(ScenarioToJson(*back), ScenarioToJson(*s));
}

TEST(Payload, AWrongPayloadIsNamed) {
    const char* cases[][2] = {
        {R"({"send":"1MB","payload":"json"})", "must be \"bytes\" or \"objects\""},
        {R"({"io":"1ms","payload":"objects"})", "io"},
        {R"({"send":"1MB","return":"1MB","payload":"objects"})", "goes with one send or return step"},
        {R"({"payload":"objects"})", "goes with one send or return step"},
    };
    for (const auto& c : cases) {
        ParseError error;
        const std::string json = std::string(R"({"tasks":[{"name":"t","steps":[)") + c[0] + R"(]}],"model":{"kind":"processes"}})";
        EXPECT_FALSE(ParseScenario(json, error)) << c[0];
        EXPECT_NE(error.Message().find(c[1]), std::string::npos) << c[0] << " -> " << error.Message();
    }
}

TEST(Reply, AnIoStepThatWaitsForAReplyRoundTrips) {
    ParseError error;
    const auto s = ParseScenario(
        R"({"tasks":[{"name":"t","steps":[{"repeat":3,"steps":[{"io":"6us"},{"cpu":"1us"},)"
        R"({"io":"3us","reply_after":"22us"}]}]}],"model":{"kind":"threads"}})",
        error);
    ASSERT_TRUE(s) << error.Message();
    const Step& recv = s->groups[0].steps[0].body[2];
    EXPECT_EQ(recv.kind, StepKind::Io);
    EXPECT_EQ(recv.duration, 3'000);
    EXPECT_EQ(recv.replyAfter, 22'000);
    EXPECT_EQ(s->groups[0].steps[0].body[0].replyAfter, 0);
    const auto back = ParseScenario(ScenarioToJson(*s), error);
    ASSERT_TRUE(back) << error.Message();
    EXPECT_EQ(back->groups[0].steps[0].body[2].replyAfter, 22'000);
    EXPECT_EQ(ScenarioToJson(*back), ScenarioToJson(*s));
    // Unrolled, every copy keeps it (what the simulator runs).
    const std::vector<Step> flat = ExpandSteps(s->groups[0].steps);
    ASSERT_EQ(flat.size(), 9u);
    EXPECT_EQ(flat[8].replyAfter, 22'000);
}

TEST(Reply, AReplyWithoutASendOrOnAnotherStepIsNamed) {
    const char* cases[][2] = {
        {R"({"io":"3us","reply_after":"22us"})", "steps[0].reply_after: needs an io step before it in the same list"},
        {R"({"cpu":"1ms"},{"io":"3us","reply_after":"22us"})", "steps[1].reply_after: needs an io step before it"},
        // The send must be in the same list: one before a repeat block does not count for the block's first step.
        {R"({"io":"1ms"},{"repeat":2,"steps":[{"io":"3us","reply_after":"22us"}]})", "steps[1].steps[0].reply_after"},
        {R"({"io":"1ms"},{"cpu":"1ms","reply_after":"22us"})", "reply_after"},
        {R"({"io":"1ms"},{"await":"1ms","reply_after":"22us"})", "reply_after"},
        {R"({"io":"1ms"},{"reply_after":"22us"})", "goes with an io step"},
        {R"({"io":"1ms"},{"io":"3us","reply_after":"-1us"})", "reply_after"},
        {R"({"io":"1ms"},{"io":"3us","reply_after":"9999h"})", "reply_after: must be between"},
        {R"({"io":"1ms"},{"io":"3us","reply_after":22})", "reply_after: must be a duration"},
        {R"({"io":"1ms"},{"to_thread":{"io":"3us","reply_after":"22us"}})", "to_thread.reply_after"},
    };
    for (const auto& c : cases) {
        ParseError error;
        const std::string json = std::string(R"({"tasks":[{"name":"t","steps":[)") + c[0] + R"(]}],"model":{"kind":"threads"}})";
        EXPECT_FALSE(ParseScenario(json, error)) << c[0];
        EXPECT_NE(error.Message().find(c[1]), std::string::npos) << c[0] << " -> " << error.Message();
    }
}

TEST(MainImports, TheProgramsImportsRoundTripAndBadOnesAreNamed) {
    ParseError error;
    const auto s = ParseScenario(R"({"version":10,"main_imports":"85ms",)"
                                 R"("tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],)"
                                 R"("model":{"kind":"processes","start_method":"spawn"}})", error);
    ASSERT_TRUE(s) << error.Message();
    EXPECT_EQ(s->mainImports, 85'000'000);
    EXPECT_EQ(s->machine.profile.mainRerun, MachineProfile{}.mainRerun);  // not given: the machine's default
    const auto back = ParseScenario(ScenarioToJson(*s), error);
    ASSERT_TRUE(back) << error.Message();
    EXPECT_EQ(back->mainImports, 85'000'000);
    EXPECT_EQ(ScenarioToJson(*back), ScenarioToJson(*s));
    for (const char* bad : {R"("-1ms")", R"("11s")", "85", R"("import requests")"}) {
        const std::string json = std::string(R"({"main_imports":)") + bad +
                                 R"(,"tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],"model":{"kind":"threads"}})";
        EXPECT_FALSE(ParseScenario(json, error)) << bad;
        EXPECT_EQ(error.path, "main_imports") << bad << " -> " << error.Message();
    }
}

TEST(MainImports, AStartGivenWithoutMainRerunMeansTheWholeStartAsItAlwaysDid) {
    // Profiles and scenarios written before main_rerun measured a spawn or forkserver worker's start with the main
    // module's run in it: they keep that meaning, and the run is not charged twice.
    for (const char* start : {"process_start_spawn", "process_start_forkserver"}) {
        MachineProfile profile;
        std::string error;
        ASSERT_TRUE(ApplyProfileJson(std::string(R"({")") + start + R"(":"40ms"})", profile, error)) << error;
        EXPECT_EQ(profile.mainRerun, 0) << start;
        MachineProfile both;
        ASSERT_TRUE(ApplyProfileJson(std::string(R"({")") + start + R"(":"40ms","main_rerun":"3ms"})", both, error));
        EXPECT_EQ(both.mainRerun, 3'000'000) << start;
    }
    // A spawned worker of a profile that says nothing costs what it did before main_rerun: 60 ms.
    const MachineProfile defaults;
    EXPECT_EQ(defaults.processStartSpawn + defaults.mainRerun, 60'000'000);
}

TEST(MainImports, AProfileFileUnderAScenarioKeepsTheScenariosMainRerunWithItsStart) {
    // The scenario gives its spawn start apart from runpy's part (format 10); an old calibrated profile gives a whole
    // start. The scenario's start wins, and so must the main_rerun that goes with it, even at its default value.
    ParseError parseError;
    auto s = ParseScenario(R"({"version":10,"tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],)"
                           R"("model":{"kind":"processes","start_method":"spawn"},"machine":{"profile":{"process_start_spawn":"30ms",)"
                           R"("main_rerun":"6ms"}}})", parseError);
    ASSERT_TRUE(s) << parseError.Message();
    std::string error;
    ASSERT_TRUE(ApplyProfileJsonUnderScenario(R"({"process_start_spawn":"20ms","pool_setup":"1ms"})",
                                              s->machine.profile, error)) << error;
    EXPECT_EQ(s->machine.profile.processStartSpawn, 30'000'000);
    EXPECT_EQ(s->machine.profile.mainRerun, 6'000'000);
    EXPECT_EQ(s->machine.profile.poolSetup, 1'000'000);
}

TEST(Profile, ObjectThroughputsAreProfileFields) {
    MachineProfile profile;
    std::string error;
    ASSERT_TRUE(ApplyProfileJson(R"({"pickle_objects_throughput":"50MB/s","unpickle_objects_throughput":"40MB"})", profile, error)) << error;
    EXPECT_EQ(profile.pickleObjectsBytesPerSecond, 50'000'000);
    EXPECT_EQ(profile.unpickleObjectsBytesPerSecond, 40'000'000);
    EXPECT_FALSE(ApplyProfileJson(R"({"pickle_objects_throughput":"10B"})", profile, error));
    EXPECT_NE(error.find("pickle_objects_throughput"), std::string::npos) << error;
}

// A speedup keeps three significant figures at any size: "%.2fx" printed a model 250 times slower than sequential
// as "0.00x" and one 12,345 times faster with five digits.
TEST(FormatRatio, KeepsThreeSignificantFiguresAtAnySize) {
    using interleave::scenario::FormatRatio;
    EXPECT_EQ(FormatRatio(1.0), "1.00x");
    EXPECT_EQ(FormatRatio(3.456), "3.46x");
    EXPECT_EQ(FormatRatio(9.996), "10.0x");
    EXPECT_EQ(FormatRatio(12.345), "12.3x");
    EXPECT_EQ(FormatRatio(12'345.0), "12345x");
    EXPECT_EQ(FormatRatio(0.25), "0.25x");
    EXPECT_EQ(FormatRatio(0.004), "0.004x");
    EXPECT_EQ(FormatRatio(0.0423), "0.042x");
    EXPECT_EQ(FormatRatio(0.0004), "<0.001x");
    EXPECT_EQ(FormatRatio(0.0), "0x");
    EXPECT_EQ(FormatRatio(-1.0), "n/a");
    EXPECT_EQ(FormatRatio(std::numeric_limits<double>::infinity()), "n/a");
    EXPECT_EQ(FormatRatio(std::nan("")), "n/a");
}
