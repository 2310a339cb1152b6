#pragma once
// The registry of concurrency models: one entry per model, and every list of models in the project reads it (the
// scenario format's names, the UI's labels and radio buttons, the compare view's check boxes, the recommendation's
// order of simplicity, which model settings apply). Adding a model: its ModelKind, its entry here, its builder in
// src/models (simulate.cpp), its real runner in src/native (cpp_runtime.cpp, python_runner.cpp), its tests and docs
// (CONTRIBUTING.md walks through it).
#include <cstdint>
#include <span>
#include <string>
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
    // The words the explanation and the recommendation use for this model, filled in by FillModelText, so that they
    // need no list of models of their own.
    std::string_view headline;        // what ran on what, and how long it took
    std::string_view recommendation;  // why this model is the one to use, when Recommend() picks it
    std::string_view workerNoun;      // a pool's unit, for "the longest process start" (empty where there is none)
};

// The values FillModelText puts in a model's text: {what}, {took}, {n} (workers) with {s} and {es} (the plural
// endings for n), {build} ("free-threaded " where the run has no GIL), {tasks}, {cores}, {python}, {makespan} and
// {speedup}. A placeholder with no value set is written as it is, so a missing one shows instead of vanishing.
struct ModelTextValues {
    std::string_view what, took, build, python, makespan, speedup;
    int64_t n = -1, tasks = -1, cores = -1;
};
std::string FillModelText(std::string_view text, const ModelTextValues& values);

// Every model, in the order the UI lists them.
std::span<const ModelInfo> Models();
const ModelInfo& Info(ModelKind kind);
// "sequential, threads, processes, asyncio, process_asyncio, free_threaded": for error messages and help.
std::string_view ModelIdList();

}  // namespace interleave::scenario
