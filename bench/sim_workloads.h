#pragma once
// The simulator's benchmark workloads, shared by the Google Benchmark suite (native) and the
// standalone runner that also runs as wasm under node (tools/simbench).
#include <string>

namespace interleave::bench {

// 10,000 tasks that compute, wait on I/O and compute again.
inline std::string TenThousandTasks(const char* model) {
    return std::string(R"({"tasks":[{"name":"job","count":10000,"steps":[{"cpu":"200us"},{"await":"5ms"},{"cpu":"100us"}]}],"model":{"kind":")") +
           model + R"("},"machine":{"cores":8}})";
}

// 1,000 threads, each 1,000 steps (500 rounds of Python work and a short I/O).
inline std::string ThousandThreadsThousandSteps() {
    return R"({"tasks":[{"name":"t","count":1000,"steps":[{"repeat":500,"steps":[{"cpu":"20us"},{"io":"50us"}]}]}],"model":{"kind":"threads"},"machine":{"cores":8}})";
}

}  // namespace interleave::bench
