#pragma once
// Whether a trace realises a plan (src/plan): the same tasks, on the same workers, in the same order, on lanes with
// the same names. Shared by the simulator's test and the real runners' tests, so the three are judged by one rule.
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/workload.h"
#include "plan/plan.h"
#include "scenario/model_info.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::testing {

// The thread lanes each child task may run on where no worker of the plan runs it (index: task id - taskCount), from
// the plan alone: a coroutine child where its parent runs (and the loop's default executor, "asyncio_k", for its
// to_thread work), a child thread on the lane named after it, an executor's child on any of that executor's threads.
// A top-level task that no worker runs runs on the main thread (or the event loop's).
struct ChildThreadLanes {
    std::vector<std::shared_ptr<const std::set<std::string>>> lanes;
    std::vector<bool> coroutine;
};
inline ChildThreadLanes PlannedChildThreadLanes(const scenario::Scenario& s, const models::Workload& w,
                                                const trace::Trace& t) {
    ChildThreadLanes out;
    const auto children = static_cast<size_t>(w.plan.totalTasks - w.plan.taskCount);
    out.lanes.resize(children);
    out.coroutine.resize(children);
    using Lanes = std::shared_ptr<const std::set<std::string>>;
    const Lanes main = std::make_shared<const std::set<std::string>>(
        std::set<std::string>{std::string(plan::kMainThread), std::string(plan::kEventLoopThread)});
    models::WalkAllDescendants(w, s, [&](int32_t) { return main; },
        [&](const plan::ChildBlock& block, const scenario::ChildGroup& spec, int32_t k, int32_t parent,
            const Lanes& where) {
            const auto index = static_cast<size_t>(block.Task(k) - w.plan.taskCount);
            Lanes lanes = where;
            if (spec.via == scenario::ChildVia::Threads) {
                lanes = std::make_shared<const std::set<std::string>>(
                    std::set<std::string>{t.tasks[static_cast<size_t>(block.Task(k))].name});
            } else if (spec.via == scenario::ChildVia::Executor) {
                std::set<std::string> executor;
                const std::string& parentName = t.tasks[static_cast<size_t>(parent)].name;
                for (int32_t j = 0; j < block.executorThreads; ++j)
                    executor.insert(plan::ChildExecutorThreadName(parentName, spec.name, j));
                lanes = std::make_shared<const std::set<std::string>>(std::move(executor));
            }
            out.lanes[index] = lanes;
            out.coroutine[index] = spec.via == scenario::ChildVia::Gather || spec.via == scenario::ChildVia::TaskGroup;
            return lanes;
        });
    return out;
}

