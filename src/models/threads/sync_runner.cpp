#include "models/threads/sync_runner.h"

#include <cmath>

namespace interleave::models {

using scenario::StepKind;
using trace::SpanState;

Action StepAction(StepKind kind, TimeNs duration, trace::TaskId task) {
    switch (kind) {
        case StepKind::Cpu: return Action::Compute(duration, true, SpanState::RunningPython, task);
        case StepKind::CCall: return Action::Compute(duration, false, SpanState::RunningC, task);
        default: return Action::Sleep(duration, SpanState::BlockedIo, task);
    }
}

bool SyncRunner::Next(const Workload& workload, const scenario::MachineProfile& profile, Action& out) {
    const std::vector<scenario::Step>& steps = workload.StepsOf(m_task);
    while (m_step < steps.size()) {
        const scenario::Step& step = steps[m_step++];
        switch (step.kind) {
            case StepKind::Cpu:
            case StepKind::CCall:
            case StepKind::Io:
            case StepKind::Await:  // the plan says what these mean here: an await blocks, to_thread runs in place
            case StepKind::BlockingCall:
            case StepKind::ToThread: {
                const plan::StepWork work = plan::InPlace(workload.plan, step);
                out = StepAction(work.kind, work.duration, m_task);
                return true;
            }
            case StepKind::Acquire:
            case StepKind::Release:
                out = Action::Lock(step.name, step.kind == StepKind::Acquire, m_task);
                return true;
            case StepKind::Increment:
                // `counter += 1` is a few bytecodes with no eval-breaker check between the load and the
                // store (3.10+ checks only on backward jumps and calls), so the GIL never splits it; on a
                // free-threaded build nothing stops two threads interleaving it.
                out = Action::Compute(profile.counterIncrement, true, SpanState::RunningPython, m_task);
                out.interruptible = false;
                out.object = step.name;
                return true;
            case StepKind::Fail:
                m_failed = true;
                return false;
            case StepKind::Send:
            case StepKind::Return:
            case StepKind::Repeat:
                break;  // payloads cost only where they cross a process boundary (models/pool)
        }
    }
    return false;
}

}  // namespace interleave::models
