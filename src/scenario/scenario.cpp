// [SECTION] Index
//   Names ........... enum <-> JSON names
//   Steps ........... expansion and counting
//   Parsing ......... JSON -> Scenario, every field validated against Limits
//   Writing ......... Scenario -> canonical JSON
#include "scenario/scenario.h"

#include "jsonio/bounded_json.h"
#include "scenario/model_info.h"

#include <array>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace interleave::scenario {

using nlohmann::json;

// [SECTION] Names

namespace {

constexpr std::array<std::string_view, 18> kStepKindNames = {
    "cpu", "c_call", "io", "await", "blocking_call", "acquire", "release", "send", "return", "to_thread",
    "increment", "fail", "put", "get", "set", "wait", "children", "repeat"};
constexpr std::array<std::string_view, 4> kChildViaNames = {"gather", "task_group", "threads", "executor"};
constexpr std::array<std::string_view, 4> kNameKindNames = {"lock", "counter", "queue", "event"};
constexpr std::array<std::string_view, 3> kStartMethodNames = {"fork", "spawn", "forkserver"};

}  // namespace

std::string_view StepKindName(StepKind kind) { return kStepKindNames[static_cast<size_t>(kind)]; }
std::string_view ChildViaName(ChildVia via) { return kChildViaNames[static_cast<size_t>(via)]; }
std::string_view PayloadKindName(PayloadKind kind) { return kind == PayloadKind::Objects ? "objects" : "bytes"; }
std::string_view StartMethodName(StartMethod method) { return kStartMethodNames[static_cast<size_t>(method)]; }
std::string_view NameKindName(NameKind kind) { return kNameKindNames[static_cast<size_t>(kind)]; }

bool NameKindOf(StepKind kind, NameKind& out) {
    switch (kind) {
        case StepKind::Acquire:
        case StepKind::Release: out = NameKind::Lock; return true;
        case StepKind::Increment: out = NameKind::Counter; return true;
        case StepKind::Put:
        case StepKind::Get: out = NameKind::Queue; return true;
        case StepKind::Set:
        case StepKind::Wait: out = NameKind::Event; return true;
        default: return false;
    }
}

int32_t Scenario::QueueMaxsize(int32_t queue) const {
    for (const QueueSpec& spec : queues)
        if (spec.name == queue) return spec.maxsize;
    return 0;
}

bool Scenario::IsPipe(int32_t queue) const {
    for (const QueueSpec& spec : queues)
        if (spec.name == queue) return spec.pipe;
    return false;
}

const char* OsSchedulerName(OsScheduler scheduler) { return scheduler == OsScheduler::Cfs ? "cfs" : "eevdf"; }

std::vector<int32_t> Scenario::QueueMaxsizes() const {
    std::vector<int32_t> maxsize(names.size(), 0);
    for (const QueueSpec& spec : queues)
        if (spec.name >= 0 && static_cast<size_t>(spec.name) < maxsize.size()) maxsize[static_cast<size_t>(spec.name)] = spec.maxsize;
    return maxsize;
}

namespace {
bool StepsUseChannels(const std::vector<Step>& steps) {
    for (const Step& step : steps) {
        if (step.kind == StepKind::Put || step.kind == StepKind::Get || step.kind == StepKind::Set ||
            step.kind == StepKind::Wait)
            return true;
        if (step.kind == StepKind::Repeat && StepsUseChannels(step.body)) return true;
    }
    return false;
}
}  // namespace

namespace {
void CollectNameUses(const std::vector<Step>& steps, std::vector<uint8_t>& out) {
    for (const Step& step : steps) {
        NameKind kind;
        if (step.name >= 0 && static_cast<size_t>(step.name) < out.size() && NameKindOf(step.kind, kind))
            out[static_cast<size_t>(step.name)] |= static_cast<uint8_t>(1u << static_cast<unsigned>(kind));
        CollectNameUses(step.body, out);
    }
}
}  // namespace

std::vector<uint8_t> NameUses(const Scenario& scenario) {
    std::vector<uint8_t> out(scenario.names.size(), 0);
    for (const TaskGroup& group : scenario.groups) CollectNameUses(group.steps, out);
    for (const ChildGroup& child : scenario.children) CollectNameUses(child.steps, out);
    return out;
}

bool Scenario::UsesChannels() const {
    for (const TaskGroup& group : groups)
        if (StepsUseChannels(group.steps)) return true;
    for (const ChildGroup& child : children)
        if (StepsUseChannels(child.steps)) return true;
    return false;
}


int64_t Scenario::TaskCount() const {
    int64_t total = 0;
    for (const TaskGroup& group : groups) total += group.count;
    return total;
}

// [SECTION] Steps

namespace {

void ExpandInto(const std::vector<Step>& steps, std::vector<Step>& out) {
    for (const Step& step : steps) {
        if (step.kind != StepKind::Repeat) {
            out.push_back(step);
            continue;
        }
        for (int32_t i = 0; i < step.repeat; ++i) ExpandInto(step.body, out);
    }
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
    return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}
int64_t SaturatingMul(int64_t a, int64_t b) {
    if (a == 0 || b == 0) return 0;
    return a > std::numeric_limits<int64_t>::max() / b ? std::numeric_limits<int64_t>::max() : a * b;
}

// Summed duration of the steps, unrolled (saturating).
int64_t TotalDuration(const std::vector<Step>& steps) {
    int64_t total = 0;
    for (const Step& step : steps) {
        if (step.kind == StepKind::Repeat) total = SaturatingAdd(total, SaturatingMul(step.repeat, TotalDuration(step.body)));
        else total = SaturatingAdd(total, step.duration);
    }
    return total;
}

}  // namespace

namespace {
void ReachChildren(std::vector<Step>& steps, const std::deque<ChildGroup>& from, std::deque<ChildGroup>& to) {
    for (Step& step : steps) {
        ReachChildren(step.body, from, to);
        if (step.kind != StepKind::Children || step.children < 0 || static_cast<size_t>(step.children) >= from.size()) continue;
        to.push_back(from[static_cast<size_t>(step.children)]);
        step.children = static_cast<int32_t>(to.size() - 1);
        ReachChildren(to.back().steps, from, to);
    }
}
}  // namespace

void PruneChildren(Scenario& scenario) {
    std::deque<ChildGroup> reached;
    for (TaskGroup& group : scenario.groups) ReachChildren(group.steps, scenario.children, reached);
    scenario.children = std::move(reached);
}

