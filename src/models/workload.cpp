#include "models/workload.h"

#include <charconv>
#include <cmath>

namespace interleave::models {

namespace {

// Every child of the task of group `group` whose block starts at `cursor`, and theirs, in id order within each
// block: visit(child task, its group, its parent task, k).
template <typename Visit>
void WalkChildren(const Workload& w, const scenario::Scenario& s, int32_t task, int32_t group, int32_t cursor, Visit&& visit) {
    for (const scenario::Step& step : w.groupSteps[static_cast<size_t>(group)]) {
        if (step.kind != scenario::StepKind::Children) continue;
        const plan::ChildBlock block = w.plan.Children(s, step, cursor);
        for (int32_t k = 0; k < block.count; ++k) visit(block.Task(k), block.group, task, k);
        for (int32_t k = 0; k < block.count; ++k)
            WalkChildren(w, s, block.Task(k), block.group, block.DescendantsStart(k), visit);
        cursor = block.End();
    }
}

template <typename Visit>
void WalkAllChildren(const Workload& w, const scenario::Scenario& s, Visit&& visit) {
    if (!s.HasChildren()) return;
    for (int32_t t = 0; t < w.plan.taskCount; ++t)
        WalkChildren(w, s, t, w.taskGroup[static_cast<size_t>(t)], w.plan.FirstDescendant(t), visit);
}

}  // namespace

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
    WalkAllChildren(w, scenario, [&](int32_t child, int32_t group, int32_t, int32_t) {
        w.taskGroup[static_cast<size_t>(child)] = group;
    });
    return w;
}

void AddTaskRecords(const scenario::Scenario& scenario, const Workload& workload, trace::Trace& trace) {
    trace.tasks.clear();
    trace.tasks.resize(workload.taskGroup.size());
    int32_t task = 0;
    for (const scenario::TaskGroup& group : scenario.groups)
        for (int32_t i = 0; i < group.count; ++i) trace.tasks[static_cast<size_t>(task++)].name = plan::TaskName(group.name, i);
    // Parents come before their children in the walk, so a parent's name is there when its children are named.
    WalkAllChildren(workload, scenario, [&](int32_t child, int32_t group, int32_t parent, int32_t k) {
        const scenario::ChildGroup& spec = scenario.children[static_cast<size_t>(group - workload.plan.groupCount)];
        trace.tasks[static_cast<size_t>(child)].name = plan::ChildTaskName(trace.tasks[static_cast<size_t>(parent)].name, spec.name, k);
    });
}

}  // namespace interleave::models
