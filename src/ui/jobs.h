#pragma once
// The playground's background work, apart from its drawing: the run of the scenario, a link's pinned run, the
// comparison of models or releases, the scaling sweep, a real run and trace files being read. Each job owns its inputs
// (a copy of the scenario or the file) and its outputs; the playground starts jobs, polls once a frame and takes what
// finished (Jobs::Poll). No ImGui here: what runs when is decided in this file, what is shown in playground*.cpp.
//
// Simulations run in slices (models::SimulationRun) on the executor (executor.h), so the single-threaded build draws
// frames while one runs, and every run is bounded in time and memory: a link to a tiny scenario that asks for
// billions of events stops with the limit it hit instead of freezing the tab. Cancelling is cooperative, through the
// simulator's cancel flag; a job the playground dropped keeps what it needs until its last slice has run.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/simulate.h"
#include "scenario/scenario.h"
#include "trace/trace.h"
#include "ui/executor.h"
#include "ui/scaling_plot.h"

namespace interleave::ui {

// What a real run of the scenario gave (native only; see src/app/real_runs.h). No dependency on src/native.
struct RealRunOutcome {
    bool ok = false;
    std::string error;
    trace::Trace trace;
};
// kind: 0 = the C++ runtimes, 1 = CPython. Runs on the playground's background executor.
using RunForRealFn = std::function<RealRunOutcome(const scenario::Scenario& scenario, int kind, std::atomic<float>* progress,
                                                  const std::atomic<bool>* cancel)>;

class Jobs {
public:
    // backgroundThreads: a worker thread runs the jobs (else the UI thread, in slices, in Poll); every simulation
    // stops after simulationTimeLimitSeconds with the reason as its error.
    Jobs(bool backgroundThreads, double simulationTimeLimitSeconds);
    ~Jobs();  // cancels every job, then joins the worker
    Jobs(const Jobs&) = delete;
    Jobs& operator=(const Jobs&) = delete;

    // A simulation that ended: its scenario and result. A cancelled one is never handed over.
    struct FinishedRun {
        scenario::Scenario scenario;
        models::SimulationResult result;
    };
    struct FinishedReal {
        int kind = 0;
        RealRunOutcome outcome;
    };
    // A trace file read (ok) or refused (error), under its title.
    struct FinishedRead {
        std::string title;
        bool ok = false;
        std::string error;
        trace::Trace trace;
    };
    struct Finished {
        std::optional<FinishedRun> run;
        std::optional<FinishedRun> pinned;
        std::optional<models::Comparison> comparison;
        std::optional<FinishedReal> real;
        std::vector<FinishedRead> reads;  // in the order they were asked for
        bool sweepEnded = false;
    };
    // Once a frame, on the UI thread: gives a single-threaded executor its share of the frame (FrameWorkBudgetMs),
    // copies the sweep's finished points into `scaling` (the series Sweep returned) and hands over what finished.
    Finished Poll(std::vector<ScalingSeries>& scaling);

    // The run of `scenario`, replacing any still under way. A small scenario starts on the caller's thread and most
    // end there within the frame that asked (no flicker, and the web page's first frame needs no worker); the rest
    // goes on in the executor.
    void Simulate(const scenario::Scenario& scenario);
    void DropRun();  // a run shown from elsewhere replaces it
    // A link's pinned run, simulated as the run is, replacing any still under way.
    void SimulatePinned(const scenario::Scenario& scenario);
    void DropPinned();
    // The pinned run being simulated (a share link made meanwhile carries it), or null.
    const scenario::Scenario* PinnedScenario() const;
    // Every model on the scenario's release, or (byRelease) the scenario's own program on every release, one at a
    // time, then the recommendation.
    void Compare(const scenario::Scenario& scenario, bool byRelease);
    void DropComparison();
    // Makespan against workers for threads, processes and free-threaded, one point per job; returns the series with
    // every makespan -1 until Poll fills it in (-2: that point failed).
    std::vector<ScalingSeries> Sweep(const scenario::Scenario& scenario);
    void DropSweep();
    // Cancels the run, the pinned run, the comparison and the sweep (the Cancel button); true when the run was
    // still under way.
    bool CancelSimulations();
    // A real run of the scenario with `run`; false when one is under way already.
    bool RunForReal(const scenario::Scenario& scenario, int kind, const RunForRealFn& run);
    void CancelRealRun();  // asks it to stop; Poll hands over how it ended
    void DropRealRun();    // forgets it (the scenario it ran was edited)
    // Reads a trace file (either form, docs/trace-format.md) in steps (trace::TraceFileReader), so a large one holds
    // no frame for long in the single-threaded build.
    void Read(std::string title, std::string text);

    bool Simulating() const;  // the run is under way
    bool HasRun() const { return m_run != nullptr; }  // a run not handed over yet (under way or finished)
    bool Comparing() const { return m_compare != nullptr; }
    bool Sweeping() const { return m_sweep != nullptr; }
    bool RealRunning() const { return m_real != nullptr; }
    size_t Reading() const { return m_reads.size(); }
    float SimulationProgress() const;
    float ComparisonProgress() const;
    float SweepProgress() const;
    float RealRunProgress() const;
    double ReadingProgress() const;  // the mean of the files being read, 0 to 1 (0 when none is)
    // A job counts until Poll has handed over its result: a reader of the playground's state never sees "not
    // simulating" without the trace or the error that ended it.
    bool Busy() const;
    bool Threaded() const { return m_executor->Threaded(); }
    // UI-thread time spent simulating since the last Simulate: the longest stretch, and each (the first 4096).
    double LongestWorkMs() const { return m_longestWorkMs; }
    const std::vector<float>& WorkMs() const { return m_workMs; }

private:
    struct SimJob;
    struct CompareJob;
    struct SweepJob;
    struct RealJob;
    struct ReadJob;
    std::shared_ptr<SimJob> NewSimJob(const scenario::Scenario& scenario);
    void RecordWork(double ms);

    std::unique_ptr<Executor> m_executor;
    double m_timeLimitSeconds;
    std::shared_ptr<SimJob> m_run;
    std::shared_ptr<SimJob> m_pinned;
    std::shared_ptr<CompareJob> m_compare;
    std::shared_ptr<SweepJob> m_sweep;
    std::shared_ptr<RealJob> m_real;
    std::vector<std::shared_ptr<ReadJob>> m_reads;
    double m_longestWorkMs = 0;
    std::vector<float> m_workMs;
    std::chrono::steady_clock::time_point m_lastWorkEnd;  // when the last frame's jobs stopped (FrameWorkBudgetMs)
    bool m_workEnded = false;
};

}  // namespace interleave::ui
