// The generated explanation of a run. See explain.h.
#include "ui/explain.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include "plan/plan.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

using scenario::ModelKind;
using scenario::StepKind;

namespace {

struct WorkSums {
    double cpu = 0, ccall = 0, io = 0, blocking = 0;
    int64_t sendBytes = 0;
};

void AddSteps(const std::vector<scenario::Step>& steps, double times, WorkSums& w) {
    for (const auto& step : steps) {
        {
            if (step.kind == StepKind::Repeat) {
                AddSteps(step.body, times * step.repeat, w);
                continue;
            }
            const double d = double(step.duration) * times;
            switch (step.kind) {
                case StepKind::Cpu: w.cpu += d; break;
                case StepKind::CCall: w.ccall += d; break;
                case StepKind::Io:
                case StepKind::Await: w.io += d; break;
                case StepKind::BlockingCall: w.blocking += d; w.io += d; break;
                case StepKind::ToThread:
                    (step.inner == StepKind::Cpu ? w.cpu : step.inner == StepKind::CCall ? w.ccall : w.io) += d;
                    break;
                case StepKind::Send:
                case StepKind::Return: w.sendBytes += int64_t(double(step.bytes) * times); break;
                default: break;
            }
        }
    }
}

WorkSums Sum(const scenario::Scenario& s) {
    WorkSums w;
    for (const auto& g : s.groups) AddSteps(g.steps, g.count, w);
    return w;
}

std::string Printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* fmt, ...) {
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

// The processes or threads that run the tasks, as the plan starts them (a pool of 8 threads for 3 tasks starts 3).
int Workers(const scenario::Scenario& s) {
    const int workers = plan::MakePlan(s).WorkerCount();
    return workers > 0 ? workers : 1;
}

}  // namespace

WorkloadKind ClassifyWorkload(const scenario::Scenario& s) {
    const WorkSums w = Sum(s);
    const double total = w.cpu + w.ccall + w.io;
    if (total <= 0) return WorkloadKind::Empty;
    if (w.cpu >= 0.7 * total) return WorkloadKind::CpuBound;
    if (w.io >= 0.7 * total) return WorkloadKind::IoBound;
    if (w.ccall >= 0.7 * total) return WorkloadKind::CCallBound;
    return WorkloadKind::Mixed;
}

const char* WorkloadAdjective(WorkloadKind kind) {
    switch (kind) {
        case WorkloadKind::CpuBound: return "CPU-bound";
        case WorkloadKind::IoBound: return "I/O-bound";
        case WorkloadKind::CCallBound: return "C-call-bound";
        case WorkloadKind::Mixed: return "mixed";
        default: return "empty";
    }
}

std::string Explain(const scenario::Scenario& s, const trace::Trace& trace) {
    const auto& m = trace.metrics;
    const auto tasks = s.TaskCount();
    const WorkloadKind kind = ClassifyWorkload(s);
    const WorkSums w = Sum(s);
    const int workers = Workers(s);
    const std::string took = FormatTime(double(m.makespan));
    const double speedup = m.speedup > 0 ? m.speedup
                           : (m.sequentialMakespan > 0 && m.makespan > 0 ? double(m.sequentialMakespan) / double(m.makespan) : 0);
    std::string head;
    const char* noun = tasks == 1 ? "task" : "tasks";
    switch (s.model.kind) {
        case ModelKind::Sequential:
            head = Printf("%lld %s %s ran one after another in %s", (long long)tasks, WorkloadAdjective(kind), noun, took.c_str());
            break;
        case ModelKind::Threads:
        case ModelKind::FreeThreaded:
            head = Printf("%lld %s %s on %d %sthread%s took %s", (long long)tasks, WorkloadAdjective(kind), noun, workers,
                          s.model.kind == ModelKind::FreeThreaded ? "free-threaded " : "", workers == 1 ? "" : "s", took.c_str());
            break;
        case ModelKind::Processes:
            head = Printf("%lld %s %s on %d worker process%s took %s", (long long)tasks, WorkloadAdjective(kind), noun, workers,
                          workers == 1 ? "" : "es", took.c_str());
            break;
        case ModelKind::Asyncio:
            head = Printf("%lld %s %s on one event loop took %s", (long long)tasks, WorkloadAdjective(kind), noun, took.c_str());
            break;
        case ModelKind::ProcessAsyncio:
            head = Printf("%lld %s %s on %d processes with an event loop each took %s", (long long)tasks, WorkloadAdjective(kind),
                          noun, workers, took.c_str());
            break;
    }
    if (speedup > 0) head += Printf(", %.2fx sequential", speedup);

    std::string why;
    switch (s.model.kind) {
        case ModelKind::Sequential:
            why = "nothing overlaps, so the time is the sum of every step.";
            break;
        case ModelKind::Threads:
            if (kind == WorkloadKind::CpuBound || w.cpu > 0.3 * (w.cpu + w.io + w.ccall)) {
                why = Printf("only the thread holding the GIL runs Python; the others waited %s for it in total (%lld hand-offs, %lld drop requests).",
                             FormatTime(double(m.gilWait)).c_str(), (long long)m.gilSwitches, (long long)m.dropRequests);
            } else {
                why = Printf("blocking I/O and C calls release the GIL, so threads overlap their waits; GIL waits came to %s in total.",
                             FormatTime(double(m.gilWait)).c_str());
            }
            break;
        case ModelKind::FreeThreaded:
            why = Printf("without a GIL, threads run Python on %d cores at once, each about %.0f%% slower than with the GIL.",
                         s.machine.cores, (s.model.freeThreadedSlowdown - 1) * 100);
            break;
        case ModelKind::Processes:
        case ModelKind::ProcessAsyncio:
            why = Printf("each process has its own GIL and runs on its own core (%d cores); starting processes cost %s and pickling %s.",
                         s.machine.cores, FormatTime(double(m.processStart)).c_str(),
                         FormatTime(double(m.pickling + m.unpickling)).c_str());
            break;
        case ModelKind::Asyncio:
            if (w.blocking > 0) {
                why = Printf("awaits overlap the waits, but blocking calls stalled the whole loop for %s; the loop itself cost %s.",
                             FormatTime(w.blocking).c_str(), FormatTime(double(m.loopOverhead)).c_str());
            } else if (kind == WorkloadKind::CpuBound) {
                why = "one loop runs one coroutine at a time on one thread: CPU work does not overlap at all.";
            } else {
                why = Printf("while one task awaits I/O the loop runs the next, so the waits overlap; the loop itself cost %s.",
                             FormatTime(double(m.loopOverhead)).c_str());
            }
            break;
    }
    std::string text = head + ": " + why;
    if (m.cpuUtilisation > 0) text += Printf(" CPU utilisation %.0f%% of %d cores.", m.cpuUtilisation * 100, s.machine.cores);
    if (m.tasksFailed > 0 || m.tasksCancelled > 0)
        text += Printf(" %lld task(s) failed and %lld were cancelled.", (long long)m.tasksFailed, (long long)m.tasksCancelled);
    return text;
}

}  // namespace interleave::ui
