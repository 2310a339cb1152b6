// The generated explanation of a run. See explain.h.
#include "ui/explain.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "scenario/model_info.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

using scenario::StepKind;

namespace {

struct WorkSums {
    double cpu = 0, ccall = 0, io = 0, blocking = 0;
    int64_t sendBytes = 0;
    int64_t objectBytes = 0;  // of sendBytes, what crosses as an object graph ("payload": "objects")
};

// A task's work, with the work of the children it starts (whose steps are the task's work as much as its own).
void AddSteps(const scenario::Scenario& s, const std::vector<scenario::Step>& steps, double times, WorkSums& w) {
    scenario::TimeNs previousIo = 0;  // the latest io step's duration: a reply counts from that call's start
    for (const auto& step : steps) {
        {
            if (step.kind == StepKind::Repeat) {
                AddSteps(s, step.body, times * step.repeat, w);
                continue;
            }
            if (step.kind == StepKind::Children && step.children >= 0 && size_t(step.children) < s.children.size()) {
                const scenario::ChildGroup& child = s.children[size_t(step.children)];
                AddSteps(s, child.steps, times * child.count, w);
                continue;
            }
            double d = double(step.duration) * times;
            if (step.kind == StepKind::Io) {
                // Alone, this call begins as the previous one (begun at 0) returns: its time counts toward the reply.
                d = double(plan::CallLasts(previousIo, step.duration, plan::ReplyArrives(step.replyAfter, 0))) * times;
                previousIo = step.duration;
            }
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
                case StepKind::Return: {
                    const auto bytes = int64_t(double(step.bytes) * times);
                    w.sendBytes += bytes;
                    if (step.payload == scenario::PayloadKind::Objects) w.objectBytes += bytes;
                    break;
                }
                // `counter += 1` and a queue or event call are Python code: what they cost is CPU time.
                case StepKind::Increment: w.cpu += double(s.machine.profile.counterIncrement) * times; break;
                case StepKind::Put:
                case StepKind::Get:
                case StepKind::Set:
                case StepKind::Wait:
                    w.cpu += double(plan::ChannelCallCpu(s, step.kind, step.name)) * times;
                    break;
                default: break;
            }
        }
    }
}

WorkSums Sum(const scenario::Scenario& s) {
    WorkSums w;
    for (const auto& g : s.groups) AddSteps(s, g.steps, g.count, w);
    return w;
}

WorkloadKind Classify(const WorkSums& w) {
    const double total = w.cpu + w.ccall + w.io;
    if (total <= 0) return WorkloadKind::Empty;
    if (w.cpu >= 0.7 * total) return WorkloadKind::CpuBound;
    if (w.io >= 0.7 * total) return WorkloadKind::IoBound;
    if (w.ccall >= 0.7 * total) return WorkloadKind::CCallBound;
    return WorkloadKind::Mixed;
}

// What one task of a group spends its time on: every task of a group runs the same steps.
WorkloadKind ClassifyGroup(const scenario::Scenario& s, const scenario::TaskGroup& group) {
    WorkSums w;
    AddSteps(s, group.steps, 1, w);
    return Classify(w);
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

// "8 CPU-bound tasks", "1 CPU-bound and 1 I/O-bound task": each group's tasks counted by what one of them
// spends its time on, so a CPU-bound thread beside an I/O-bound one is not called two CPU-bound tasks.
std::string DescribeTasks(const scenario::Scenario& s) {
    constexpr std::array kOrder = {WorkloadKind::CpuBound, WorkloadKind::IoBound, WorkloadKind::CCallBound,
                                   WorkloadKind::Mixed, WorkloadKind::Empty};
    std::array<int64_t, kOrder.size()> counts{};
    for (const auto& group : s.groups) {
        const WorkloadKind kind = ClassifyGroup(s, group);
        for (size_t i = 0; i < kOrder.size(); ++i)
            if (kOrder[i] == kind) counts[i] += std::max<int64_t>(group.count, 0);
    }
    std::vector<std::string> parts;
    int64_t last = 0;
    for (size_t i = 0; i < kOrder.size(); ++i) {
        if (counts[i] == 0) continue;
        parts.push_back(Printf("%lld %s", (long long)counts[i], WorkloadAdjective(kOrder[i])));
        last = counts[i];
    }
    if (parts.empty()) return "0 tasks";
    std::string text;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) text.append(i + 1 == parts.size() ? " and " : ", ");
        text.append(parts[i]);
    }
    text.append(last == 1 ? " task" : " tasks");
    // Children are counted apart: the kinds above include their work, and "40 tasks" would hide who started whom.
    int64_t children = 0;
    for (const auto& group : s.groups) children += int64_t(group.count) * scenario::CountDescendants(s, group.steps).tasks;
    if (children > 0) text.append(Printf(" (with the %lld %s they start)", (long long)children, children == 1 ? "child" : "children"));
    return text;
}

