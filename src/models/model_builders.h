#pragma once
// Each model builds its processes, threads and programs into a World. The programs live in `owned`
// for as long as the world runs.
#include <memory>
#include <vector>

#include "models/workload.h"
#include "models/world/world.h"

namespace interleave::models {

struct Programs {
    std::vector<std::unique_ptr<Program>> owned;
    std::vector<std::shared_ptr<void>> state;  // shared between programs: queues, cursors
    template <typename T, typename... Args>
    T* Make(Args&&... args) {
        owned.push_back(std::make_unique<T>(std::forward<Args>(args)...));
        return static_cast<T*>(owned.back().get());
    }
    template <typename T, typename... Args>
    T* Keep(Args&&... args) {
        auto value = std::make_shared<T>(std::forward<Args>(args)...);
        state.push_back(value);
        return value.get();
    }
};

// What each builder makes is decided by the plan (workload.plan), never by the model's kind: one builder serves every
// model whose plan has the same shape.
void BuildSequential(World& world, const Workload& workload, Programs& programs);
// Threads under the GIL, or on a free-threaded interpreter where the plan has no GIL.
void BuildThreads(World& world, const Workload& workload, Programs& programs);
// multiprocessing.Pool; where the plan runs a loop per worker, each worker runs its share of tasks on an event loop.
void BuildProcessPool(World& world, const Workload& workload, Programs& programs);
void BuildAsyncio(World& world, const Workload& workload, Programs& programs);
// concurrent.futures.InterpreterPoolExecutor: a thread and an interpreter (with its own GIL) per worker.
void BuildInterpreterPool(World& world, const Workload& workload, Programs& programs);

// The simulator's part of the model registry (scenario::Models() holds the rest): the builder of each model, or null
// for a kind with none (a registry test checks that every model has one).
using ModelBuilder = void (*)(World& world, const Workload& workload, Programs& programs);
ModelBuilder BuilderOf(scenario::ModelKind kind);

}  // namespace interleave::models