Descendants CountDescendants(const Scenario& scenario, const std::vector<Step>& steps) {
    Descendants total;
    for (const Step& step : steps) {
        Descendants part;
        int64_t times = 1;
        if (step.kind == StepKind::Repeat) {
            part = CountDescendants(scenario, step.body);
            times = step.repeat;
        } else if (step.kind == StepKind::Children && step.children >= 0 &&
                   static_cast<size_t>(step.children) < scenario.children.size()) {
            const ChildGroup& child = scenario.children[static_cast<size_t>(step.children)];
            const Descendants below = CountDescendants(scenario, child.steps);
            part.tasks = SaturatingAdd(1, below.tasks);
            part.steps = SaturatingAdd(ExpandedStepCount(child.steps), below.steps);
            part.work = SaturatingAdd(TotalDuration(child.steps), below.work);
            times = child.count;
        }
        total.tasks = SaturatingAdd(total.tasks, SaturatingMul(times, part.tasks));
        total.steps = SaturatingAdd(total.steps, SaturatingMul(times, part.steps));
        total.work = SaturatingAdd(total.work, SaturatingMul(times, part.work));
    }
    return total;
}

std::vector<Step> ExpandSteps(const std::vector<Step>& steps) {
    std::vector<Step> out;
    out.reserve(static_cast<size_t>(std::min<int64_t>(ExpandedStepCount(steps), Limits::kMaxSteps)));
    ExpandInto(steps, out);
    return out;
}

int64_t ExpandedStepCount(const std::vector<Step>& steps) {
    int64_t total = 0;
    for (const Step& step : steps) {
        if (step.kind == StepKind::Repeat) total = SaturatingAdd(total, SaturatingMul(step.repeat, ExpandedStepCount(step.body)));
        else total = SaturatingAdd(total, 1);
    }
    return total;
}

// [SECTION] Parsing

namespace {

struct Parser {
    ParseError& error;
    Scenario& scenario;
    std::map<std::string, int32_t> nameIndex;
    std::vector<NameKind> nameKinds;  // beside scenario.names
    bool startMethodGiven = false;    // else the release's default start method

    bool Fail(std::string path, std::string reason) {
        error.path = std::move(path);
        error.reason = std::move(reason);
        return false;
    }

    // Bounded in length and depth: an error message never dumps a whole (possibly huge) value.
    static std::string Show(const json& value) { return jsonio::ShowJson(value, 40); }

    bool OnlyKeys(const json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
        for (const auto& [key, value] : object.items()) {
            bool known = false;
            for (std::string_view a : allowed) known = known || a == key;
            if (!known) {
                std::string list;
                for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
                return Fail(path.empty() ? key : path + "." + key, "unknown field (expected one of: " + list + ")");
            }
        }
        return true;
    }

    bool Duration(const json& value, const std::string& path, TimeNs min, TimeNs max, TimeNs& out) {
        if (!value.is_string())
            return Fail(path, "must be a duration with a unit, like \"5ms\" or \"1.5s\", got " + Show(value));
        switch (ParseDurationDetailed(value.get_ref<const std::string&>(), out)) {
            case QuantityParse::Ok: break;
            case QuantityParse::TooLarge:
                return Fail(path, "is too large: at most " + FormatDuration(max) + ", got " + Show(value));
            case QuantityParse::Malformed:
                return Fail(path, "must be a duration like \"5ms\", \"250us\" or \"1.5s\", got " + Show(value));
        }
        if (out < min || out > max)
            return Fail(path, "must be between " + FormatDuration(min) + " and " + FormatDuration(max) + ", got " + Show(value));
        return true;
    }

    // An integer of the JSON value if it fits int64 (a number_unsigned past INT64_MAX does not).
    static bool FitsInt64(const json& value, int64_t& out) {
        if (value.is_number_unsigned()) {
            const uint64_t u = value.get<uint64_t>();
            if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
            out = static_cast<int64_t>(u);
            return true;
        }
        if (!value.is_number_integer()) return false;
        out = value.get<int64_t>();
        return true;
    }

    bool Bytes(const json& value, const std::string& path, int64_t max, int64_t& out) {
        if (value.is_number_integer()) {
            if (!FitsInt64(value, out)) return Fail(path, "is too large: at most " + std::to_string(max) + " bytes, got " + Show(value));
        } else if (!value.is_string()) {
            return Fail(path, "must be a size like \"10MB\", \"512KiB\" or a number of bytes, got " + Show(value));
        } else {
            switch (ParseBytesDetailed(value.get_ref<const std::string&>(), out)) {
                case QuantityParse::Ok: break;
                case QuantityParse::TooLarge:
                    return Fail(path, "is too large: at most " + std::to_string(max) + " bytes, got " + Show(value));
                case QuantityParse::Malformed:
                    return Fail(path, "must be a size like \"10MB\", \"512KiB\" or a number of bytes, got " + Show(value));
            }
        }
        if (out < 0 || out > max)
            return Fail(path, "must be between 0 and " + std::to_string(max) + " bytes, got " + Show(value));
        return true;
    }

    bool Integer(const json& value, const std::string& path, int64_t min, int64_t max, int64_t& out) {
        if (!value.is_number_integer())
            return Fail(path, "must be a whole number, got " + Show(value));
        if (!FitsInt64(value, out) || out < min || out > max)
            return Fail(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + Show(value));
        return true;
    }

    // A lock, counter, queue or event name: one name is one object, so it keeps the kind of its first use.
    bool Name(const json& value, const std::string& path, NameKind kind, int32_t& out) {
        if (!value.is_string() || value.get<std::string>().empty() || value.get<std::string>().size() > 64)
            return Fail(path, "must be a name of 1 to 64 characters, got " + Show(value));
        std::string name = value.get<std::string>();
        auto it = nameIndex.find(name);
        if (it == nameIndex.end()) {
            if (scenario.names.size() >= 1000)
                return Fail(path, "too many distinct lock, counter, queue and event names (limit 1000)");
            it = nameIndex.emplace(name, static_cast<int32_t>(scenario.names.size())).first;
            scenario.names.push_back(name);
            nameKinds.push_back(kind);
        }
        out = it->second;
        // A lock and a counter may share a name (versions 1 and 2 allowed it, and they never meet: acquire and
        // increment use separate objects); a queue or an event is the only thing of its name.
        const NameKind first = nameKinds[static_cast<size_t>(out)];
        const bool lockOrCounter = (first == NameKind::Lock || first == NameKind::Counter) &&
                                   (kind == NameKind::Lock || kind == NameKind::Counter);
        if (first != kind && !lockOrCounter)
            return Fail(path, "\"" + name + "\" is a " + std::string(NameKindName(nameKinds[static_cast<size_t>(out)])) +
                                  " in an earlier step, so it cannot be a " + std::string(NameKindName(kind)) +
                                  " here: give the " + std::string(NameKindName(kind)) + " a name of its own");
        return true;
    }