// The convoy effect as the trace measured it: an I/O-bound thread's round trip (its I/O and the Python around
// it) stretched by waits for the GIL, which another thread holds for up to a switch interval. Empty unless the
// run has a GIL shared by threads and the I/O-bound tasks' round trips took at least twice their own work.
std::string IoRoundTrips(const scenario::Scenario& s, const trace::Trace& trace, const trace::Span** longestWaitSpan = nullptr) {
    if (longestWaitSpan) *longestWaitSpan = nullptr;
    if (const scenario::ModelInfo& model = scenario::Info(s.model.kind); !model.threads || !model.gil) return {};
    const plan::Plan plan = plan::MakePlan(s);
    const size_t taskCount = std::min<size_t>(trace.tasks.size(), size_t(std::max<int64_t>(s.TaskCount(), 0)));
    std::vector<bool> ioBound(taskCount, false);
    int64_t ioTasks = 0;
    trace::TaskId onlyTask = trace::TaskId::None();
    trace::TimeNs elapsed = 0;  // summed over the I/O-bound tasks, from start to finish
    for (size_t task = 0; task < taskCount; ++task) {
        const int32_t group = plan.GroupOf(int32_t(task));
        if (group < 0 || size_t(group) >= s.groups.size()) continue;
        if (ClassifyGroup(s, s.groups[size_t(group)]) != WorkloadKind::IoBound) continue;
        const trace::TaskRecord& record = trace.tasks[task];
        if (record.started < 0 || record.finished < record.started) continue;
        ioBound[task] = true;
        ++ioTasks;
        onlyTask = trace::TaskId(task);
        elapsed = trace::SaturatingAdd(elapsed, trace::SaturatingSub(record.finished, record.started));
    }
    if (ioTasks == 0) return {};
    // Their spans on the threads that ran them (core and GIL lanes show the same time again).
    int64_t ioCalls = 0;
    trace::TimeNs io = 0, python = 0, gilWait = 0, longestGilWait = 0;
    const trace::Span* longest = nullptr;
    for (const trace::Span& span : trace.spans) {
        if (!span.task.Valid() || span.task.Index() >= taskCount || !ioBound[span.task.Index()]) continue;
        if (!span.track.Valid() || span.track.Index() >= trace.tracks.size() ||
            trace.tracks[span.track.Index()].kind != trace::TrackKind::Thread)
            continue;
        const trace::TimeNs length = trace::SaturatingSub(span.end, span.start);
        switch (span.state) {
            case trace::SpanState::BlockedIo:
                ++ioCalls;
                io = trace::SaturatingAdd(io, length);
                break;
            case trace::SpanState::RunningPython:
            case trace::SpanState::RunningC: python = trace::SaturatingAdd(python, length); break;
            case trace::SpanState::WaitingGil:
                gilWait = trace::SaturatingAdd(gilWait, length);
                if (length > longestGilWait) {
                    longestGilWait = length;
                    longest = &span;
                }
                break;
            default: break;
        }
    }
    if (ioCalls == 0 || gilWait <= 0) return {};
    const double calls = double(ioCalls);
    const double ownWork = (double(io) + double(python)) / calls;
    const double roundTrip = double(elapsed) / calls;
    if (ownWork <= 0 || roundTrip < 2 * ownWork) return {};
    if (longestWaitSpan) *longestWaitSpan = longest;
    std::string text = ioTasks == 1 ? Printf("The I/O-bound task %s", trace.tasks[onlyTask.Index()].name.c_str())
                                    : Printf("The %lld I/O-bound tasks", (long long)ioTasks);
    text.append(
        Printf(" made %lld I/O calls; a round trip needs %s (%s of I/O and %s of Python) but took %s on "
               "average, %.0fx as long, because %s waited for the GIL to run again: %s in all, up to %s at a "
               "time (the switch interval is %s).",
               (long long)ioCalls, FormatTime(ownWork).c_str(), FormatTime(double(io) / calls).c_str(),
               FormatTime(double(python) / calls).c_str(), FormatTime(roundTrip).c_str(), roundTrip / ownWork,
               ioTasks == 1 ? "its thread" : "their threads", FormatTime(double(gilWait)).c_str(),
               FormatTime(double(longestGilWait)).c_str(),
               FormatTime(double(s.machine.profile.switchInterval)).c_str()));
    return text;
}

