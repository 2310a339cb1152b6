#pragma once
// Where long work (simulations, sweeps) runs, so the UI never freezes.
//
// The platform decides, not the UI: the threaded builds pass backgroundThreads = true and jobs run on
// one worker std::thread in submission order; the single-threaded web build passes false and jobs run
// on the UI thread in later frames, as many as fit a time budget (at least one), so the frame that
// queued a job is drawn first (it shows "simulating..."). A job that is itself long still blocks that
// one frame in the single-threaded build: Simulate() is synchronous and cannot be sliced from outside.
#include <functional>
#include <memory>

namespace interleave::ui {

class Executor {
public:
    virtual ~Executor() = default;
    // Queues a job. Jobs must not touch UI state: they publish their results through atomics or
    // state they own, which the UI polls.
    virtual void Submit(std::function<void()> job) = 0;
    // Called once a frame on the UI thread. Inline executors run queued jobs here for up to
    // `budgetMs` (at least one job); threaded ones do nothing.
    virtual void Pump(double budgetMs) = 0;
    // Jobs queued or running.
    virtual int Pending() const = 0;
    virtual bool Threaded() const = 0;
};

// backgroundThreads: try a worker thread; where none can start (a build without threads) the inline
// executor is returned instead, so Playground() is safe in every build.
std::unique_ptr<Executor> MakeExecutor(bool backgroundThreads);

}  // namespace interleave::ui
