#include "ui/jobs.h"

#include <algorithm>

#include "trace/trace_json.h"

namespace interleave::ui {

namespace {

// Scenarios up to this many steps (summed over every task) start simulating within the frame that asked, for up to
// kInlineBudgetMs: most are done by then. What is left, and bigger scenarios, go on in the executor.
constexpr int64_t kSmallScenarioSteps = 20'000;
constexpr double kInlineBudgetMs = 25.0;
// Events per slice: a millisecond or two of simulation, so a frame's budget is never overshot by much.
constexpr int64_t kSliceEvents = 4'096;

models::SimulationOptions BoundedOptions(double timeLimitSeconds) {
    models::SimulationOptions options;
    options.timeLimitSeconds = timeLimitSeconds;
    return options;
}

double MsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

int64_t StepCount(const scenario::Scenario& s) {
    int64_t n = 0;
    for (const auto& g : s.groups) n += int64_t(g.count) * scenario::ExpandedStepCount(g.steps);
    return n;
}

}  // namespace

struct Jobs::SimJob {
    scenario::Scenario scenario;
    std::atomic<float> progress{0};
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    std::unique_ptr<models::SimulationRun> run;  // touched by one thread at a time: the UI's, then the executor's
    models::SimulationResult result;
};

struct Jobs::CompareJob {
    scenario::Scenario scenario;
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    std::atomic<int> finished{0};                // models simulated so far
    std::unique_ptr<models::SimulationRun> run;  // the model being simulated
    models::Comparison result;
};

struct Jobs::SweepJob {
    std::atomic<bool> cancel{false};
    std::atomic<int> finished{0};
    int total = 0;
    std::vector<ScalingSeries> series;  // the plan; the UI's copy is filled from `slots`
    std::vector<size_t> offset;         // slot of series[s].workers[0]
    std::unique_ptr<std::atomic<int64_t>[]> slots;  // makespan per point, -1 until computed
};

struct Jobs::RealJob {
    scenario::Scenario scenario;
    int kind = 0;
    std::atomic<float> progress{0};
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    RealRunOutcome outcome;
};

struct Jobs::ReadJob {
    explicit ReadJob(std::string fileText) : text(std::move(fileText)), reader(text) {}
    std::string text;  // freed once parsed
    trace::TraceFileReader reader;
    std::atomic<bool> done{false};
    std::atomic<float> progress{0};  // 0 to 1
    FinishedRead read;
};

Jobs::Jobs(bool backgroundThreads, double simulationTimeLimitSeconds)
    : m_executor(MakeExecutor(backgroundThreads)), m_timeLimitSeconds(simulationTimeLimitSeconds) {}

Jobs::~Jobs() {
    // Stop what runs in the background before the executor joins its thread.
    for (auto* cancel : {m_run ? &m_run->cancel : nullptr, m_pinned ? &m_pinned->cancel : nullptr,
                         m_compare ? &m_compare->cancel : nullptr, m_sweep ? &m_sweep->cancel : nullptr,
                         m_real ? &m_real->cancel : nullptr})
        if (cancel) *cancel = true;
    m_executor.reset();
}

// [SECTION] Simulations

std::shared_ptr<Jobs::SimJob> Jobs::NewSimJob(const scenario::Scenario& scenario) {
    auto job = std::make_shared<SimJob>();
    job->scenario = scenario;
    models::SimulationOptions options = BoundedOptions(m_timeLimitSeconds);
    options.progress = &job->progress;
    options.cancel = &job->cancel;
    job->run = std::make_unique<models::SimulationRun>(job->scenario, options);
    return job;
}

namespace {
// A simulation job's slices for the executor: true once the run is done and its result published.
template <typename Job>
std::function<bool()> SimulationSlices(std::shared_ptr<Job> job) {
    return [job] {
        if (!job->run->Advance(kSliceEvents)) return false;
        job->result = job->run->TakeResult();
        job->run.reset();
        job->done.store(true, std::memory_order_release);
        return true;
    };
}
}  // namespace

void Jobs::Simulate(const scenario::Scenario& scenario) {
    if (m_run) m_run->cancel = true;
    auto job = NewSimJob(scenario);
    m_run = job;
    auto slice = SimulationSlices(job);
    m_longestWorkMs = 0;
    m_workMs.clear();
    if (StepCount(scenario) <= kSmallScenarioSteps) {
        const auto start = std::chrono::steady_clock::now();
        while (!slice()) {
            if (MsSince(start) >= kInlineBudgetMs) break;
        }
        RecordWork(MsSince(start));
        if (job->done.load(std::memory_order_acquire)) return;
    }
    m_executor->SubmitSliced(std::move(slice));
}

void Jobs::DropRun() {
    if (m_run) m_run->cancel = true;
    m_run.reset();
}

void Jobs::SimulatePinned(const scenario::Scenario& scenario) {
    DropPinned();
    m_pinned = NewSimJob(scenario);
    m_executor->SubmitSliced(SimulationSlices(m_pinned));
}

void Jobs::DropPinned() {
    if (m_pinned) m_pinned->cancel = true;  // the job keeps what it needs
    m_pinned.reset();
}

const scenario::Scenario* Jobs::PinnedScenario() const { return m_pinned ? &m_pinned->scenario : nullptr; }

bool Jobs::Simulating() const { return m_run && !m_run->done.load(std::memory_order_acquire); }

float Jobs::SimulationProgress() const { return m_run ? m_run->progress.load() : 0.0f; }

void Jobs::RecordWork(double ms) {
    m_longestWorkMs = std::max(m_longestWorkMs, ms);
    if (m_workMs.size() < 4096) m_workMs.push_back(float(ms));
}

bool Jobs::CancelSimulations() {
    const bool runUnderWay = Simulating();
    for (auto* cancel : {m_run ? &m_run->cancel : nullptr, m_compare ? &m_compare->cancel : nullptr,
                         m_sweep ? &m_sweep->cancel : nullptr})
        if (cancel) *cancel = true;
    // The jobs keep what they need; the UI forgets them (a cancelled sweep never reaches its total).
    DropPinned();
    m_run.reset();
    m_compare.reset();
    m_sweep.reset();
    return runUnderWay;
}

// [SECTION] Comparison and sweep

void Jobs::Compare(const scenario::Scenario& scenario, bool byRelease) {
    DropComparison();
    auto job = std::make_shared<CompareJob>();
    job->scenario = scenario;
    if (byRelease) job->result = models::ReleaseComparison(job->scenario);
    else job->result.models = models::CompareModels(job->scenario);
    m_compare = job;
    // One model at a time, each in slices; the recommendation once all are in.
    m_executor->SubmitSliced([job, timeLimit = m_timeLimitSeconds] {
        const size_t next = job->result.results.size();
        const bool releases = !job->result.releases.empty();
        if (!job->run && next < job->result.models.size()) {
            scenario::Scenario variant =
                releases ? scenario::OnRelease(job->scenario, job->result.releases[next]) : job->scenario;
            variant.model = job->result.models[next];
            // By release each run has its own sequential baseline (on that release): its speedup is its own.
            models::SimulationOptions options =
                releases ? BoundedOptions(timeLimit) : models::CompareRunOptions(BoundedOptions(timeLimit));
            options.progress = nullptr;
            options.cancel = &job->cancel;
            job->run = std::make_unique<models::SimulationRun>(variant, options);
        }
        if (job->run) {
            if (!job->run->Advance(kSliceEvents)) return false;
            job->result.results.push_back(job->run->TakeResult());
            job->run.reset();
            job->finished.fetch_add(1, std::memory_order_relaxed);
            if (job->result.results.size() < job->result.models.size() && !job->cancel) return false;
        }
        if (!job->cancel && releases) models::RecommendRelease(job->scenario, job->result);
        else if (!job->cancel) models::Recommend(job->scenario, job->result);
        job->done.store(true, std::memory_order_release);
        return true;
    });
}

void Jobs::DropComparison() {
    if (m_compare) m_compare->cancel = true;
    m_compare.reset();
}

float Jobs::ComparisonProgress() const {
    if (!m_compare) return 0.0f;
    return float(m_compare->finished.load()) / float(std::max<size_t>(1, m_compare->result.models.size()));
}

std::vector<ScalingSeries> Jobs::Sweep(const scenario::Scenario& scenario) {
    DropSweep();
    auto job = std::make_shared<SweepJob>();
    const int cores = std::max(1, scenario.machine.cores);
    const int maxWorkers = std::min(2 * cores, 64);
    // At most 16 points a line: big machines sample the worker counts.
    const int stride = std::max(1, (maxWorkers + 15) / 16);
    for (scenario::ModelKind kind :
         {scenario::ModelKind::Threads, scenario::ModelKind::Processes, scenario::ModelKind::FreeThreaded}) {
        ScalingSeries series;
        series.model = kind;
        for (int w = 1; w <= maxWorkers; w += stride) series.workers.push_back(w);
        if (series.workers.back() != maxWorkers) series.workers.push_back(maxWorkers);
        series.makespan.assign(series.workers.size(), -1);
        job->series.push_back(std::move(series));
    }
    for (size_t s = 0; s < job->series.size(); ++s) {
        job->offset.push_back(size_t(job->total));
        job->total += int(job->series[s].workers.size());
    }
    job->slots.reset(new std::atomic<int64_t>[size_t(job->total)]);
    for (int i = 0; i < job->total; ++i) job->slots[size_t(i)] = -1;
    m_sweep = job;
    // One job per point, so the single-threaded build computes the sweep a few points per frame.
    for (size_t s = 0; s < job->series.size(); ++s) {
        for (size_t i = 0; i < job->series[s].workers.size(); ++i) {
            scenario::Scenario variant = scenario;
            variant.model.kind = job->series[s].model;
            variant.model.workers = job->series[s].workers[i];
            // Each point in slices, created when it starts (a run holds its world's memory).
            auto run = std::make_shared<std::unique_ptr<models::SimulationRun>>();
            m_executor->SubmitSliced([job, s, i, run, variant = std::move(variant), timeLimit = m_timeLimitSeconds] {
                if (job->cancel) return true;
                if (!*run) {
                    models::SimulationOptions options = BoundedOptions(timeLimit);
                    options.computeSequentialBaseline = false;
                    options.cancel = &job->cancel;
                    *run = std::make_unique<models::SimulationRun>(variant, options);
                }
                if (!(*run)->Advance(kSliceEvents)) return false;
                models::SimulationResult result = (*run)->TakeResult();
                run->reset();
                job->slots[job->offset[s] + i].store(result.ok ? result.trace.metrics.makespan : -2,
                                                     std::memory_order_relaxed);
                job->finished.fetch_add(1, std::memory_order_release);
                return true;
            });
        }
    }
    return job->series;
}

void Jobs::DropSweep() {
    if (m_sweep) m_sweep->cancel = true;
    m_sweep.reset();
}

float Jobs::SweepProgress() const {
    return m_sweep ? float(m_sweep->finished.load()) / float(std::max(1, m_sweep->total)) : 0.0f;
}

// [SECTION] Real runs and trace files

bool Jobs::RunForReal(const scenario::Scenario& scenario, int kind, const RunForRealFn& run) {
    if (!run || m_real) return false;
    auto job = std::make_shared<RealJob>();
    job->scenario = scenario;
    job->kind = kind;
    m_real = job;
    m_executor->Submit([job, run] {
        if (!job->cancel) {
            job->outcome = run(job->scenario, job->kind, &job->progress, &job->cancel);
        } else {
            job->outcome.error = "cancelled";
        }
        job->done.store(true, std::memory_order_release);
    });
    return true;
}

void Jobs::CancelRealRun() {
    if (m_real) m_real->cancel = true;
}

void Jobs::DropRealRun() {
    CancelRealRun();
    m_real.reset();
}

float Jobs::RealRunProgress() const { return m_real ? m_real->progress.load() : 0.0f; }

void Jobs::Read(std::string title, std::string text) {
    auto job = std::make_shared<ReadJob>(std::move(text));
    job->read.title = std::move(title);
    m_reads.push_back(job);
    // In steps (TraceFileReader): the single-threaded build draws frames while a large file is read.
    m_executor->SubmitSliced([job] {
        const bool read = job->reader.Step();
        job->progress.store(float(job->reader.Progress()), std::memory_order_relaxed);
        if (job->reader.TextRead() && !job->text.empty()) std::string().swap(job->text);
        if (!read) return false;
        FinishedRead& out = job->read;
        out.ok = job->reader.Ok();
        out.error = job->reader.Error();
        if (out.ok) out.trace = job->reader.TakeTrace();
        if (out.ok && out.trace.spans.empty() && out.trace.instants.empty()) {
            out.ok = false;
            out.error = "it holds no spans: nothing to draw";
        }
        // A Chrome trace from another tool carries no metrics: the makespan is where its last span ends.
        if (out.ok && out.trace.metrics.makespan <= 0) trace::ComputeMetrics(out.trace);
        if (out.ok && !out.trace.IsFinished()) out.trace.Finish();
        job->done.store(true, std::memory_order_release);
        return true;
    });
}

double Jobs::ReadingProgress() const {
    if (m_reads.empty()) return 0;
    double progress = 0;
    for (const auto& job : m_reads) progress += job->progress.load(std::memory_order_relaxed);
    return progress / double(m_reads.size());
}

// [SECTION] Polling

bool Jobs::Busy() const {
    return m_executor->Pending() > 0 || m_run || m_pinned || m_compare || m_real || !m_reads.empty();
}

Jobs::Finished Jobs::Poll(std::vector<ScalingSeries>& scaling) {
    Finished out;
    const auto pumpStart = std::chrono::steady_clock::now();
    const bool working = !m_executor->Threaded() && m_executor->Pending() > 0;
    // The rest of the last frame (since the last work ended): a slow frame leaves work a longer turn.
    const double restOfLastFrameMs =
        m_workEnded ? std::chrono::duration<double, std::milli>(pumpStart - m_lastWorkEnd).count() : 0.0;
    m_executor->Pump(FrameWorkBudgetMs(restOfLastFrameMs));
    m_lastWorkEnd = std::chrono::steady_clock::now();
    m_workEnded = true;
    if (working) RecordWork(MsSince(pumpStart));
    if (m_run && m_run->done.load(std::memory_order_acquire)) {
        auto job = std::move(m_run);
        if (!job->cancel) out.run = FinishedRun{std::move(job->scenario), std::move(job->result)};
    }
    if (m_pinned && m_pinned->done.load(std::memory_order_acquire)) {
        auto job = std::move(m_pinned);
        if (!job->cancel) out.pinned = FinishedRun{std::move(job->scenario), std::move(job->result)};
    }
    if (m_compare && m_compare->done.load(std::memory_order_acquire)) {
        auto job = std::move(m_compare);
        if (!job->cancel) out.comparison = std::move(job->result);
    }
    if (m_sweep) {
        // Copy the finished points (each job writes only its own slot, then bumps `finished`).
        const int finished = m_sweep->finished.load(std::memory_order_acquire);
        for (size_t s = 0; s < scaling.size() && s < m_sweep->series.size(); ++s)
            for (size_t i = 0; i < scaling[s].makespan.size() && i < m_sweep->series[s].makespan.size(); ++i)
                scaling[s].makespan[i] = m_sweep->slots[m_sweep->offset[s] + i].load(std::memory_order_relaxed);
        if (finished >= m_sweep->total) {
            m_sweep.reset();
            out.sweepEnded = true;
        }
    }
    if (m_real && m_real->done.load(std::memory_order_acquire)) {
        auto job = std::move(m_real);
        out.real = FinishedReal{job->kind, std::move(job->outcome)};
    }
    for (size_t i = 0; i < m_reads.size();) {
        if (!m_reads[i]->done.load(std::memory_order_acquire)) {
            ++i;
            continue;
        }
        out.reads.push_back(std::move(m_reads[i]->read));
        m_reads.erase(m_reads.begin() + std::ptrdiff_t(i));
    }
    return out;
}

}  // namespace interleave::ui
