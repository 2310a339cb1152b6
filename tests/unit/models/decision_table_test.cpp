// The blog's decision table: `compare` recommends the table's model for each of its five rows.
#include <gtest/gtest.h>

#include "test_support.h"

using namespace interleave;
using scenario::ModelKind;

namespace {

ModelKind Recommended(const std::string& preset) {
    models::Comparison c = models::Compare(interleave::testing::Preset(preset));
    EXPECT_GE(c.recommended, 0) << c.reason;
    EXPECT_FALSE(c.reason.empty());
    return c.recommended >= 0 ? c.models[c.recommended].kind : ModelKind::FreeThreaded;
}

}  // namespace

TEST(DecisionTable, CpuBoundOnMultipleCoresRecommendsMultiprocessing) {
    EXPECT_EQ(Recommended("decision_cpu_bound"), ModelKind::Processes);
}

TEST(DecisionTable, IoBoundModerateConcurrencySharedStateRecommendsThreading) {
    EXPECT_EQ(Recommended("decision_io_shared_state"), ModelKind::Threads);
}

TEST(DecisionTable, IoBoundHighConcurrencyRecommendsAsyncio) {
    EXPECT_EQ(Recommended("decision_io_high_concurrency"), ModelKind::Asyncio);
}

TEST(DecisionTable, MixedCpuAndIoRecommendsProcessesWithAnEventLoopEach) {
    EXPECT_EQ(Recommended("decision_mixed"), ModelKind::ProcessAsyncio);
}

TEST(DecisionTable, SimpleSequentialIoRecommendsSequentialCode) {
    EXPECT_EQ(Recommended("decision_simple_sequential"), ModelKind::Sequential);
}

TEST(Compare, RunsEveryModelAndNeverRecommendsTheWhatIf) {
    models::Comparison c = models::Compare(interleave::testing::Preset("blog_cpu_threads"));
    ASSERT_EQ(c.models.size(), 6u);
    for (const auto& r : c.results) EXPECT_TRUE(r.ok) << r.error;
    EXPECT_NE(c.models[c.recommended].kind, ModelKind::FreeThreaded);
}
