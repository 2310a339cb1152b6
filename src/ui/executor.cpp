// The two executors: one background worker thread, or in-frame slices. See executor.h.
#include "ui/executor.h"

#include <algorithm>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include <pthread.h>

namespace interleave::ui {

namespace {

// The worker is a raw pthread rather than a std::thread so that a build without threads (the
// single-threaded wasm, where pthread_create fails with EAGAIN) can be detected at run time without
// an exception: std::thread would throw, and Emscripten's default -fignore-exceptions turns that into
// an abort. MakeExecutor then falls back to the inline executor.
class ThreadExecutor final : public Executor {
public:
    bool Start() {
        m_started = pthread_create(&m_worker, nullptr, &ThreadExecutor::Entry, this) == 0;
        return m_started;
    }
    ~ThreadExecutor() override {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            m_jobs.clear();  // queued jobs are dropped; the running one finishes (its owner cancels it)
        }
        m_wake.notify_all();
        if (m_started) pthread_join(m_worker, nullptr);
    }
    void SubmitSliced(std::function<bool()> job) override {
        {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(std::move(job));
            ++m_pending;
        }
        m_wake.notify_one();
    }
    void Pump(double) override {}
    int Pending() const override { return m_pending.load(); }
    bool Threaded() const override { return true; }

private:
    static void* Entry(void* self) {
        static_cast<ThreadExecutor*>(self)->Run();
        return nullptr;
    }
    void Run() {
        for (;;) {
            std::function<bool()> job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
                if (m_stop) return;
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            while (!job()) {
            }
            --m_pending;
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<bool()>> m_jobs;
    std::atomic<int> m_pending{0};
    bool m_stop = false;
    bool m_started = false;
    pthread_t m_worker{};
};

class InlineExecutor final : public Executor {
public:
    void SubmitSliced(std::function<bool()> job) override { m_jobs.push_back(std::move(job)); }
    void Pump(double budgetMs) override {
        const auto start = std::chrono::steady_clock::now();
        auto spentMs = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(); };
        // Only jobs queued before this frame: ones they queue wait for the next frame.
        size_t n = m_jobs.size();
        while (n-- > 0 && !m_jobs.empty()) {
            auto job = std::move(m_jobs.front());
            m_jobs.pop_front();
            bool done = job();
            while (!done && spentMs() < budgetMs) done = job();
            if (!done) {
                // Out of budget mid-job: it goes on first thing next frame, before later jobs.
                m_jobs.push_front(std::move(job));
                break;
            }
            if (spentMs() >= budgetMs) break;
        }
    }
    int Pending() const override { return int(m_jobs.size()); }
    bool Threaded() const override { return false; }

private:
    std::deque<std::function<bool()>> m_jobs;
};

}  // namespace

double FrameWorkBudgetMs(double restOfLastFrameMs) {
    if (!(restOfLastFrameMs > kMinFrameWorkMs)) return kMinFrameWorkMs;  // NaN too
    return std::min(restOfLastFrameMs, kMaxFrameWorkMs);
}

std::unique_ptr<Executor> MakeExecutor(bool backgroundThreads) {
    if (backgroundThreads) {
        auto threaded = std::make_unique<ThreadExecutor>();
        if (threaded->Start()) return threaded;
    }
    return std::make_unique<InlineExecutor>();
}

}  // namespace interleave::ui
