// The registry of concurrency models (model_info.h).
#include "scenario/model_info.h"

#include <array>
#include <string>

namespace interleave::scenario {

namespace {

// Indexed by ModelKind (a test checks that every entry sits at its kind's index).
constexpr std::array<ModelInfo, 6> kModels = {{
    {ModelKind::Sequential, "sequential", "sequential", 0, false, false, false, true},
    {ModelKind::Threads, "threads", "threads (GIL)", 1, true, false, false, true},
    {ModelKind::Processes, "processes", "process pool", 3, false, true, false, true},
    {ModelKind::Asyncio, "asyncio", "asyncio", 2, false, false, true, true},
    {ModelKind::ProcessAsyncio, "process_asyncio", "processes + asyncio", 4, false, true, true, true},
    {ModelKind::FreeThreaded, "free_threaded", "free-threaded", 5, true, false, false, false},
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