// The first way `t` departs from the plan of `s`, or "" when it realises it.
inline std::string PlanDeparture(const scenario::Scenario& s, const trace::Trace& t) {
    const models::Workload workload = models::BuildWorkload(s);
    const plan::Plan& plan = workload.plan;
    std::ostringstream why;
    if (static_cast<int32_t>(t.tasks.size()) != plan.totalTasks) {
        why << t.tasks.size() << " task records, the plan has " << plan.totalTasks;
        return why.str();
    }
    std::map<std::string, trace::TrackId> byName;
    for (size_t i = 0; i < t.tracks.size(); ++i) byName.emplace(t.tracks[i].name, static_cast<trace::TrackId>(i));

    // The lanes of the processes or threads that run tasks: exactly WorkerCount() of them, named as the plan says.
    // An executor's threads are a maximum (plan.h): those it started are the first ones, named in order.
    std::map<trace::TrackId, int32_t> workerOf;  // track -> worker index
    for (int32_t k = 0; k < plan.WorkerCount(); ++k) {
        const auto it = byName.find(plan.WorkerName(k));
        if (it == byName.end()) {
            if (plan.threadPool && k > 0) {
                for (int32_t later = k + 1; later < plan.WorkerCount(); ++later)
                    if (byName.count(plan.WorkerName(later)))
                        return "a lane named '" + plan.WorkerName(later) + "' but none named '" + plan.WorkerName(k) + "'";
                break;
            }
            return "no lane named '" + plan.WorkerName(k) + "'";
        }
        workerOf[it->second] = k;
    }
    if (plan.WorkerCount() > 0 && byName.count(plan.WorkerName(plan.WorkerCount())))
        return "a lane named '" + plan.WorkerName(plan.WorkerCount()) + "': more workers than the plan's " +
               std::to_string(plan.WorkerCount());
    for (int32_t i = 0; i < plan.totalTasks; ++i) {
        const std::string& group = t.tasks[static_cast<size_t>(i)].name;
        if (group.empty() || group.back() != ']') return "task " + std::to_string(i) + " is named '" + group + "'";
    }

    // Which worker each task ran on: the worker lane its spans lie on (or under: a task's lane under a worker's loop).
    auto workerLane = [&](trace::TrackId track) -> int32_t {
        for (int hops = 0; track != trace::TrackId::None() && hops < 8; ++hops) {
            const auto it = workerOf.find(track);
            if (it != workerOf.end()) return it->second;
            track = t.tracks[track.Index()].parent;
        }
        return -1;
    };
    std::vector<std::set<int32_t>> ranOn(static_cast<size_t>(plan.taskCount));
    for (const trace::Span& span : t.spans)
        if (span.task.Valid() && span.task.value < plan.taskCount && span.track.Valid() &&
            span.track < static_cast<trace::TrackId>(t.tracks.size())) {
            const int32_t worker = workerLane(span.track);
            if (worker >= 0) ranOn[span.task.Index()].insert(worker);
        }
    // A task whose steps take no time leaves no span: its start and end marks say where it ran.
    for (const trace::Instant& mark : t.instants)
        if ((mark.kind == trace::InstantKind::TaskStart || mark.kind == trace::InstantKind::TaskEnd) &&
            mark.task.Valid() && mark.task.value < plan.taskCount && mark.track.Valid() &&
            mark.track < static_cast<trace::TrackId>(t.tracks.size())) {
            const int32_t worker = workerLane(mark.track);
            if (worker >= 0) ranOn[mark.task.Index()].insert(worker);
        }

    if (plan.IsThreads() && !plan.threadPool)
        for (int32_t i = 0; i < plan.taskCount; ++i)
            if (!ranOn[static_cast<size_t>(i)].empty() && ranOn[static_cast<size_t>(i)] != std::set<int32_t>{i}) {
                std::string where;
                for (int32_t k : ranOn[static_cast<size_t>(i)]) where += " '" + plan.WorkerName(k) + "'";
                return "task " + std::to_string(i) + " ran on" + where + ", not on its own thread '" + plan.WorkerName(i) + "'";
            }

    bool anyOnWorkers = false;  // a runner that records no per-task marks (a real run's parent) is judged by spans
    for (const auto& on : ranOn) anyOnWorkers = anyOnWorkers || !on.empty();
    if (plan.IsPool()) {
        int32_t covered = 0;
        for (const plan::TaskRange& chunk : plan.chunks) {
            std::set<int32_t> workers;
            for (int32_t i = chunk.first; i < chunk.End(); ++i)
                workers.insert(ranOn[static_cast<size_t>(i)].begin(), ranOn[static_cast<size_t>(i)].end());
            if (workers.size() > 1 || (workers.empty() && chunk.count > 0 && plan.taskCount > 0 && !anyOnWorkers))
                return "the chunk of tasks " + std::to_string(chunk.first) + ".." + std::to_string(chunk.End() - 1) +
                       " ran on " + std::to_string(workers.size()) + " workers, not one";
            for (int32_t i = chunk.first + 1; i < chunk.End(); ++i)
                if (t.tasks[static_cast<size_t>(i)].started < t.tasks[static_cast<size_t>(i - 1)].started)
                    return "task " + std::to_string(i) + " started before task " + std::to_string(i - 1) +
                           " of the same chunk";
            covered += chunk.count;
        }
        if (covered != plan.taskCount) return "the plan's chunks do not cover every task";
    }

    // Children: every descendant of a task runs where the task ran (a pool item's children in its worker), a child
    // coroutine on a lane named by Plan::CoroutineLaneName, a child thread on a lane named after the child.
    if (plan.totalTasks > plan.taskCount) {
        const ChildThreadLanes childLanes = PlannedChildThreadLanes(s, workload, t);
        std::vector<int32_t> firstDescendant;  // increasing: a child's ancestor is found by binary search
        for (int32_t i = 0; i < plan.taskCount; ++i) firstDescendant.push_back(plan.FirstDescendant(i));
        for (const trace::Span& span : t.spans) {
            if (span.task.value < plan.taskCount || span.task.value >= plan.totalTasks || !span.track.Valid() ||
                span.track >= static_cast<trace::TrackId>(t.tracks.size()))
                continue;
            const auto ancestor =
                static_cast<int32_t>(std::upper_bound(firstDescendant.begin(), firstDescendant.end(), span.task.value) -
                                     firstDescendant.begin() - 1);
            const int32_t worker = workerLane(span.track);
            const auto& ancestorOn = ranOn[static_cast<size_t>(ancestor)];
            if (worker >= 0 && !ancestorOn.empty() && !ancestorOn.count(worker))
                return "task " + std::to_string(span.task.value) + " (a descendant of task " +
                       std::to_string(ancestor) + ") ran on '" + plan.WorkerName(worker) +
                       "', not where its ancestor ran";
            const trace::Track& track = t.tracks[span.track.Index()];
            const std::string& name = t.tasks[span.task.Index()].name;
            if (track.kind == trace::TrackKind::Task && track.name != plan.CoroutineLaneName(span.task.value, name))
                return "child task " + std::to_string(span.task.value) + " ran on the lane '" + track.name +
                       "', not '" + plan.CoroutineLaneName(span.task.value, name) + "'";
            // Where no worker runs it, a child runs on the thread lanes the plan gives it (PlannedChildThreadLanes).
            const auto child = static_cast<size_t>(span.task.value - plan.taskCount);
            if (track.kind == trace::TrackKind::Thread && worker < 0 && !childLanes.lanes[child]->count(track.name) &&
                !(childLanes.coroutine[child] && track.name.rfind("asyncio_", 0) == 0)) {
                std::string planned;
                for (const std::string& lane : *childLanes.lanes[child])
                    planned += (planned.empty() ? "'" : ", '") + lane + "'";
                return "child task " + std::to_string(span.task.value) + " (" + name + ") ran on the thread '" +
                       track.name + "', not on " + planned;
            }
        }
    }

    // Task lanes: one per asyncio task, named and numbered as the plan says; none past the limit.
    int32_t taskLanes = 0;
    for (const trace::Track& track : t.tracks) taskLanes += track.kind == trace::TrackKind::Task;
    if (plan.taskLanes) {
        for (int32_t i = 0; i < plan.taskCount; ++i) {
            const std::string name = plan::TaskLaneName(plan.IndexInLoop(i), t.tasks[static_cast<size_t>(i)].name);
            if (!byName.count(name)) return "no task lane named '" + name + "'";
        }
    } else if (taskLanes > 0 && !plan.childLanes) {
        return std::to_string(taskLanes) + " task lanes where the plan draws none";
    } else if (taskLanes > 0) {
        for (int32_t i = 0; i < plan.taskCount; ++i) {
            const std::string name = plan::TaskLaneName(plan.IndexInLoop(i), t.tasks[static_cast<size_t>(i)].name);
            if (byName.count(name)) return "a task lane '" + name + "' where the plan draws none for the scenario's own tasks";
        }
    }
    return "";
}