// The processes or threads that run the tasks, as the plan starts them (a pool of 8 threads for 3 tasks starts 3).
int Workers(const scenario::Scenario& s) {
    const int workers = plan::MakePlan(s).WorkerCount();
    return workers > 0 ? workers : 1;
}

// Where tasks waited for each other (a get on an empty queue, a put on a full one, an event not yet set), from the
// trace's waiting_queue spans: per group, the time its tasks spent there. Empty when no task waited.
std::string QueueWaits(const scenario::Scenario& s, const trace::Trace& trace) {
    if (!s.UsesChannels()) return {};
    const plan::Plan plan = plan::MakePlan(s);
    std::vector<double> waited(s.groups.size(), 0);
    for (const trace::Span& span : trace.spans) {
        if (span.state != trace::SpanState::WaitingQueue || !span.task.Valid() || span.task.value >= plan.taskCount)
            continue;
        const int32_t group = plan.GroupOf(span.task.value);
        if (group >= 0 && size_t(group) < waited.size()) waited[size_t(group)] += double(span.end - span.start);
    }
    std::string parts;
    for (size_t g = 0; g < waited.size(); ++g) {
        if (waited[g] <= 0) continue;
        if (!parts.empty()) parts += ", ";
        parts += Printf("%s %s", s.groups[g].name.c_str(), FormatTime(waited[g]).c_str());
    }
    if (parts.empty()) return {};
    // What they waited on, as the plan makes it: between processes, multiprocessing queues and pipes.
    bool queues = false, pipes = false;
    const std::vector<uint8_t> uses = scenario::NameUses(s);
    for (size_t n = 0; n < uses.size(); ++n) {
        if (!scenario::UsedAs(uses[n], scenario::NameKind::Queue)) continue;
        (plan::IsProcessPipe(s, int32_t(n)) ? pipes : queues) = true;
    }
    const char* where = "queues and events (a get on an empty queue, a put on a full one)";
    if (plan.processQueues && pipes && queues)
        where = "multiprocessing queues and pipes (a get or recv with nothing to take, a put on a full queue)";
    else if (plan.processQueues && pipes)
        where = "a multiprocessing.Pipe (a recv with nothing in the pipe, a send into a full one)";
    else if (plan.processQueues)
        where = "multiprocessing queues (a get on an empty queue, a put on a full one)";
    return std::string("Tasks waited for each other on ").append(where).append(", without the GIL: ")
        .append(parts)
        .append(" in all.");
}

}  // namespace

std::string FormatShare(double fraction) {
    if (!std::isfinite(fraction) || fraction <= 0) return "0%";
    const double percent = 100 * fraction;
    if (percent < 0.05) return "<0.1%";
    return percent < 10 ? Printf("%.1f%%", percent) : Printf("%.0f%%", percent);
}

WorkloadKind ClassifyWorkload(const scenario::Scenario& s) { return Classify(Sum(s)); }

const char* WorkloadAdjective(WorkloadKind kind) {
    switch (kind) {
        case WorkloadKind::CpuBound: return "CPU-bound";
        case WorkloadKind::IoBound: return "I/O-bound";
        case WorkloadKind::CCallBound: return "C-call-bound";
        case WorkloadKind::Mixed: return "mixed";
        default: return "empty";
    }
}

