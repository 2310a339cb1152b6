#pragma once
// The scenario prepared for simulation: steps unrolled once per task group, every task numbered.
#include <string>
#include <utility>
#include <vector>

#include "plan/plan.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::models {

struct Workload {
    plan::Plan plan;  // what runs where: every runner reads it (src/plan)
    // Unrolled, one list per group, then one per child group (Scenario::children; index groups.size() + child).
    std::vector<std::vector<scenario::Step>> groupSteps;
    std::vector<int32_t> taskGroup;                       // task id -> group (children: their child group's index)
    std::vector<int64_t> groupSendBytes, groupReturnBytes;              // every payload's pickled bytes
    std::vector<int64_t> groupSendObjectBytes, groupReturnObjectBytes;  // the part that is an object graph
    std::vector<bool> groupHasCpu;  // has Python CPU work (for the free-threaded slowdown, explanations)

    // Top-level tasks (what the model hands out); children are numbered after them, up to AllTaskCount().
    int32_t TaskCount() const { return plan.taskCount; }
    int32_t AllTaskCount() const { return static_cast<int32_t>(taskGroup.size()); }
    const std::vector<scenario::Step>& StepsOf(trace::TaskId task) const { return groupSteps[taskGroup[task.Index()]]; }
};

Workload BuildWorkload(const scenario::Scenario& scenario);
// The pages a Pool's parent copies pickling `tasks` (one chunk) where it pickles a group's payload object graph for
// the first time since the fork (plan::PagesCopiedOnWrite): every item of a group sends the one object the program
// built before the Pool. `pickled` (one flag per group, the caller's) says which it has pickled already, and is updated.
int64_t PagesCopiedOnWrite(const Workload& workload, const std::vector<trace::TaskId>& tasks,
                           scenario::StartMethod method, std::vector<bool>& pickled);

// Every descendant of `task` (of group `group`, whose block of descendants starts at `cursor`): parents before their
// children, and each child's own descendants right after it, in the order the task's children steps start them. For
// each child, visit(block, spec, k, parent, parentContext) returns the context its own children are visited with (the
// lane it runs on, the lanes it may run on). The one walk for everything laid out or named per child beforehand: the
// task records, the C++ runtime's lanes, the plan test's rule. It reads `group`, not taskGroup, so it can fill it.
template <typename Context, typename Visit>
void WalkDescendants(const Workload& w, const scenario::Scenario& s, int32_t task, int32_t group, int32_t cursor,
                     const Context& context, Visit&& visit) {
    for (const scenario::Step& step : w.groupSteps[static_cast<size_t>(group)]) {
        if (step.kind != scenario::StepKind::Children) continue;
        const plan::ChildBlock block = w.plan.Children(s, step, cursor);
        const scenario::ChildGroup& spec = s.children[static_cast<size_t>(step.children)];
        for (int32_t k = 0; k < block.count; ++k) {
            const Context childContext = visit(block, spec, k, task, context);
            WalkDescendants(w, s, block.Task(k), block.group, block.DescendantsStart(k), childContext, visit);
        }
        cursor = block.End();
    }
}
// The same from every top-level task t, with contextOf(t) as its context.
template <typename ContextOf, typename Visit>
void WalkAllDescendants(const Workload& w, const scenario::Scenario& s, ContextOf&& contextOf, Visit&& visit) {
    if (!s.HasChildren()) return;
    for (int32_t t = 0; t < w.plan.taskCount; ++t)
        WalkDescendants(w, s, t, w.taskGroup[static_cast<size_t>(t)], w.plan.FirstDescendant(t), contextOf(t), visit);
}
// Fills trace.tasks with one record per task, named by plan::TaskName ("group[k]"), children by plan::ChildTaskName.
void AddTaskRecords(const scenario::Scenario& scenario, const Workload& workload, trace::Trace& trace);

}  // namespace interleave::models