    bool ParseStep(const json& value, const std::string& path, int depth, Step& step) {
        if (!value.is_object())
            return Fail(path, "a step must be an object like {\"cpu\": \"10ms\"}, got " + Show(value));
        if (value.contains("repeat")) {
            if (!OnlyKeys(value, path, {"repeat", "steps"})) return false;
            if (depth >= Limits::kMaxRepeatNesting)
                return Fail(path, "repeat blocks nest deeper than " + std::to_string(Limits::kMaxRepeatNesting));
            int64_t times = 0;
            if (!Integer(value["repeat"], path + ".repeat", 1, Limits::kMaxRepeat, times)) return false;
            if (!value.contains("steps")) return Fail(path + ".steps", "a repeat needs the steps it repeats");
            step.kind = StepKind::Repeat;
            step.repeat = static_cast<int32_t>(times);
            return ParseSteps(value["steps"], path + ".steps", depth + 1, step.body);
        }
        if (value.contains("payload")) {
            // {"send": "10MB", "payload": "objects"}: the one step kind that takes a second key.
            if (!OnlyKeys(value, path, {"send", "return", "payload"})) return false;
            if (value.size() != 2) return Fail(path + ".payload", "goes with one send or return step");
            const json& kind = value["payload"];
            if (!kind.is_string() || (kind.get<std::string>() != "bytes" && kind.get<std::string>() != "objects"))
                return Fail(path + ".payload", "must be \"bytes\" or \"objects\", got " + Show(kind));
            json plain = value;
            plain.erase("payload");
            if (!ParseStep(plain, path, depth, step)) return false;
            step.payload = kind.get<std::string>() == "objects" ? PayloadKind::Objects : PayloadKind::Bytes;
            return true;
        }
        if (value.contains("reply_after")) {
            // {"io": "3us", "reply_after": "22us"}: a call that waits for the reply to the task's previous io step.
            if (!OnlyKeys(value, path, {"io", "reply_after"})) return false;
            if (!value.contains("io")) return Fail(path + ".reply_after", "goes with an io step (a recv after a send)");
            TimeNs after = 0;
            if (!Duration(value["reply_after"], path + ".reply_after", 0, Limits::kMaxStepDuration, after))
                return false;
            json plain = value;
            plain.erase("reply_after");
            if (!ParseStep(plain, path, depth, step)) return false;
            step.replyAfter = after;
            return true;
        }
        if (value.size() != 1) {
            return Fail(path, "a step has exactly one kind (cpu, c_call, io, await, blocking_call, acquire, release, "
                              "send, return, to_thread, increment, fail, put, get, set, wait, children) or is a "
                              "{\"repeat\": N, \"steps\": [...]}");
        }
        const std::string key = value.begin().key();
        const json& arg = value.begin().value();
        const std::string argPath = path + "." + key;
        for (size_t i = 0; i + 1 < kStepKindNames.size(); ++i) {
            if (kStepKindNames[i] != key) continue;
            step.kind = static_cast<StepKind>(i);
            switch (step.kind) {
                case StepKind::Cpu:
                case StepKind::CCall:
                case StepKind::Io:
                case StepKind::Await:
                case StepKind::BlockingCall:
                    return Duration(arg, argPath, 0, Limits::kMaxStepDuration, step.duration);
                case StepKind::Acquire:
                case StepKind::Release:
                case StepKind::Increment:
                case StepKind::Put:
                case StepKind::Get:
                case StepKind::Set:
                case StepKind::Wait: {
                    NameKind nameKind = NameKind::Lock;
                    NameKindOf(step.kind, nameKind);
                    return Name(arg, argPath, nameKind, step.name);
                }
                case StepKind::Send:
                case StepKind::Return:
                    return Bytes(arg, argPath, Limits::kMaxBytes, step.bytes);
                case StepKind::Fail:
                    if (!arg.is_boolean() && !arg.is_string()) return Fail(argPath, "must be true or an exception name");
                    return true;
                case StepKind::ToThread: {
                    // One plain step inside, never another to_thread or a repeat: checked before recursing,
                    // so a to_thread nested a thousand deep costs one level.
                    if (arg.is_object() && (arg.contains("to_thread") || arg.contains("repeat")))
                        return Fail(argPath, "to_thread runs one cpu, c_call, io or blocking_call step, got " + Show(arg));
                    Step inner;
                    if (!ParseStep(arg, argPath, depth, inner)) return false;
                    if (inner.replyAfter > 0)
                        return Fail(argPath + ".reply_after", "a to_thread step runs its call on another thread: there "
                                                              "is no earlier io step of its own to reply to");
                    if (inner.kind != StepKind::Cpu && inner.kind != StepKind::CCall && inner.kind != StepKind::Io &&
                        inner.kind != StepKind::BlockingCall)
                        return Fail(argPath, "to_thread runs one cpu, c_call, io or blocking_call step, got " +
                                                 std::string(StepKindName(inner.kind)));
                    step.inner = inner.kind == StepKind::BlockingCall ? StepKind::Io : inner.kind;
                    step.duration = inner.duration;
                    return true;
                }
                case StepKind::Children: return ParseChildren(arg, argPath, depth, step);
                case StepKind::Repeat: break;
            }
        }
        return Fail(argPath, "unknown step kind \"" + key + "\" (expected cpu, c_call, io, await, blocking_call, acquire, "
                                                           "release, send, return, to_thread, increment, fail, put, get, "
                                                           "set, wait, children or repeat)");
    }

