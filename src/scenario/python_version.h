#pragma once
// The CPython releases a scenario can name ("python": "3.14t"), and what each one brings: one table, read by the
// parser (defaults, and errors naming the release that has a feature), the models (the GIL, the free-threaded
// slowdown), the real runners (which interpreter to start) and the UI. Every fact names its source in
// docs/models.md ("Python versions").
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace interleave::scenario {

enum class StartMethod : uint8_t;

// 3.<minor>, with the GIL or free-threaded ("t": built with --disable-gil, PEP 703).
struct PythonVersion {
    int32_t minor = 11;
    bool freeThreaded = false;
    friend bool operator==(PythonVersion, PythonVersion) = default;
};

struct PythonInfo {
    PythonVersion version;
    std::string_view id;                 // "3.14t"
    StartMethod defaultStartMethod;      // multiprocessing's default on Linux: fork, forkserver from 3.14
    double freeThreadedSlowdown;         // pure-Python CPU time against the same release with the GIL (1 with it)
    bool interpreterPool;                // concurrent.futures.InterpreterPoolExecutor (3.14, PEP 734)
    bool eagerTaskFactory;               // asyncio.eager_task_factory (3.12)
    bool processCpuCount;                // os.process_cpu_count() sizes Pool and ProcessPoolExecutor (3.13)
    // The fork server runs the main module once, before it forks (gh-126631, gh-137996: fixed in 3.14 and 3.13's
    // maintenance releases); before that every forkserver worker ran it again, as a spawned worker does.
    bool forkserverPreloadsMain;
};

// Every release the format knows, oldest first.
std::span<const PythonInfo> Pythons();
// The entry for `version`, or nullptr for a release the table lacks (3.11t, 3.12t: no such builds).
const PythonInfo* FindPython(PythonVersion version);
bool ParsePythonVersion(std::string_view text, PythonVersion& out);  // "3.14t" -> {14, true}
std::string PythonVersionName(PythonVersion version);                 // {14, true} -> "3.14t"
std::string_view PythonIdList();                                      // "3.11, 3.12, ..., 3.15t"

// A scenario that does not name its Python: the current stable release, with the GIL.
inline constexpr PythonVersion kDefaultPython{15, false};
// ...except a file written before format version 5 (before versions existed): the release it was written and
// measured for, so its meaning does not change.
inline constexpr PythonVersion kLegacyPython{11, false};
// The first release with a free-threaded build.
inline constexpr int32_t kFirstFreeThreadedMinor = 13;

}  // namespace interleave::scenario