// Every model in turn, from the registry: seed % the number of models.
inline scenario::ModelKind RandomScenarioKind(uint32_t seed) {
    const auto models = scenario::Models();
    return models[seed % models.size()].kind;
}

// Half the time, appends to `groups` tasks that talk through a queue, a multiprocessing.Pipe or an event, where the
// model has them (plan::Unsupported), and returns the scenario's "queues" member for it ("" for none). Never a
// deadlock: producers come before their consumers, so every runner starts them first (a pool hands out tasks in
// order), and together they put exactly as many items as the consumers get; a queue is bounded only where every task
// runs at once (a thread or a coroutine each), since a bounded producer that runs before its consumer blocks for
// ever (sequential code, a pool of workers); an event's setter comes before its waiters and never waits itself.
inline std::string AppendRandomChannels(std::mt19937& random, scenario::ModelKind kind, bool workerLimit,
                                        std::string& groups) {
    const scenario::ModelInfo& model = scenario::Info(kind);
    if (model.interpreterPool || (model.processPool && model.eventLoop) || random() % 2 == 0) return "";
    auto cpu = [&] { return R"({"cpu":")" + std::to_string(1 + random() % 3000) + R"(us"})"; };
    auto repeated = [](const std::string& step, uint32_t times) {
        std::string out;
        for (uint32_t i = 0; i < times; ++i) out += (i > 0 ? "," : "") + step;
        return out;
    };
    auto group = [&](const std::string& name, uint32_t count, const std::string& steps) {
        groups += R"(,{"name":")" + name + R"(","count":)" + std::to_string(count) + R"(,"steps":[)" + steps + "]}";
    };
    if (!model.processPool && random() % 3 == 0) {
        group("setter", 1, cpu() + R"(,{"set":"ready"})");
        group("waiter", 1 + random() % 3, R"({"wait":"ready"},)" + cpu());
        return "";
    }
    const bool pipe = model.processPool && random() % 2 == 0;
    const uint32_t producers = 1 + random() % 3, items = 1 + random() % 4;
    // A pipe has one reader (a Connection has no lock); a queue has as many consumers as producers.
    const uint32_t consumers = pipe ? 1 : producers, gets = pipe ? producers * items : items;
    const bool everyTaskAtOnce = (model.threads || model.eventLoop) && !workerLimit;
    const uint32_t maxsize = everyTaskAtOnce && !pipe && random() % 2 ? 1 + random() % 3 : 0;
    group("producer", producers, cpu() + "," + repeated(R"({"put":"q"},)" + cpu(), items));
    group("consumer", consumers, repeated(R"({"get":"q"},)" + cpu(), gets));
    if (pipe) return R"(,"queues":{"q":{"pipe":true}})";
    return maxsize > 0 ? R"(,"queues":{"q":{"maxsize":)" + std::to_string(maxsize) + "}}" : "";
}

