// The memory policy of the programs that simulate (src/platform/memory.h), checked in a process that
// links it the way the app and the benchmarks do.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "platform/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

// The VmFlags line of the mapping in /proc/self/smaps that contains `address`.
std::string FlagsOfMappingAt(const void* address) {
    const auto at = reinterpret_cast<uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream header(line);
        if (header >> std::hex >> begin >> dash >> end && dash == '-' && line.find(' ') != std::string::npos &&
            line.find(':') > line.find(' ')) {
            inside = at >= begin && at < end;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

bool PolicyApplies() {
#if defined(__GLIBC__) && defined(__linux__)
    return interleave::platform::MemoryPolicyApplied();
#else
    return false;
#endif
}

}  // namespace

TEST(MemoryPolicy, IsAppliedBeforeMainWhereGlibcIsTheAllocator) {
#if defined(__GLIBC__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    EXPECT_TRUE(interleave::platform::MemoryPolicyApplied());
#else
    EXPECT_FALSE(interleave::platform::MemoryPolicyApplied());
#endif
}

TEST(MemoryPolicy, LargeBlocksFromNewAreAdvisedToUseHugePages) {
    if (!PolicyApplies()) GTEST_SKIP() << "no memory policy in this build";
    if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) GTEST_SKIP() << "this kernel has no transparent huge pages";
    const size_t bytes = size_t{16} << 20;
    std::unique_ptr<char[]> block(new char[bytes]);
    const uintptr_t aligned = (reinterpret_cast<uintptr_t>(block.get()) + (size_t{2} << 20) - 1) & ~((size_t{2} << 20) - 1);
    const std::string flags = FlagsOfMappingAt(reinterpret_cast<const void*>(aligned));
    ASSERT_FALSE(flags.empty()) << "no mapping found in /proc/self/smaps";
    EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;

    std::unique_ptr<char[]> small(new char[64 << 10]);  // small blocks are left as they are
    EXPECT_EQ(FlagsOfMappingAt(small.get()).find(" hg"), std::string::npos);
}

#if defined(__GLIBC__)
TEST(MemoryPolicy, FreedBlocksUpTo32MegabytesStayInTheHeapForReuse) {
    if (!PolicyApplies()) GTEST_SKIP() << "no memory policy in this build";
    const struct mallinfo2 before = mallinfo2();
    void* block = std::malloc(size_t{24} << 20);  // glibc's default would map this and unmap it when freed
    ASSERT_NE(block, nullptr);
    const struct mallinfo2 holding = mallinfo2();
    EXPECT_EQ(holding.hblkhd, before.hblkhd) << "the block was mapped on its own instead of taken from the heap";
    std::free(block);
    const struct mallinfo2 after = mallinfo2();
    EXPECT_GE(after.arena, holding.arena) << "the heap was trimmed back to the kernel";
    EXPECT_GE(after.fordblks, size_t{24} << 20) << "the freed block is not kept for the next allocation";
}
#endif
