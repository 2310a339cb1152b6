// The process's memory policy (see memory.h), linked as an object into the executables that simulate:
// the app and its command line, the benchmarks.
#include "platform/memory.h"

// Sanitizer builds keep their own allocator (ASan would see malloc'd blocks freed by operator delete).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define INTERLEAVE_MEMORY_POLICY 0
#elif defined(__linux__) && defined(__GLIBC__)
#define INTERLEAVE_MEMORY_POLICY 1
#else
#define INTERLEAVE_MEMORY_POLICY 0
#endif

#if INTERLEAVE_MEMORY_POLICY
#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace interleave::platform {

namespace {

constexpr size_t kHugePageBytes = size_t{2} << 20;
constexpr size_t kHugePagesFrom = size_t{4} << 20;  // blocks this large get huge pages

void AdviseHugePages(void* block, size_t bytes) {
    const auto begin = (reinterpret_cast<uintptr_t>(block) + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    const auto end = (reinterpret_cast<uintptr_t>(block) + bytes) & ~(kHugePageBytes - 1);
    // Only a hint: where the kernel has no huge pages to give, the block keeps small ones.
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

bool ApplyMemoryPolicy() {
    // Freed memory stays in the heap for the next simulation instead of going back to the kernel and
    // being faulted in again (by default glibc maps blocks over 128 KB..32 MB, adapting, and unmaps them
    // when freed, and trims the heap's top beyond 128 KB).
    const bool threshold = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;  // the largest value glibc takes
    const bool trim = mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
    return threshold && trim;
}

const bool g_memoryPolicyApplied = ApplyMemoryPolicy();

void* AllocateWithHugePages(size_t bytes) {
    if (bytes == 0) bytes = 1;
    for (;;) {
        if (void* block = std::malloc(bytes)) {
            if (bytes >= kHugePagesFrom) AdviseHugePages(block, bytes);
            return block;
        }
        std::new_handler handler = std::get_new_handler();
        if (!handler) throw std::bad_alloc();
        handler();
    }
}

}  // namespace

bool MemoryPolicyApplied() { return g_memoryPolicyApplied; }

}  // namespace interleave::platform

// Replaces the global allocation function. libstdc++'s other forms of new (array, nothrow) forward to it,
// and its operator delete is free(), which matches malloc.
void* operator new(std::size_t bytes) { return interleave::platform::AllocateWithHugePages(bytes); }

#else

namespace interleave::platform {
bool MemoryPolicyApplied() { return false; }
}  // namespace interleave::platform

#endif