    // {"children": {"name": "fetch", "count": 5, "via": "gather", "steps": [...]}}: nests like a repeat block (the
    // same depth limit), so children of children of ... stay bounded.
    bool ParseChildren(const json& value, const std::string& path, int depth, Step& step) {
        if (!value.is_object())
            return Fail(path, "must be an object like {\"name\": \"fetch\", \"count\": 5, \"via\": \"gather\", "
                              "\"steps\": [...]}, got " + Show(value));
        if (!OnlyKeys(value, path, {"name", "count", "via", "max_workers", "steps"})) return false;
        if (depth >= Limits::kMaxRepeatNesting)
            return Fail(path, "repeat blocks and children nest deeper than " + std::to_string(Limits::kMaxRepeatNesting));
        ChildGroup child;
        child.name = "child";
        if (value.contains("name")) {
            const json& name = value["name"];
            if (!name.is_string() || name.get_ref<const std::string&>().empty() || name.get_ref<const std::string&>().size() > 64)
                return Fail(path + ".name", "must be a name of 1 to 64 characters, got " + Show(name));
            child.name = name.get<std::string>();
        }
        int64_t count = 1;
        if (value.contains("count") && !Integer(value["count"], path + ".count", 1, Limits::kMaxTasks, count)) return false;
        child.count = static_cast<int32_t>(count);
        if (!value.contains("via"))
            return Fail(path + ".via", "is missing: say how the task starts and waits for its children (gather, "
                                       "task_group, threads or executor)");
        const json& via = value["via"];
        bool known = false;
        for (size_t i = 0; i < kChildViaNames.size() && via.is_string(); ++i) {
            if (kChildViaNames[i] != via.get_ref<const std::string&>()) continue;
            child.via = static_cast<ChildVia>(i);
            known = true;
        }
        if (!known) return Fail(path + ".via", "must be gather, task_group, threads or executor, got " + Show(via));
        if (value.contains("max_workers")) {
            if (child.via != ChildVia::Executor)
                return Fail(path + ".max_workers", "belongs to \"via\": \"executor\" (a ThreadPoolExecutor's size)");
            int64_t maxWorkers = 0;
            if (!Integer(value["max_workers"], path + ".max_workers", 0, Limits::kMaxWorkers, maxWorkers)) return false;
            child.maxWorkers = static_cast<int32_t>(maxWorkers);
        }
        if (!value.contains("steps")) return Fail(path + ".steps", "is missing: a child needs at least one step");
        if (!ParseSteps(value["steps"], path + ".steps", depth + 1, child.steps)) return false;
        if (child.steps.empty() || ExpandedStepCount(child.steps) == 0)
            return Fail(path + ".steps", "is empty: a child needs at least one step");
        if (child.via == ChildVia::Executor) {
            // Where an executor's child runs (which of its threads) is decided as it runs, so the lanes of what it
            // would start below it could not be laid out beforehand, as every runner lays them out.
            const std::string nested = FindChildrenStep(child.steps, path + ".steps");
            if (!nested.empty())
                return Fail(nested, "a task run by an executor cannot start children of its own (not modelled yet)");
        }
        std::set<int32_t> held;
        if (!CheckLocks(child.steps, path + ".steps", held)) return false;
        if (!held.empty())
            return Fail(path + ".steps", "ends holding lock \"" + scenario.names[*held.begin()] +
                                             "\": every acquire needs a release");
        step.kind = StepKind::Children;
        step.children = static_cast<int32_t>(scenario.children.size());
        scenario.children.push_back(std::move(child));
        return true;
    }

    // The path of the first children step in `steps` (inside repeats too), or "".
    static std::string FindChildrenStep(const std::vector<Step>& steps, const std::string& path) {
        for (size_t i = 0; i < steps.size(); ++i) {
            const std::string here = path + "[" + std::to_string(i) + "]";
            if (steps[i].kind == StepKind::Children) return here;
            if (steps[i].kind == StepKind::Repeat) {
                std::string inner = FindChildrenStep(steps[i].body, here + ".steps");
                if (!inner.empty()) return inner;
            }
        }
        return {};
    }

    bool ParseSteps(const json& value, const std::string& path, int depth, std::vector<Step>& steps) {
        if (!value.is_array()) return Fail(path, "must be a list of steps");
        if (value.size() > static_cast<size_t>(Limits::kMaxSteps))
            return Fail(path, "has more than " + std::to_string(Limits::kMaxSteps) + " steps");
        size_t index = 0;
        bool earlierIo = false;
        for (const json& item : value) {
            Step step;
            const std::string here = path + "[" + std::to_string(index) + "]";
            if (!ParseStep(item, here, depth, step)) return false;
            if (step.replyAfter > 0 && !earlierIo)
                return Fail(here + ".reply_after", "needs an io step before it in the same list: the call whose reply "
                                                   "it waits for (a send before the recv)");
            earlierIo = earlierIo || step.kind == StepKind::Io;
            steps.push_back(std::move(step));
            ++index;
        }
        return true;
    }

    // A task takes and gives back its own locks: an unmatched release, a second acquire of a held
    // (non-reentrant) lock, or a lock still held at the end would deadlock or raise in CPython.
    bool CheckLocks(const std::vector<Step>& steps, const std::string& path, std::set<int32_t>& held) {
        size_t index = 0;
        for (const Step& step : steps) {
            std::string here = path + "[" + std::to_string(index++) + "]";
            if (step.kind == StepKind::Repeat) {
                std::set<int32_t> before = held;
                if (!CheckLocks(step.body, here + ".steps", held)) return false;
                if (held != before) return Fail(here, "a repeated block must release every lock it acquires");
            } else if (step.kind == StepKind::Acquire) {
                if (!held.insert(step.name).second)
                    return Fail(here + ".acquire", "lock \"" + scenario.names[step.name] +
                                                       "\" is already held by this task (threading.Lock is not reentrant: it would deadlock)");
            } else if (step.kind == StepKind::Release) {
                if (held.erase(step.name) == 0)
                    return Fail(here + ".release", "lock \"" + scenario.names[step.name] +
                                                       "\" is released without being acquired (RuntimeError in CPython)");
            }
        }
        return true;
    }

