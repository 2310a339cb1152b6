#pragma once
// The memory policy of the programs that simulate (glibc on Linux only; elsewhere nothing changes).
//
// A simulation writes its trace into memory it has just allocated: 80 MB of spans for 2.5 million spans.
// The first write to each fresh 4 KB page is a page fault, and on a virtual machine a fault costs
// microseconds: measured 7 us on this project's VM, where page faults were over half of the time of the
// 1,000 threads x 1,000 steps benchmark. Two remedies, both process-wide, applied by linking this file:
//   - blocks of 4 MB and more are advised to use transparent huge pages (one fault per 2 MB), where the
//     kernel allows it (`madvise` mode or `always` in /sys/kernel/mm/transparent_hugepage/enabled);
//   - freed memory is kept for reuse (the playground simulates again on every edit, comparison and sweep
//     point) rather than returned to the kernel and faulted in again.
#include <cstddef>

namespace interleave::platform {

// Whether the policy was applied, once, before main() (the benchmarks print it beside their figures):
// false without glibc, and in sanitizer builds, which keep their own allocator.
bool MemoryPolicyApplied();

}  // namespace interleave::platform