namespace {

// A pool's own costs, as sums over every lane (the parent's and the workers' run side by side, so a sum can exceed
// the makespan) and as shares of the CPU time the run used: what tells a reader whether the pool pays for itself.
// What the sends and returns carried, by payload kind: an object graph pickles object by object, many times slower per
// byte than bytes (MachineProfile's two throughputs), so the reader needs to know which it was.
std::string WhatCrossed(const WorkSums& w) {
    const int64_t bytes = w.sendBytes - w.objectBytes;
    if (w.objectBytes == 0 && bytes == 0) return "what crossed";
    if (w.objectBytes == 0) return "what crossed (" + scenario::FormatBytes(bytes) + " of bytes)";
    if (bytes == 0)
        return "what crossed (" + scenario::FormatBytes(w.objectBytes) + " of object graphs, pickled object by object)";
    return "what crossed (" + scenario::FormatBytes(bytes) + " of bytes and " + scenario::FormatBytes(w.objectBytes) +
           " of object graphs, pickled object by object)";
}

std::string PoolCosts(const trace::Trace& trace, const char* started, const std::string& crossed) {
    const auto& m = trace.metrics;
    double cpu = 0;  // on the cores' lanes (each moment a core works, once): running Python or C, pickling, starting
    for (const trace::Span& span : trace.spans) {
        if (!span.track.Valid() || span.track.Index() >= trace.tracks.size() ||
            trace.tracks[span.track.Index()].kind != trace::TrackKind::Core)
            continue;
        switch (span.state) {
            case trace::SpanState::RunningPython:
            case trace::SpanState::RunningC:
            case trace::SpanState::Pickling:
            case trace::SpanState::Unpickling:
            case trace::SpanState::StartingProcess: cpu += double(span.end - span.start); break;
            default: break;
        }
    }
    const double start = double(m.processStart), pickle = double(m.pickling + m.unpickling);
    std::string out = Printf("starting %s cost %s and pickling and unpickling %s %s, summed over every process",
                             started, FormatTime(start).c_str(), crossed.c_str(), FormatTime(pickle).c_str());
    if (cpu > 0)
        out += ": " + FormatShare(start / cpu) + " and " + FormatShare(pickle / cpu) + " of the " + FormatTime(cpu) +
               " of CPU time the run used";
    return out + ".";
}

// Who ran the program's main module again, as the plan decided and the timeline draws it (Python after a process's
// start, outside any task): each spawned or (3.11, 3.12) forkserver worker, or the fork server once. No figure: a run
// that waited for a core is split on the timeline, and the text quotes only what the trace shows. Empty where nobody
// ran it.
std::string MainModuleText(const scenario::Scenario& s) {
    const plan::MainModuleRuns run = plan::MainModuleRun(s);
    const bool forkserver = s.model.startMethod == scenario::StartMethod::Forkserver;
    const char* what = s.mainImports > 0 ? "runpy's own part and the program's imports" : "runpy's own part";
    if (run.eachWorker > 0) {
        std::string out = Printf(" Each %s worker ran the program's main module again before its first task (the "
                                 "Python after its start: %s)", forkserver ? "forkserver" : "spawned", what);
        if (forkserver)
            out += ", since " + scenario::PythonVersionName(scenario::RunPython(s)) +
                   "'s fork server does not preload it (later releases do)";
        return out + ".";
    }
    if (run.forkServer > 0)
        return Printf(" The fork server ran the program's main module once, before its first fork (the Python after "
                      "its start: %s), so its workers start without it.", what);
    return "";
}

}  // namespace

