// The registry of concurrency models (model_info.h).
#include "scenario/model_info.h"

#include <array>
#include <string>

namespace interleave::scenario {

namespace {

// Indexed by ModelKind (a test checks that every entry sits at its kind's index).
constexpr std::array<ModelInfo, 7> kModels = {{
    {ModelKind::Sequential, "sequential", "sequential", 0, false, false, false, true, false},
    {ModelKind::Threads, "threads", "threads (GIL)", 1, true, false, false, true, false},
    {ModelKind::Processes, "processes", "process pool", 3, false, true, false, true, false},
    {ModelKind::Asyncio, "asyncio", "asyncio", 2, false, false, true, true, false},
    {ModelKind::ProcessAsyncio, "process_asyncio", "processes + asyncio", 5, false, true, true, true, false},
    {ModelKind::FreeThreaded, "free_threaded", "free-threaded", 6, true, false, false, false, false},
    // Simpler to run than a process pool (no process start, one memory), harder to write for (what crosses is
    // pickled or must be shareable; extension modules must support subinterpreters).
    {ModelKind::Interpreters, "interpreters", "interpreter pool", 4, false, false, false, true, true},
}};

}  // namespace

std::span<const ModelInfo> Models() { return kModels; }

const ModelInfo& Info(ModelKind kind) { return kModels[static_cast<size_t>(kind)]; }

std::string_view ModelIdList() {
    static const std::string list = [] {
        std::string out;
        for (const ModelInfo& model : kModels) out.append(out.empty() ? "" : ", ").append(model.id);
        return out;
    }();
    return list;
}

std::string_view ModelKindName(ModelKind kind) { return Info(kind).id; }

bool ParseModelKind(std::string_view name, ModelKind& out) {
    for (const ModelInfo& model : kModels) {
        if (model.id == name) {
            out = model.kind;
            return true;
        }
    }
    return false;
}

}  // namespace interleave::scenario