    bool ParseTasks(const json& value) {
        if (!value.is_array() || value.empty()) return Fail("tasks", "must be a non-empty list of task groups");
        int64_t totalTasks = 0, totalSteps = 0, totalWork = 0;
        size_t index = 0;
        for (const json& item : value) {
            std::string path = "tasks[" + std::to_string(index++) + "]";
            if (!item.is_object()) return Fail(path, "must be an object with \"name\", \"count\" and \"steps\"");
            if (!OnlyKeys(item, path, {"name", "count", "steps"})) return false;
            TaskGroup group;
            group.name = "task";
            if (item.contains("name")) {
                // Checked before reading: a number, null or list here must not throw (wasm aborts on a throw).
                const json& name = item["name"];
                if (!name.is_string() || name.get_ref<const std::string&>().empty() || name.get_ref<const std::string&>().size() > 64)
                    return Fail(path + ".name", "must be a name of 1 to 64 characters, got " + Show(name));
                group.name = name.get<std::string>();
            }
            int64_t count = 1;
            if (item.contains("count") && !Integer(item["count"], path + ".count", 1, Limits::kMaxTasks, count)) return false;
            group.count = static_cast<int32_t>(count);
            if (!item.contains("steps")) return Fail(path + ".steps", "is missing: a task needs at least one step");
            if (!ParseSteps(item["steps"], path + ".steps", 0, group.steps)) return false;
            if (group.steps.empty()) return Fail(path + ".steps", "is empty: a task needs at least one step");
            std::set<int32_t> held;
            if (!CheckLocks(group.steps, path + ".steps", held)) return false;
            if (!held.empty())
                return Fail(path + ".steps", "ends holding lock \"" + scenario.names[*held.begin()] + "\": every acquire needs a release");
            // Each task with the children it starts, and theirs (a children step inside a repeat starts them each time).
            const Descendants below = CountDescendants(scenario, group.steps);
            totalTasks = SaturatingAdd(totalTasks, SaturatingMul(count, SaturatingAdd(1, below.tasks)));
            if (totalTasks > Limits::kMaxTasks)
                return Fail(path + ".count", "brings the scenario to " +
                                                 (below.tasks > 0 ? "more than " + std::to_string(Limits::kMaxTasks) +
                                                                        " tasks, counting the children they start"
                                                                  : std::to_string(totalTasks) + " tasks") +
                                                 "; the limit is " + std::to_string(Limits::kMaxTasks));
            int64_t steps = ExpandedStepCount(group.steps);
            if (steps == 0) return Fail(path + ".steps", "repeats nothing: a task needs at least one step");
            steps = SaturatingAdd(steps, below.steps);
            totalSteps = SaturatingAdd(totalSteps, SaturatingMul(steps, count));
            if (totalSteps > Limits::kMaxSteps)
                return Fail(path, "brings the scenario to more than " + std::to_string(Limits::kMaxSteps) +
                                      " steps after unrolling repeats and counts (the documented limit)");
            totalWork = SaturatingAdd(totalWork, SaturatingMul(SaturatingAdd(TotalDuration(group.steps), below.work), count));
            if (totalWork > Limits::kMaxTotalWork)
                return Fail(path, "brings the scenario's summed step time past " + FormatDuration(Limits::kMaxTotalWork) +
                                      " (the documented limit)");
            scenario.groups.push_back(std::move(group));
        }
        return true;
    }

    // {"jobs": {"maxsize": 2}}: after the tasks, so every queue listed is one some step puts to or gets from.
    bool ParseQueues(const json& value) {
        if (!value.is_object()) return Fail("queues", "must be an object like {\"jobs\": {\"maxsize\": 2}}");
        for (const auto& [key, spec] : value.items()) {
            const std::string path = "queues." + key;
            auto it = nameIndex.find(key);
            if (it == nameIndex.end() || nameKinds[static_cast<size_t>(it->second)] != NameKind::Queue)
                return Fail(path, "no put or get step uses a queue of this name");
            if (!spec.is_object()) return Fail(path, "must be an object like {\"maxsize\": 2} or {\"pipe\": true}");
            if (!OnlyKeys(spec, path, {"maxsize", "pipe"})) return false;
            int64_t maxsize = 0;
            if (spec.contains("maxsize") &&
                !Integer(spec["maxsize"], path + ".maxsize", 0, Limits::kMaxQueueSize, maxsize))
                return false;
            bool pipe = false;
            if (spec.contains("pipe")) {
                if (!spec["pipe"].is_boolean()) return Fail(path + ".pipe", "must be true or false, got " + Show(spec["pipe"]));
                pipe = spec["pipe"].get<bool>();
            }
            if (pipe && maxsize > 0)
                return Fail(path + ".maxsize", "a multiprocessing.Pipe has no maxsize: its send() blocks only while the "
                                               "OS pipe's buffer is full");
            if (maxsize > 0 || pipe) scenario.queues.push_back(QueueSpec{it->second, static_cast<int32_t>(maxsize), pipe});
        }
        return true;
    }

    bool ParseModel(const json& value) {
        if (!value.is_object()) return Fail("model", "must be an object like {\"kind\": \"threads\", \"workers\": 4}");
        if (!OnlyKeys(value, "model", {"kind", "workers", "start_method", "chunksize", "semaphore", "task_group", "eager_tasks",
                                      "slowdown"}))
            return false;
        Model& model = scenario.model;
        if (!value.contains("kind") || !value["kind"].is_string() || !ParseModelKind(value["kind"].get<std::string>(), model.kind))
            return Fail("model.kind", "must be one of " + std::string(ModelIdList()) +
                                          (value.contains("kind") ? ", got " + Show(value["kind"]) : std::string()));
        int64_t n = 0;
        if (value.contains("workers")) {
            if (!Integer(value["workers"], "model.workers", 1, Limits::kMaxWorkers, n)) return false;
            model.workers = static_cast<int32_t>(n);
        }
        if (value.contains("start_method")) {
            const json& m = value["start_method"];
            bool found = false;
            for (size_t i = 0; i < kStartMethodNames.size() && m.is_string(); ++i) {
                if (kStartMethodNames[i] == m.get<std::string>()) {
                    model.startMethod = static_cast<StartMethod>(i);
                    found = true;
                }
            }
            if (!found) return Fail("model.start_method", "must be fork, spawn or forkserver, got " + Show(m));
            startMethodGiven = true;
        }
        if (value.contains("chunksize")) {
            if (!Integer(value["chunksize"], "model.chunksize", 1, Limits::kMaxTasks, n)) return false;
            model.chunksize = static_cast<int32_t>(n);
        }
        if (value.contains("semaphore")) {
            if (!Integer(value["semaphore"], "model.semaphore", 1, Limits::kMaxTasks, n)) return false;
            model.semaphore = static_cast<int32_t>(n);
        }
        if (value.contains("task_group")) {
            if (!value["task_group"].is_boolean()) return Fail("model.task_group", "must be true or false");
            model.taskGroup = value["task_group"].get<bool>();
        }
        if (value.contains("eager_tasks")) {
            if (!value["eager_tasks"].is_boolean()) return Fail("model.eager_tasks", "must be true or false");
            model.eagerTasks = value["eager_tasks"].get<bool>();
        }
        if (value.contains("slowdown")) {
            const json& s = value["slowdown"];
            if (!s.is_number() || s.get<double>() < 0.1 || s.get<double>() > 10.0)
                return Fail("model.slowdown", "must be a factor between 0.1 and 10 (1.1 = 10% slower), got " + Show(s));
            model.freeThreadedSlowdown = s.get<double>();
        }
        return true;
    }

    bool ParseMachine(const json& value) {
        if (!value.is_object()) return Fail("machine", "must be an object like {\"cores\": 4}");
        if (!OnlyKeys(value, "machine", {"cores", "profile", "background_load", "seed"})) return false;
        int64_t n = 0;
        if (value.contains("cores")) {
            if (!Integer(value["cores"], "machine.cores", 1, Limits::kMaxCores, n)) return false;
            scenario.machine.cores = static_cast<int32_t>(n);
        }
        if (value.contains("background_load")) {
            if (!Integer(value["background_load"], "machine.background_load", 0, Limits::kMaxBackgroundLoad, n)) return false;
            scenario.machine.backgroundLoad = static_cast<int32_t>(n);
        }
        if (value.contains("seed")) {
            if (!Integer(value["seed"], "machine.seed", 0, Limits::kMaxSeed, n)) return false;
            scenario.machine.seed = static_cast<uint64_t>(n);
        }
        if (!value.contains("profile")) return true;
        return ParseProfile(value["profile"], scenario.machine.profile);
    }