std::string Explain(const scenario::Scenario& s, const trace::Trace& trace) {
    const auto& m = trace.metrics;
    const WorkloadKind kind = ClassifyWorkload(s);
    const WorkSums w = Sum(s);
    const int workers = Workers(s);
    const std::string took = FormatTime(double(m.makespan));
    const double speedup = m.speedup > 0 ? m.speedup
                           : (m.sequentialMakespan > 0 && m.makespan > 0 ? double(m.sequentialMakespan) / double(m.makespan) : 0);
    const std::string tasksText = DescribeTasks(s);
    const scenario::ModelInfo& model = scenario::Info(s.model.kind);
    scenario::ModelTextValues values;
    values.what = tasksText;
    values.took = took;
    values.n = workers;
    values.build = scenario::RunsFreeThreaded(s) ? "free-threaded " : "";
    std::string head = scenario::FillModelText(model.headline, values);
    if (speedup > 0) head += ", " + scenario::FormatRatio(speedup) + " sequential";

    // What the tasks ran on decides what explains the time: a pool's start and pickling, threads and the GIL, one
    // loop's stalls, or tasks taking turns.
    std::string why;
    if (model.interpreterPool) {
        why = Printf("each interpreter has its own GIL, so their threads run Python on %d cores at once; ", s.machine.cores) +
              PoolCosts(trace, "the interpreters", WhatCrossed(w));
    } else if (model.processPool) {
        // More workers than cores take turns on them (the timeline shows them waiting for a core): only up to the
        // cores does each process get one of its own.
        why = (workers > s.machine.cores
                   ? Printf("each process has its own GIL, and the %d processes take turns on %d cores; ", workers,
                            s.machine.cores)
                   : Printf("each process has its own GIL and runs on its own core (%d cores); ", s.machine.cores)) +
              PoolCosts(trace, "processes", WhatCrossed(w)) + MainModuleText(s);
    } else if (model.threads && !model.gil) {
        why = Printf("without a GIL, threads run Python on %d cores at once, each about %.0f%% slower than with the GIL.",
                     s.machine.cores, (scenario::PythonCpuScale(s) - 1) * 100);
    } else if (model.threads) {
        if (scenario::RunsFreeThreaded(s)) {
            why = Printf("on a free-threaded build there is no GIL: threads run Python on %d cores at once, each about %.0f%% slower than with the GIL.",
                         s.machine.cores, (scenario::PythonCpuScale(s) - 1) * 100);
        } else if (kind == WorkloadKind::CpuBound || w.cpu > 0.3 * (w.cpu + w.io + w.ccall)) {
            why = Printf("only the thread holding the GIL runs Python; the others waited %s for it in total (%lld hand-offs, %lld drop requests).",
                         FormatTime(double(m.gilWait)).c_str(), (long long)m.gilSwitches, (long long)m.dropRequests);
        } else {
            why = Printf("blocking I/O and C calls release the GIL, so threads overlap their waits; GIL waits came to %s in total.",
                         FormatTime(double(m.gilWait)).c_str());
        }
    } else if (model.eventLoop) {
        if (w.blocking > 0) {
            why = Printf("awaits overlap the waits, but blocking calls stalled the whole loop for %s; the loop itself cost %s.",
                         FormatTime(w.blocking).c_str(), FormatTime(double(m.loopOverhead)).c_str());
        } else if (kind == WorkloadKind::CpuBound) {
            why = "one loop runs one coroutine at a time on one thread: CPU work does not overlap at all.";
        } else {
            why = Printf("while one task awaits I/O the loop runs the next, so the waits overlap; the loop itself cost %s.",
                         FormatTime(double(m.loopOverhead)).c_str());
        }
    } else {
        // The tasks take turns, but children a task starts (threads, an executor, an event loop of their own) run
        // side by side: then the time is not the sum of the steps, and saying so would contradict the timeline.
        double childrenTime = 0;  // each child's start to end, summed (children follow the top-level tasks)
        int64_t children = 0;
        for (size_t t = size_t(s.TaskCount()); t < trace.tasks.size(); ++t) {
            const trace::TaskRecord& child = trace.tasks[t];
            if (child.started < 0 || child.finished < child.started) continue;
            childrenTime += double(child.finished - child.started);
            ++children;
        }
        if (children > 1 && double(m.makespan) < 0.95 * childrenTime)
            why = Printf("the tasks took turns, but the children they start overlapped: %lld children ran %s between "
                         "them.",
                         (long long)children, FormatTime(childrenTime).c_str());
        else
            why = "nothing overlaps, so the time is the sum of every step.";
    }
    std::string text = head;
    text.append(": ").append(why);
    const std::string convoy = IoRoundTrips(s, trace);
    if (!convoy.empty()) text.append(" ").append(convoy);
    const std::string queues = QueueWaits(s, trace);
    if (!queues.empty()) text.append(" ").append(queues);
    if (m.cpuUtilisation > 0)
        text += Printf(" CPU utilisation %s of %d cores.", FormatShare(m.cpuUtilisation).c_str(), s.machine.cores);
    if (m.tasksFailed > 0 || m.tasksCancelled > 0)
        text += Printf(" %lld task(s) failed and %lld were cancelled.", (long long)m.tasksFailed, (long long)m.tasksCancelled);
    return text;
}

