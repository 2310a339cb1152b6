#pragma once
// The scenario prepared for simulation: steps unrolled once per task group, every task numbered.
#include <string>
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
    const std::vector<scenario::Step>& StepsOf(trace::TaskId task) const { return groupSteps[taskGroup[task]]; }
};

Workload BuildWorkload(const scenario::Scenario& scenario);
// Fills trace.tasks with one record per task, named by plan::TaskName ("group[k]"), children by plan::ChildTaskName.
void AddTaskRecords(const scenario::Scenario& scenario, const Workload& workload, trace::Trace& trace);

}  // namespace interleave::models