// A random valid scenario of the given model (a few groups of a few tasks, every step kind), as JSON.
inline std::string RandomScenarioJson(uint32_t seed, scenario::ModelKind kind, int maxTasksPerGroup = 6) {
    std::mt19937 random(seed);
    // Interpreters share no object: no lock or counter steps there (plan::Unsupported), and the model needs 3.14.
    const bool interpreters = kind == scenario::ModelKind::Interpreters;
    auto duration = [&](int maxUs) { return std::to_string(1 + random() % static_cast<uint32_t>(maxUs)) + "us"; };
    // Payload kinds, queues and events come from a second stream: they were added later, and drawing them from the
    // first would have changed every scenario it made before.
    std::mt19937 channelRandom(seed ^ 0x9e3779b9u);
    auto payload = [&]() -> std::string { return channelRandom() % 2 ? R"(,"payload":"objects")" : ""; };
    std::string groups;
    const int groupCount = 1 + static_cast<int>(random() % 3);
    for (int g = 0; g < groupCount; ++g) {
        std::string steps;
        const int stepCount = 1 + static_cast<int>(random() % 6);
        for (int i = 0; i < stepCount; ++i) {
            if (!steps.empty()) steps += ",";
            switch (random() % 10) {
                case 0: case 1: steps += R"({"cpu":")" + duration(20000) + "\"}"; break;
                case 2: steps += R"({"c_call":")" + duration(10000) + "\"}"; break;
                case 3: steps += R"({"io":")" + duration(20000) + "\"}"; break;
                case 4: steps += R"({"await":")" + duration(20000) + "\"}"; break;
                case 5:
                    if (interpreters) steps += R"({"cpu":")" + duration(3000) + "\"}";
                    else steps += R"({"acquire":"L"},{"cpu":")" + duration(3000) + R"("},{"release":"L"})";
                    break;
                case 6: steps += R"({"to_thread":{"cpu":")" + duration(5000) + "\"}}"; break;
                case 7:
                    // What crosses is bytes or an object graph (its own draw, so the rest of the scenario stays as
                    // it was before payload kinds existed).
                    steps += R"({"send":")" + std::to_string(random() % 5000) + "KB\"" + payload() +
                             R"(},{"return":"1KB")" + payload() + "}";
                    break;
                case 8: {
                    static const char* const kVias[] = {"gather", "task_group", "threads", "executor"};
                    const uint32_t via = random() % 4;
                    // An executor of 1 or 2 threads, or CPython's default size (no max_workers).
                    const uint32_t maxWorkers = via == 3 ? random() % 3 : 0;
                    steps += R"({"children":{"name":"c)" + std::to_string(i) + R"(","count":)" + std::to_string(1 + random() % 3) +
                             R"(,"via":")" + kVias[via] + "\"" +
                             (maxWorkers > 0 ? R"(,"max_workers":)" + std::to_string(maxWorkers) : std::string()) +
                             R"(,"steps":[{"cpu":")" + duration(3000) +
                             R"("},{"await":")" + duration(5000) + R"("}]}})";
                    break;
                }
                default: steps += interpreters ? R"({"io":")" + duration(2000) + "\"}" : std::string(R"({"increment":"n"})"); break;
            }
        }
        if (!groups.empty()) groups += ",";
        groups += R"({"name":"g)" + std::to_string(g) + R"(","count":)" +
                  std::to_string(1 + random() % static_cast<uint32_t>(maxTasksPerGroup)) + R"(,"steps":[)" + steps + "]}";
    }
    std::string model = R"({"kind":")" + std::string(scenario::ModelKindName(kind)) + "\"";
    if (random() % 2 && kind != scenario::ModelKind::Sequential && kind != scenario::ModelKind::Asyncio)
        model += R"(,"workers":)" + std::to_string(1 + random() % 5);
    if (kind == scenario::ModelKind::Processes && random() % 3 == 0)
        model += R"(,"chunksize":)" + std::to_string(1 + random() % 4);
    model += "}";
    const bool workerLimit = model.find("workers") != std::string::npos;
    const std::string queues = AppendRandomChannels(channelRandom, kind, workerLimit, groups);
    return std::string(interpreters ? R"({"version":5,"python":"3.14",)" : "{") + R"("tasks":[)" + groups +
           R"(],"model":)" + model + queues + R"(,"machine":{"cores":)" + std::to_string(1 + random() % 4) + "}}";
}

}  // namespace interleave::testing