namespace {

bool OnTrackOfKind(const trace::Trace& trace, const trace::Span& span, trace::TrackKind kind) {
    return span.track.Valid() && span.track.Index() < trace.tracks.size() &&
           trace.tracks[span.track.Index()].kind == kind;
}

// The longest span that `keep` accepts (the first of equals); null if none.
template <typename Keep>
const trace::Span* LongestSpan(const trace::Trace& trace, Keep keep) {
    const trace::Span* longest = nullptr;
    for (const trace::Span& span : trace.spans)
        if (span.end > span.start && keep(span) && (!longest || span.end - span.start > longest->end - longest->start))
            longest = &span;
    return longest;
}

void AddMoment(std::vector<ExplainMoment>& out, const trace::Trace& trace, const trace::Span* span, const char* what) {
    if (!span) return;
    ExplainMoment moment;
    moment.start = span->start;
    moment.end = span->end;
    moment.track = span->track;
    moment.label = Printf("%s, %s", what, FormatTime(double(span->end - span->start)).c_str());
    if (span->track.Valid() && span->track.Index() < trace.tracks.size())
        moment.label.append(" (").append(trace.tracks[span->track.Index()].name).append(")");
    // Two claims on the same span (the convoy's I/O thread may wait longest of all): one button, named by the later,
    // more particular claim.
    for (ExplainMoment& earlier : out) {
        if (earlier.track == moment.track && earlier.start == moment.start && earlier.end == moment.end) {
            earlier.label = std::move(moment.label);
            return;
        }
    }
    out.push_back(std::move(moment));
}

}  // namespace

std::vector<ExplainMoment> ExplainMoments(const scenario::Scenario& s, const trace::Trace& trace) {
    std::vector<ExplainMoment> moments;
    const auto& m = trace.metrics;
    const auto threadSpan = [&](trace::SpanState state) {
        return [&trace, state](const trace::Span& span) {
            return span.state == state && OnTrackOfKind(trace, span, trace::TrackKind::Thread);
        };
    };
    const scenario::ModelInfo& model = scenario::Info(s.model.kind);
    if (!model.workerNoun.empty()) {
        const std::string longestStart = "the longest " + std::string(model.workerNoun) + " start";
        AddMoment(moments, trace,
                  LongestSpan(trace, [](const trace::Span& span) { return span.state == trace::SpanState::StartingProcess; }),
                  longestStart.c_str());
        if (m.pickling + m.unpickling > 0)
            AddMoment(moments, trace, LongestSpan(trace, [](const trace::Span& span) {
                          return span.state == trace::SpanState::Pickling || span.state == trace::SpanState::Unpickling;
                      }),
                      "the longest pickling");
    } else if (model.threads && model.gil) {
        if (!scenario::RunsFreeThreaded(s) && m.gilWait > 0)
            AddMoment(moments, trace, LongestSpan(trace, threadSpan(trace::SpanState::WaitingGil)), "the longest wait for the GIL");
    } else if (model.eventLoop) {
        if (Sum(s).blocking > 0)
            AddMoment(moments, trace, LongestSpan(trace, [&](const trace::Span& span) {
                          return span.state == trace::SpanState::BlockedIo && OnTrackOfKind(trace, span, trace::TrackKind::EventLoop);
                      }),
                      "the loop stalled by a blocking call");
    }
    const trace::Span* convoyWait = nullptr;
    if (!IoRoundTrips(s, trace, &convoyWait).empty()) AddMoment(moments, trace, convoyWait, "an I/O-bound thread's longest wait for the GIL");
    if (!QueueWaits(s, trace).empty())
        AddMoment(moments, trace, LongestSpan(trace, [](const trace::Span& span) { return span.state == trace::SpanState::WaitingQueue; }),
                  "the longest wait on a queue or event");
    return moments;
}

}  // namespace interleave::ui
