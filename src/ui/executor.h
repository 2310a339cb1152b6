#pragma once
// Where long work (simulations, sweeps) runs, so the UI never freezes.
//
// The platform decides, not the UI: the threaded builds pass backgroundThreads = true and jobs run on
// one worker std::thread in submission order; the single-threaded web build passes false and jobs run
// on the UI thread in later frames, as many as fit a time budget (at least one), so the frame that
// queued a job is drawn first (it shows "simulating..."). Long work is submitted as a sliced job (a
// function called until it returns true, each call a few milliseconds: models::SimulationRun::Advance),
// so the single-threaded build draws a frame between slices and a long simulation never freezes the tab.
#include <functional>
#include <memory>

namespace interleave::ui {

class Executor {
public:
    virtual ~Executor() = default;
    // Queues a job. Jobs must not touch UI state: they publish their results through atomics or
    // state they own, which the UI polls.
    void Submit(std::function<void()> job) {
        SubmitSliced([job = std::move(job)] {
            job();
            return true;
        });
    }
    // Queues a job that runs in slices: `slice` is called until it returns true. A threaded executor
    // calls it back to back; an inline one calls it while the frame's budget lasts and goes on next frame.
    virtual void SubmitSliced(std::function<bool()> slice) = 0;
    // Called once a frame on the UI thread. Inline executors run queued jobs here for up to
    // `budgetMs` (at least one job); threaded ones do nothing.
    virtual void Pump(double budgetMs) = 0;
    // Jobs queued or running.
    virtual int Pending() const = 0;
    virtual bool Threaded() const = 0;
};

// How long an inline executor may work in a frame (Playground::PollJobs), given how long the rest of the last frame
// took (drawing it, and whatever the browser did until the next): as long again, so work takes at most about half of
// the time, within kMinFrameWorkMs (half a 60 Hz frame) and kMaxFrameWorkMs (a whole one, so that frames keep coming
// every 100 ms where drawing one takes 50 to 80 ms). A GPU that draws a frame in a few ms keeps 8 ms; SwiftShader's
// frames (or a slow phone's) give work 16 ms, and a large trace file opens sooner (docs/authoring.md has figures).
inline constexpr double kMinFrameWorkMs = 8.0;
inline constexpr double kMaxFrameWorkMs = 16.0;
double FrameWorkBudgetMs(double restOfLastFrameMs);

// backgroundThreads: try a worker thread; where none can start (a build without threads) the inline
// executor is returned instead, so Playground() is safe in every build.
std::unique_ptr<Executor> MakeExecutor(bool backgroundThreads);

}  // namespace interleave::ui
