#pragma once
// The registry of concurrency models: one entry per model, and every list of models in the project reads it (the
// scenario format's names, the UI's labels and radio buttons, the compare view's check boxes, the recommendation's
// order of simplicity, which model settings apply). Adding a model: its ModelKind, its entry here, its builder in
// src/models (simulate.cpp), its real runner in src/native (cpp_runtime.cpp, python_runner.cpp), its tests and docs
// (CONTRIBUTING.md walks through it).
#include <cstdint>
#include <span>
#include <string_view>

#include "scenario/scenario.h"

namespace interleave::scenario {

struct ModelInfo {
    ModelKind kind;
    std::string_view id;     // the scenario format's name: "process_asyncio"
    std::string_view label;  // the UI's: "processes + asyncio"
    // Recommend(): among models within the tie tolerance of the fastest, the simplest to write and run wins.
    int simplicity;
    bool threads;      // tasks run on threads of one interpreter: model.workers is a ThreadPoolExecutor's max_workers
    bool processPool;  // multiprocessing.Pool: model.workers processes, a start method, pickling, chunks
    bool eventLoop;    // tasks are coroutines on an event loop: semaphore, TaskGroup, awaits yield
    bool gil;          // the interpreters running tasks have a GIL
    bool interpreterPool;  // InterpreterPoolExecutor: model.workers interpreters, each on its own thread and GIL
};

// Every model, in the order the UI lists them.
std::span<const ModelInfo> Models();
const ModelInfo& Info(ModelKind kind);
// "sequential, threads, processes, asyncio, process_asyncio, free_threaded": for error messages and help.
std::string_view ModelIdList();

}  // namespace interleave::scenario
