#include "models/workload.h"

#include <charconv>
#include <cmath>

namespace interleave::models {

Workload BuildWorkload(const scenario::Scenario& scenario) {
    Workload w;
    w.plan = plan::MakePlan(scenario);
    for (size_t g = 0; g < scenario.groups.size(); ++g) {
        const scenario::TaskGroup& group = scenario.groups[g];
        w.groupSteps.push_back(scenario::ExpandSteps(group.steps));
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
        for (int32_t i = 0; i < group.count; ++i) w.taskGroup.push_back(static_cast<int32_t>(g));
    }
    return w;
}

void AddTaskRecords(const scenario::Scenario& scenario, const Workload& workload, trace::Trace& trace) {
    trace.tasks.clear();
    trace.tasks.reserve(workload.taskGroup.size());
    std::vector<int32_t> seen(scenario.groups.size(), 0);
    for (int32_t g : workload.taskGroup) trace.tasks.emplace_back().name = plan::TaskName(scenario.groups[g].name, seen[g]++);
}

}  // namespace interleave::models
