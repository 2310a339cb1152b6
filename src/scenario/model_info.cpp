// The registry of concurrency models (model_info.h).
#include "scenario/model_info.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace interleave::scenario {

namespace {

// Indexed by ModelKind (a test checks that every entry sits at its kind's index).
constexpr std::array<ModelInfo, 7> kModels = {{
    {.kind = ModelKind::Sequential, .id = "sequential", .label = "sequential", .simplicity = 0, .threads = false,
     .processPool = false, .eventLoop = false, .gil = true, .interpreterPool = false,
     .headline = "{what} ran one after another in {took}",
     .recommendation = "sequential: no model beats plain sequential code ({makespan}) by more than 10%, so "
                       "concurrency is not worth its complexity",
     .workerNoun = ""},
    {.kind = ModelKind::Threads, .id = "threads", .label = "threads (GIL)", .simplicity = 1, .threads = true,
     .processPool = false, .eventLoop = false, .gil = true, .interpreterPool = false,
     .headline = "{what} on {n} {build}thread{s} took {took}",
     .recommendation = "threading: the work waits on I/O, which releases the GIL, so {tasks} tasks overlap "
                       "({makespan}, {speedup} sequential) at moderate concurrency",
     .workerNoun = ""},
    {.kind = ModelKind::Processes, .id = "processes", .label = "process pool", .simplicity = 3, .threads = false,
     .processPool = true, .eventLoop = false, .gil = true, .interpreterPool = false,
     .headline = "{what} on {n} worker process{es} took {took}",
     .recommendation = "multiprocessing: the work is CPU-bound Python, and only separate processes (one GIL each) "
                       "run it on {cores} cores at once ({makespan}, {speedup} sequential)",
     .workerNoun = "process"},
    {.kind = ModelKind::Asyncio, .id = "asyncio", .label = "asyncio", .simplicity = 2, .threads = false,
     .processPool = false, .eventLoop = true, .gil = true, .interpreterPool = false,
     .headline = "{what} on one event loop took {took}",
     .recommendation = "asyncio: {tasks} I/O waits overlap on one thread with the lowest per-task overhead "
                       "({makespan}, {speedup} sequential)",
     .workerNoun = ""},
    {.kind = ModelKind::ProcessAsyncio, .id = "process_asyncio", .label = "processes + asyncio", .simplicity = 5,
     .threads = false, .processPool = true, .eventLoop = true, .gil = true, .interpreterPool = false,
     .headline = "{what} on {n} process{es} with an event loop each took {took}",
     .recommendation = "multiprocessing with asyncio per process: processes spread the CPU work over the cores and "
                       "an event loop in each overlaps the I/O ({makespan}, {speedup} sequential)",
     .workerNoun = "process"},
    {.kind = ModelKind::FreeThreaded, .id = "free_threaded", .label = "free-threaded", .simplicity = 6,
     .threads = true, .processPool = false, .eventLoop = false, .gil = false, .interpreterPool = false,
     .headline = "{what} on {n} {build}thread{s} took {took}",
     .recommendation = "free-threaded {python}: the work is CPU-bound Python in one process, and without a GIL "
                       "threads run it on {cores} cores at once with no process to start and nothing to pickle "
                       "({makespan}, {speedup} sequential)",
     .workerNoun = ""},
    // Simpler to run than a process pool (no process start, one memory), harder to write for (what crosses is
    // pickled or must be shareable; extension modules must support subinterpreters).
    {.kind = ModelKind::Interpreters, .id = "interpreters", .label = "interpreter pool", .simplicity = 4,
     .threads = false, .processPool = false, .eventLoop = false, .gil = true, .interpreterPool = true,
     .headline = "{what} on {n} interpreter{s} (InterpreterPoolExecutor) took {took}",
     .recommendation = "InterpreterPoolExecutor: the work is CPU-bound Python, and interpreters with a GIL each run "
                       "it on {cores} cores at once without starting processes ({makespan}, {speedup} sequential)",
     .workerNoun = "interpreter"},
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

std::string FillModelText(std::string_view text, const ModelTextValues& values) {
    const auto number = [](int64_t v) { return v < 0 ? std::string() : std::to_string(v); };
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
        if (name == "what") return std::string(values.what);
        if (name == "took") return std::string(values.took);
        if (name == "build") return std::string(values.build);
        if (name == "python") return std::string(values.python);
        if (name == "makespan") return std::string(values.makespan);
        if (name == "speedup") return std::string(values.speedup);
        if (name == "n" && values.n >= 0) return number(values.n);
        if (name == "s" && values.n >= 0) return std::string(values.n == 1 ? "" : "s");
        if (name == "es" && values.n >= 0) return std::string(values.n == 1 ? "" : "es");
        if (name == "tasks" && values.tasks >= 0) return number(values.tasks);
        if (name == "cores" && values.cores >= 0) return number(values.cores);
        return std::nullopt;
    };
    std::string out;
    out.reserve(text.size() + 64);
    size_t at = 0;
    while (at < text.size()) {
        const size_t open = text.find('{', at);
        const size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) break;
        out.append(text.substr(at, open - at));
        const std::optional<std::string> filled = value(text.substr(open + 1, close - open - 1));
        out.append(filled ? *filled : std::string(text.substr(open, close - open + 1)));
        at = close + 1;
    }
    return out.append(text.substr(std::min(at, text.size())));
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