    // machine.profile's fields onto `profile`; the fields not given keep their values. Shared by scenarios
    // and profile files (ApplyProfileJson), so both validate a field the same way.
    bool ParseProfile(const json& p, MachineProfile& profile) {
        if (!p.is_object()) return Fail("machine.profile", "must be an object of costs");
        struct DurationField {
            const char* key;
            TimeNs* field;
            TimeNs min, max;
        };
        const DurationField durations[] = {
            {"switch_interval", &profile.switchInterval, 1'000, 1'000'000'000},
            {"eval_breaker_latency", &profile.evalBreakerLatency, 0, 10'000'000},
            {"time_slice", &profile.timeSlice, 100'000, 1'000'000'000},
            {"wakeup_latency", &profile.wakeupLatency, 0, 100'000'000},
            {"wakeup_latency_shallow", &profile.wakeupLatencyShallow, 0, 100'000'000},
            {"shallow_idle", &profile.shallowIdle, 0, 1'000'000'000},
            {"waker_cost", &profile.wakerCost, 0, 100'000'000},
            {"waker_cost_shallow", &profile.wakerCostShallow, 0, 100'000'000},
            {"timer_slack", &profile.timerSlack, 0, 100'000'000},
            {"timer_wakeup", &profile.timerWakeup, 0, 100'000'000},
            {"context_switch", &profile.contextSwitch, 0, 10'000'000},
            {"thread_start", &profile.threadStart, 0, 1'000'000'000},
            {"process_start_fork", &profile.processStartFork, 0, 10'000'000'000},
            {"fork_child_start", &profile.forkChildStart, 0, 10'000'000'000},
            {"process_start_spawn", &profile.processStartSpawn, 0, 10'000'000'000},
            {"process_start_forkserver", &profile.processStartForkserver, 0, 10'000'000'000},
            {"forkserver_request", &profile.forkserverRequest, 0, 10'000'000'000},
            {"forkserver_start", &profile.forkserverStart, 0, 10'000'000'000},
            {"main_rerun", &profile.mainRerun, 0, 10'000'000'000},
            {"pool_import", &profile.poolImport, 0, 10'000'000'000},
            {"pool_setup", &profile.poolSetup, 0, 10'000'000'000},
            {"pool_teardown", &profile.poolTeardown, 0, 10'000'000'000},
            {"pool_teardown_worker", &profile.poolTeardownWorker, 0, 10'000'000'000},
            {"interpreter_start", &profile.interpreterStart, 0, 10'000'000'000},
            {"interpreter_call_overhead", &profile.interpreterCallOverhead, 0, 1'000'000'000},
            {"message_overhead", &profile.messageOverhead, 0, 1'000'000'000},
            {"page_touch", &profile.pageTouch, 0, 10'000'000},
            {"loop_step_overhead", &profile.loopStepOverhead, 0, 1'000'000'000},
            {"eager_step_overhead", &profile.eagerStepOverhead, 0, 1'000'000'000},
            {"counter_increment", &profile.counterIncrement, 1, 1'000'000},
            {"queue_operation", &profile.queueOperation, 0, 1'000'000'000},
            {"async_queue_operation", &profile.asyncQueueOperation, 0, 1'000'000'000},
            {"mp_queue_put", &profile.mpQueuePut, 0, 1'000'000'000},
            {"mp_queue_feed", &profile.mpQueueFeed, 0, 1'000'000'000},
            {"mp_queue_get", &profile.mpQueueGet, 0, 1'000'000'000},
            {"mp_pipe_send", &profile.mpPipeSend, 0, 1'000'000'000},
            {"mp_pipe_recv", &profile.mpPipeRecv, 0, 1'000'000'000},
            {"executor_submit", &profile.executorSubmit, 0, 1'000'000'000},
            {"as_completed_yield", &profile.asCompletedYield, 0, 1'000'000'000},
        };
        for (const auto& [key, item] : p.items()) {
            std::string path = "machine.profile." + key;
            bool known = false;
            for (const DurationField& d : durations) {
                if (key != d.key) continue;
                known = true;
                if (!Duration(item, path, d.min, d.max, *d.field)) return false;
            }
            if (key == "wakeup_spread") {
                known = true;
                if (!item.is_number() || item.get<double>() < 0 || item.get<double>() > 2.0)
                    return Fail(path, "must be a log-normal sigma from 0 (no spread) to 2, got " + Show(item));
                profile.wakeupSpread = item.get<double>();
            }
            if (key == "requester_wins") {
                known = true;
                if (!item.is_number() || item.get<double>() < 0 || item.get<double>() > 1.0)
                    return Fail(path, "must be a share from 0 (never) to 1 (always), got " + Show(item));
                profile.requesterWins = item.get<double>();
            }
            if (key == "scheduler") {
                known = true;
                if (item == "cfs") profile.scheduler = OsScheduler::Cfs;
                else if (item == "eevdf") profile.scheduler = OsScheduler::Eevdf;
                else
                    return Fail(path, "must be \"eevdf\" (Linux 6.6 and later) or \"cfs\" (up to 6.5), got " +
                                          Show(item));
            }
            if (key == "forced_switching") {
                known = true;
                if (!item.is_boolean()) return Fail(path, "must be true or false");
                profile.forcedSwitching = item.get<bool>();
            }
            int64_t* throughput = key == "pickle_throughput"             ? &profile.pickleBytesPerSecond
                                  : key == "unpickle_throughput"         ? &profile.unpickleBytesPerSecond
                                  : key == "pickle_objects_throughput"   ? &profile.pickleObjectsBytesPerSecond
                                  : key == "unpickle_objects_throughput" ? &profile.unpickleObjectsBytesPerSecond
                                                                         : nullptr;
            if (throughput) {
                known = true;
                int64_t bytes = 0;
                json perSecond = item;
                if (item.is_string()) {
                    std::string text = item.get<std::string>();
                    if (text.size() > 2 && text.compare(text.size() - 2, 2, "/s") == 0) perSecond = text.substr(0, text.size() - 2);
                }
                if (!Bytes(perSecond, path, int64_t{1} << 40, bytes)) return false;
                if (bytes < 1000) return Fail(path, "must be at least 1KB per second");
                *throughput = bytes;
            }
            if (!known) return Fail(path, "unknown profile field (see docs/machine-profile.md)");
        }
        // Every profile and scenario written before main_rerun existed measured a spawn or forkserver worker's start
        // whole, the main module's run included: a start given without main_rerun keeps meaning that.
        if ((p.contains("process_start_spawn") || p.contains("process_start_forkserver")) && !p.contains("main_rerun"))
            profile.mainRerun = 0;
        return true;
    }

    bool ParseRoot(const json& doc) {
        if (!doc.is_object()) return Fail("", "a scenario must be a JSON object with \"tasks\" and \"model\"");
        if (doc.contains("version")) {
            // Checked before anything else is read: a newer file's new constructs would otherwise be misnamed.
            const json& version = doc["version"];
            if (!version.is_number_integer() || version.get<int64_t>() < 1)
                return Fail("version", "must be a format version from 1 to " + std::to_string(kScenarioFormatVersion) +
                                           ", got " + Show(version));
            if (version.get<int64_t>() > kScenarioFormatVersion)
                return Fail("version", "the scenario was written by a newer Interleave (format version " +
                                           std::to_string(version.get<int64_t>()) + "; this one reads versions 1 to " +
                                           std::to_string(kScenarioFormatVersion) + ")");
        }
        if (!OnlyKeys(doc, "", {"name", "description", "python", "python_gil", "main_imports", "tasks", "queues",
                                "model", "machine", "format", "version", "story"}))
            return false;
        const int64_t formatVersion = doc.contains("version") ? doc["version"].get<int64_t>() : 1;
        scenario.python = formatVersion < 5 ? kLegacyPython : kDefaultPython;
        if (doc.contains("python")) {
            const json& python = doc["python"];
            if (!python.is_string() || !ParsePythonVersion(python.get<std::string>(), scenario.python))
                return Fail("python", "must be one of " + std::string(PythonIdList()) + ", got " + Show(python));
        }
        if (doc.contains("format") && !(doc["format"].is_string() && doc["format"].get_ref<const std::string&>() == "interleave-scenario"))
            return Fail("format", "must be \"interleave-scenario\" when given");
        if (doc.contains("name")) {
            if (!doc["name"].is_string() || doc["name"].get<std::string>().size() > 200)
                return Fail("name", "must be a string of at most 200 characters");
            scenario.name = doc["name"].get<std::string>();
        }
        if (doc.contains("description")) {
            if (!doc["description"].is_string() || doc["description"].get<std::string>().size() > 4000)
                return Fail("description", "must be a string of at most 4000 characters");
            scenario.description = doc["description"].get<std::string>();
        }
        if (doc.contains("main_imports") &&
            !Duration(doc["main_imports"], "main_imports", 0, 10'000'000'000, scenario.mainImports))
            return false;
        if (!doc.contains("tasks")) return Fail("tasks", "is missing: a scenario needs at least one task group");
        if (!ParseTasks(doc["tasks"])) return false;
        if (doc.contains("queues") && !ParseQueues(doc["queues"])) return false;
        if (doc.contains("model") && !ParseModel(doc["model"])) return false;
        if (doc.contains("machine") && !ParseMachine(doc["machine"])) return false;
        Model& model = scenario.model;
        // A file written before versions named the release meant the free-threaded model's old default slowdown.
        if (formatVersion < 5 && model.kind == ModelKind::FreeThreaded && model.freeThreadedSlowdown == 0)
            model.freeThreadedSlowdown = 1.1;
        if (!startMethodGiven) model.startMethod = RunPythonInfo(scenario).defaultStartMethod;
        if (doc.contains("story") && !ParseStory(doc["story"], scenario, scenario.story, error)) return false;
        if (doc.contains("python_gil")) {
            const json& gil = doc["python_gil"];
            if (!gil.is_number_integer() || (gil.get<int64_t>() != 0 && gil.get<int64_t>() != 1))
                return Fail("python_gil", "must be 1 (PYTHON_GIL=1: the GIL switched back on) or 0, got " + Show(gil));
            scenario.pythonGil = gil.get<int64_t>() == 1;
            if (scenario.pythonGil && !RunPython(scenario).freeThreaded)
                return Fail("python_gil", "PYTHON_GIL=1 switches the GIL back on in a free-threaded build (3.13t, 3.14t, "
                                          "3.15t); the scenario runs on " + PythonVersionName(RunPython(scenario)) +
                                          ", which always has it");
        }
        if (std::string missing = MissingFromRelease(scenario); !missing.empty())
            return Fail(model.eagerTasks && !RunPythonInfo(scenario).eagerTaskFactory ? "model.eager_tasks" : "model.kind",
                        missing);
        return true;
    }
};

}  // namespace

bool ApplyProfileFields(const nlohmann::json& fields, MachineProfile& profile, ParseError& error) {
    error = ParseError{};
    Scenario scratch;
    MachineProfile result = profile;
    Parser parser{error, scratch, {}, {}};
    if (!parser.ParseProfile(fields, result)) return false;
    profile = result;
    return true;
}

std::optional<Scenario> ParseScenario(std::string_view text, ParseError& error) {
    error = ParseError{};
    json doc;
    if (!jsonio::ParseBoundedJson(text, doc, error.reason, {Limits::kMaxScenarioBytes, Limits::kMaxJsonDepth}, "the scenario"))
        return std::nullopt;
    Scenario scenario;
    Parser parser{error, scenario, {}, {}};
    if (!parser.ParseRoot(doc)) return std::nullopt;
    return scenario;
}

// [SECTION] Writing

namespace {

json StepToJson(const Scenario& scenario, const Step& step) {
    std::string key(StepKindName(step.kind));
    switch (step.kind) {
        case StepKind::Cpu:
        case StepKind::CCall:
        case StepKind::Io:
        case StepKind::Await:
        case StepKind::BlockingCall:
            if (step.kind == StepKind::Io && step.replyAfter > 0)
                return json{{key, std::to_string(step.duration) + "ns"},
                            {"reply_after", std::to_string(step.replyAfter) + "ns"}};
            return json{{key, std::to_string(step.duration) + "ns"}};
        case StepKind::Acquire:
        case StepKind::Release:
        case StepKind::Increment:
        case StepKind::Put:
        case StepKind::Get:
        case StepKind::Set:
        case StepKind::Wait: return json{{key, scenario.names.at(step.name)}};
        case StepKind::Send:
        case StepKind::Return:
            if (step.payload == PayloadKind::Objects) return json{{key, step.bytes}, {"payload", "objects"}};
            return json{{key, step.bytes}};
        case StepKind::Fail: return json{{key, true}};
        case StepKind::ToThread:
            return json{{key, json{{std::string(StepKindName(step.inner)), std::to_string(step.duration) + "ns"}}}};
        case StepKind::Children: {
            const ChildGroup& child = scenario.children.at(static_cast<size_t>(step.children));
            json body = json::array();
            for (const Step& s : child.steps) body.push_back(StepToJson(scenario, s));
            json spec = {{"name", child.name}, {"count", child.count}, {"via", ChildViaName(child.via)}};
            if (child.via == ChildVia::Executor && child.maxWorkers > 0) spec["max_workers"] = child.maxWorkers;
            spec["steps"] = std::move(body);
            return json{{key, std::move(spec)}};
        }
        case StepKind::Repeat: {
            json body = json::array();
            for (const Step& s : step.body) body.push_back(StepToJson(scenario, s));
            return json{{"repeat", step.repeat}, {"steps", body}};
        }
    }
    return json::object();
}

std::string Ns(TimeNs ns) { return std::to_string(ns) + "ns"; }

json ProfileObject(const MachineProfile& p) {
    return {{"switch_interval", Ns(p.switchInterval)},
            {"forced_switching", p.forcedSwitching},
            {"eval_breaker_latency", Ns(p.evalBreakerLatency)},
            {"time_slice", Ns(p.timeSlice)},
            {"scheduler", OsSchedulerName(p.scheduler)},
            {"wakeup_latency", Ns(p.wakeupLatency)},
            {"wakeup_latency_shallow", Ns(p.wakeupLatencyShallow)},
            {"shallow_idle", Ns(p.shallowIdle)},
            {"waker_cost", Ns(p.wakerCost)},
            {"waker_cost_shallow", Ns(p.wakerCostShallow)},
            {"requester_wins", p.requesterWins},
            {"wakeup_spread", p.wakeupSpread},
            {"timer_slack", Ns(p.timerSlack)},
            {"timer_wakeup", Ns(p.timerWakeup)},
            {"context_switch", Ns(p.contextSwitch)},
            {"thread_start", Ns(p.threadStart)},
            {"process_start_fork", Ns(p.processStartFork)},
            {"fork_child_start", Ns(p.forkChildStart)},
            {"process_start_spawn", Ns(p.processStartSpawn)},
            {"process_start_forkserver", Ns(p.processStartForkserver)},
            {"forkserver_request", Ns(p.forkserverRequest)},
            {"forkserver_start", Ns(p.forkserverStart)},
            {"main_rerun", Ns(p.mainRerun)},
            {"pool_import", Ns(p.poolImport)},
            {"pool_setup", Ns(p.poolSetup)},
            {"pool_teardown", Ns(p.poolTeardown)},
            {"pool_teardown_worker", Ns(p.poolTeardownWorker)},
            {"interpreter_start", Ns(p.interpreterStart)},
            {"interpreter_call_overhead", Ns(p.interpreterCallOverhead)},
            {"pickle_throughput", p.pickleBytesPerSecond},
            {"unpickle_throughput", p.unpickleBytesPerSecond},
            {"pickle_objects_throughput", p.pickleObjectsBytesPerSecond},
            {"unpickle_objects_throughput", p.unpickleObjectsBytesPerSecond},
            {"message_overhead", Ns(p.messageOverhead)},
            {"page_touch", Ns(p.pageTouch)},
            {"loop_step_overhead", Ns(p.loopStepOverhead)},
            {"eager_step_overhead", Ns(p.eagerStepOverhead)},
            {"counter_increment", Ns(p.counterIncrement)},
            {"queue_operation", Ns(p.queueOperation)},
            {"async_queue_operation", Ns(p.asyncQueueOperation)},
            {"mp_queue_put", Ns(p.mpQueuePut)},
            {"mp_queue_feed", Ns(p.mpQueueFeed)},
            {"mp_queue_get", Ns(p.mpQueueGet)},
            {"mp_pipe_send", Ns(p.mpPipeSend)},
            {"mp_pipe_recv", Ns(p.mpPipeRecv)},
            {"executor_submit", Ns(p.executorSubmit)},
            {"as_completed_yield", Ns(p.asCompletedYield)}};
}

}  // namespace

std::string ProfileToJson(const MachineProfile& profile) { return ProfileObject(profile).dump(2); }

std::string ScenarioToJson(const Scenario& scenario) {
    json tasks = json::array();
    for (const TaskGroup& group : scenario.groups) {
        json steps = json::array();
        for (const Step& step : group.steps) steps.push_back(StepToJson(scenario, step));
        tasks.push_back({{"name", group.name}, {"count", group.count}, {"steps", steps}});
    }
    const Model& m = scenario.model;
    json model = {{"kind", ModelKindName(m.kind)}};
    if (m.workers > 0) model["workers"] = m.workers;
    if (Info(m.kind).processPool) model["start_method"] = StartMethodName(m.startMethod);
    if (m.chunksize > 0) model["chunksize"] = m.chunksize;
    if (m.semaphore > 0) model["semaphore"] = m.semaphore;
    if (m.taskGroup) model["task_group"] = true;
    if (m.eagerTasks) model["eager_tasks"] = true;
    if (m.freeThreadedSlowdown > 0) model["slowdown"] = m.freeThreadedSlowdown;
    json doc = {{"format", "interleave-scenario"}, {"version", kScenarioFormatVersion}, {"name", scenario.name}, {"description", scenario.description},
                {"python", PythonVersionName(scenario.python)},
                {"tasks", tasks}, {"model", model}, {"machine", {{"cores", scenario.machine.cores}, {"profile", ProfileObject(scenario.machine.profile)}}}};
    if (scenario.pythonGil && RunPython(scenario).freeThreaded) doc["python_gil"] = 1;  // elsewhere it means nothing
    if (scenario.mainImports > 0) doc["main_imports"] = Ns(scenario.mainImports);
    if (scenario.machine.backgroundLoad > 0) doc["machine"]["background_load"] = scenario.machine.backgroundLoad;
    if (scenario.machine.seed > 0) doc["machine"]["seed"] = scenario.machine.seed;
    if (!scenario.queues.empty()) {
        json queues = json::object();
        for (const QueueSpec& spec : scenario.queues)
            queues[scenario.names.at(spec.name)] = spec.pipe ? json{{"pipe", true}} : json{{"maxsize", spec.maxsize}};
        doc["queues"] = queues;
    }
    if (!scenario.story.Empty()) doc["story"] = StoryToJson(scenario.story);
    return doc.dump(2);
}

}  // namespace interleave::scenario
