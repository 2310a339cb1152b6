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

SyncChannels::SyncChannels(World& world, const scenario::Scenario& scenario) {
    const size_t names = scenario.names.size();
    const std::vector<uint8_t> uses = scenario::NameUses(scenario);
    m_items.assign(names, 0);
    m_maxsize = scenario.QueueMaxsizes();
    m_eventSet.assign(names, 0);
    m_notEmpty.assign(names, SignalIndex{});
    m_notFull.assign(names, SignalIndex{});
    for (size_t i = 0; i < names; ++i) {
        // Locks and counters need no conditions. One name is one kind (the parser sees to it), but a name used both
        // as a queue and an event gets both signals, so a scenario the editor built that way still runs (it is
        // refused before it is saved).
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue) && !scenario::UsedAs(uses[i], scenario::NameKind::Event))
            continue;
        m_notEmpty[i] = world.AddSignal("an item on queue \"" + scenario.names[i] + "\" or event \"" +
                                        scenario.names[i] + "\" to be set");
        m_notFull[i] = world.AddSignal("room on queue \"" + scenario.names[i] + "\" (maxsize " +
                                       std::to_string(m_maxsize[i]) + ")");
    }
}

void SyncChannels::AddLanes(World& world, trace::TrackId process) {
    const scenario::Scenario& scenario = world.Scenario();
    const std::vector<uint8_t> uses = scenario::NameUses(scenario);
    m_lane.assign(uses.size(), trace::kNone);
    for (size_t i = 0; i < uses.size(); ++i) {
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue)) continue;
        m_lane[i] = world.Trace().AddTrack(plan::QueueLaneName(scenario.names[i]), trace::TrackKind::Counter, process);
        RecordDepth(world, i);
    }
}

void SyncChannels::RecordDepth(World& world, size_t queue) {
    if (queue < m_lane.size() && m_lane[queue] != trace::kNone)
        world.Trace().samples.push_back({world.Now(), m_lane[queue], m_items[queue]});
}

bool SyncChannels::TryNow(World& world, const scenario::Step& step, SignalIndex& waitOn) {
    const auto i = static_cast<size_t>(step.name);
    switch (step.kind) {
        case StepKind::Put:
            if (m_maxsize[i] > 0 && m_items[i] >= m_maxsize[i]) {
                waitOn = m_notFull[i];
                return false;
            }
            ++m_items[i];
            RecordDepth(world, i);
            world.NotifyOne(m_notEmpty[i]);
            return true;
        case StepKind::Get:
            if (m_items[i] == 0) {
                waitOn = m_notEmpty[i];
                return false;
            }
            --m_items[i];
            RecordDepth(world, i);
            world.NotifyOne(m_notFull[i]);
            return true;
        case StepKind::Set:
            m_eventSet[i] = 1;
            world.Notify(m_notEmpty[i]);
            return true;
        case StepKind::Wait:
            if (m_eventSet[i]) return true;
            waitOn = m_notEmpty[i];
            return false;
        default: return true;
    }
}

bool SyncRunner::Next(World& world, const Workload& workload, SyncChannels* channels, Action& out) {
    const scenario::MachineProfile& profile = world.Profile();
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
                out = Action::Compute(profile.counterIncrement, true, SpanState::RunningPython, m_task)
                          .Uninterruptible()
                          .Increments(step.name);
                return true;
            case StepKind::Fail:
                m_failed = true;
                return false;
            case StepKind::Put:
            case StepKind::Get:
            case StepKind::Set:
            case StepKind::Wait: {
                if (!channels) break;
                if (!m_channelCallMade) {
                    // The call's own Python code (Lib/queue.py, Lib/threading.py) runs first, holding the GIL; the
                    // check that follows happens once it is done, so two threads never both take the last item.
                    m_channelCallMade = true;
                    --m_step;
                    out = Action::Compute(profile.queueOperation, true, SpanState::RunningPython, m_task);
                    return true;
                }
                m_channelCallMade = false;
                SignalIndex waitOn;
                if (channels->TryNow(world, step, waitOn)) break;
                --m_step;  // woken, it runs the call again: Condition.wait() sits in a `while` that re-checks
                out = Action::Wait(waitOn, SpanState::WaitingQueue).Waiting(m_task);
                return true;
            }
            case StepKind::Send:
            case StepKind::Return:
            case StepKind::Repeat:
                break;  // payloads cost only where they cross a process boundary (models/pool)
        }
    }
    return false;
}

}  // namespace interleave::models
