#include "models/workload.h"

#include <charconv>
#include <cmath>

namespace interleave::models {

Workload BuildWorkload(const scenario::Scenario& scenario) {
    Workload w;
    w.plan = plan::MakePlan(scenario);
    // Groups, then child groups: the same bookkeeping for both (a child's payload steps cross no process boundary,
    // so their sums stay unused).
    std::vector<const std::vector<scenario::Step>*> allSteps;
    for (const scenario::TaskGroup& group : scenario.groups) allSteps.push_back(&group.steps);
    for (const scenario::ChildGroup& child : scenario.children) allSteps.push_back(&child.steps);
    for (size_t g = 0; g < allSteps.size(); ++g) {
        w.groupSteps.push_back(scenario::ExpandSteps(*allSteps[g]));
        int64_t send = 0, ret = 0, sendObjects = 0, retObjects = 0;
        bool cpu = false;
        for (const scenario::Step& step : w.groupSteps.back()) {
            const bool objects = step.payload == scenario::PayloadKind::Objects;
            if (step.kind == scenario::StepKind::Send) send += step.bytes, sendObjects += objects ? step.bytes : 0;
            if (step.kind == scenario::StepKind::Return) ret += step.bytes, retObjects += objects ? step.bytes : 0;
            cpu = cpu || step.kind == scenario::StepKind::Cpu;
        }
        w.groupSendBytes.push_back(send);
        w.groupReturnBytes.push_back(ret);
        w.groupSendObjectBytes.push_back(sendObjects);
        w.groupReturnObjectBytes.push_back(retObjects);
        w.groupHasCpu.push_back(cpu);
    }
    for (size_t g = 0; g < scenario.groups.size(); ++g)
        for (int32_t i = 0; i < scenario.groups[g].count; ++i) w.taskGroup.push_back(static_cast<int32_t>(g));
    w.taskGroup.resize(static_cast<size_t>(w.plan.totalTasks), 0);
    WalkAllDescendants(w, scenario, [](int32_t) { return 0; },
                       [&](const plan::ChildBlock& block, const scenario::ChildGroup&, int32_t k, int32_t, int) {
                           w.taskGroup[static_cast<size_t>(block.Task(k))] = block.group;
                           return 0;
                       });
    return w;
}

void AddTaskRecords(const scenario::Scenario& scenario, const Workload& workload, trace::Trace& trace) {
    trace.tasks.clear();
    trace.tasks.resize(workload.taskGroup.size());
    int32_t task = 0;
    for (const scenario::TaskGroup& group : scenario.groups)
        for (int32_t i = 0; i < group.count; ++i)
            plan::AppendTaskName(trace.tasks[static_cast<size_t>(task++)].name, group.name, i);  // cleared above
    // Parents come before their children in the walk, so a parent's name is there when its children are named.
    WalkAllDescendants(workload, scenario, [](int32_t) { return 0; },
                       [&](const plan::ChildBlock& block, const scenario::ChildGroup& spec, int32_t k, int32_t parent, int) {
                           trace.tasks[static_cast<size_t>(block.Task(k))].name =
                               plan::ChildTaskName(trace.tasks[static_cast<size_t>(parent)].name, spec.name, k);
                           return 0;
                       });
}

int64_t PagesCopiedOnWrite(const Workload& workload, const std::vector<trace::TaskId>& tasks,
                           scenario::StartMethod method, std::vector<bool>& pickled) {
    pickled.resize(workload.groupSendObjectBytes.size(), false);
    int64_t pages = 0;
    for (trace::TaskId t : tasks) {
        const auto group = static_cast<size_t>(workload.taskGroup[t.Index()]);
        if (pickled[group]) continue;
        pickled[group] = true;
        pages += plan::PagesCopiedOnWrite(workload.groupSendObjectBytes[group], method);
    }
    return pages;
}

}  // namespace interleave::models
