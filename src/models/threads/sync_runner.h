#pragma once
// Runs one task's steps the synchronous way (sequential code, a thread, a pool worker): every wait
// blocks the calling thread. Shared by the sequential, threads, free-threaded and process models.
#include "models/workload.h"
#include "models/world/world.h"

namespace interleave::models {

class SyncRunner {
public:
    void Begin(trace::TaskId task) {
        m_task = task;
        m_step = 0;
        m_failed = false;
    }
    // The task's next action; false when it has none left (finished, or failed at a `fail` step).
    bool Next(const Workload& workload, const scenario::MachineProfile& profile, Action& out);
    bool Failed() const { return m_failed; }
    trace::TaskId Task() const { return m_task; }

private:
    trace::TaskId m_task = trace::kNone;
    size_t m_step = 0;
    bool m_failed = false;
};

// The action for one CPU/C/I/O step (also the body of asyncio.to_thread): `duration` as it runs (plan::InPlace and
// plan::ScaledPython apply the free-threaded slowdown before).
Action StepAction(scenario::StepKind kind, TimeNs duration, trace::TaskId task);

}  // namespace interleave::models
