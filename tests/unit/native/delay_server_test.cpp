// The delay server: answers after the requested delay, on 127.0.0.1 only.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "native/runtime.h"
#include "native_test_support.h"

namespace interleave::native {
namespace {

TEST(DelayServer, AnswersAfterTheRequestedDelay) {
    DelayServer server;
    std::string error;
    ASSERT_TRUE(server.Start(error)) << error;
    int fd = ConnectDelay(server.Port());
    ASSERT_GE(fd, 0);
    for (int64_t ms : {30, 5}) {
        int64_t t0 = MonoNs();
        ASSERT_TRUE(DelayRequest(fd, ms * 1'000'000));
        double took = static_cast<double>(MonoNs() - t0) / 1e6;
        EXPECT_GE(took, static_cast<double>(ms) * 0.99);
        EXPECT_LT(took, static_cast<double>(ms) + 100.0);
    }
    close(fd);
}

TEST(DelayServer, ListensOnLoopbackOnly) {
    DelayServer server;
    std::string error;
    ASSERT_TRUE(server.Start(error)) << error;
    char port[8];
    std::snprintf(port, sizeof port, "%04X", server.Port());
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    bool found = false;
    while (std::getline(tcp, line)) {
        std::istringstream is(line);
        std::string slot, local, remote, state;
        is >> slot >> local >> remote >> state;
        if (state != "0A" || local.substr(local.find(':') + 1) != port) continue;  // LISTEN on our port
        found = true;
        EXPECT_EQ(local.substr(0, local.find(':')), "0100007F") << "listens beyond 127.0.0.1";
    }
    EXPECT_TRUE(found);
}

TEST(DelayServer, ServesManyConnectionsAtOnce) {
    DelayServer server;
    std::string error;
    ASSERT_TRUE(server.Start(error)) << error;
    std::vector<int> fds;
    for (int i = 0; i < 20; ++i) fds.push_back(ConnectDelay(server.Port()));
    int64_t t0 = MonoNs();
    for (int fd : fds) ASSERT_TRUE(SendDelayRequest(fd, 50'000'000));
    for (int fd : fds) {
        char buf[2];
        ASSERT_EQ(read(fd, buf, 2), 2);
        close(fd);
    }
    EXPECT_LT(static_cast<double>(MonoNs() - t0) / 1e6, 300.0);  // concurrently, not 20 x 50 ms
}

}  // namespace
}  // namespace interleave::native

TEST(BusyProcesses, SpinForTheRunAndAreGoneAfterIt) {
    std::vector<int> pids;
    {
        const interleave::native::BusyProcesses busy(2);
        ASSERT_EQ(busy.Running(), 2u);
        // Each child spins: its CPU time grows while we sleep.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::ifstream stat("/proc/" + std::to_string(getpid()) + "/task/" + std::to_string(getpid()) + "/children");
        int pid = 0;
        while (stat >> pid) pids.push_back(pid);
        ASSERT_EQ(pids.size(), 2u);
        for (int child : pids) {
            std::ifstream s("/proc/" + std::to_string(child) + "/stat");
            std::string field;
            for (int i = 0; i < 14 && s >> field; ++i) {}
            EXPECT_GT(std::stol(field), 0) << "utime of busy process " << child;
        }
    }
    for (int child : pids) EXPECT_NE(kill(child, 0), 0) << "busy process " << child << " outlived the run";
}
