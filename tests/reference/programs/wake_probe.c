// How long a thread blocked on a condition variable takes to run after a signal, against how long its core has
// been idle: the source of machine.profile's wakeup_latency_shallow and shallow_idle (docs/machine-profile.md).
//
// The waiter blocks on a condition variable (as take_gil() does); the signaller spins for D us, so the waiter's
// core idles for D us while the signaller's stays busy (as an I/O thread's does in a syscall), then signals and
// spins until the waiter has written the time it woke. Prints p10/p50/p90 of the signal-to-running latency per D,
// and what the signal cost the signaller (mutex, pthread_cond_signal, unlock: the futex wake of a sleeping waiter
// is a system call and, to another core, an inter-processor interrupt), against the same three calls with nobody
// waiting (the last line): the source of machine.profile's gil_signal_cost.
// With --sem the waiter blocks in sem_wait() and the signaller calls sem_post(), as a threading.Lock's acquire and
// release do (CPython 3.11's thread_pthread.h, USE_SEMAPHORES: PyThread_acquire_lock_timed, PyThread_release_lock).
// With --pipe the waiter is a forked process blocked in read() on a pipe and the signaller write()s one byte to it, as
// a multiprocessing.Queue's feeder thread and a multiprocessing.Pipe's send() write to a reader asleep in recv()
// (Lib/multiprocessing/connection.py: _send_bytes -> os.write, _recv_bytes -> os.read).
// With --timer nobody signals: the waiter's pthread_cond_timedwait() runs out (CLOCK_MONOTONIC, as take_gil()'s
// COND_TIMED_WAIT of one switch interval does) while the main thread spins on the other core (the GIL's holder), and
// it prints how late the waiter runs after its deadline, for deadlines 1, 5 and 50 ms ahead: the timer slack plus
// the wake-up of a core idle since the wait began. The source of machine.profile's timer_wakeup.
//
//   gcc -O2 -pthread tests/reference/programs/wake_probe.c -o /tmp/wake_probe
//   /tmp/wake_probe [--sem|--pipe|--timer] [REPS]
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t NowNs(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static int g_signalled = 0;
// Shared with the waiter (a forked process under --pipe: the mapping is MAP_SHARED).
struct Shared {
    atomic_llong wokeAt;
    atomic_int aboutToWait;
};
static struct Shared* g_shared;
static int g_useSem = 0, g_usePipe = 0;
static sem_t g_sem;
static int g_pipe[2];

static void* Waiter(void* unused) {
    (void)unused;
    for (;;) {
        if (g_usePipe) {
            char byte;
            atomic_store(&g_shared->aboutToWait, 1);
            const ssize_t got = read(g_pipe[0], &byte, 1);
            if (got <= 0) return NULL;  // the signaller closed its end: done
            atomic_store(&g_shared->wokeAt, NowNs());
            continue;
        }
        if (g_useSem) {
            atomic_store(&g_shared->aboutToWait, 1);
            while (sem_wait(&g_sem) != 0) {}
            atomic_store(&g_shared->wokeAt, NowNs());
            continue;
        }
        pthread_mutex_lock(&g_mutex);
        atomic_store(&g_shared->aboutToWait, 1);
        while (!g_signalled) pthread_cond_wait(&g_cond, &g_mutex);
        g_signalled = 0;
        pthread_mutex_unlock(&g_mutex);
        atomic_store(&g_shared->wokeAt, NowNs());
    }
    return NULL;
}

static int ByValue(const void* a, const void* b) {
    const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return x < y ? -1 : x > y;
}

// --timer: each timed wait's lateness, measured by the waiter itself; the main thread keeps its own core busy.
struct TimedWaits {
    int64_t aheadUs;
    int reps;
    int64_t* lateness;
    atomic_int done;
};

static void* TimedWaiter(void* arg) {
    struct TimedWaits* w = arg;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_t cond;
    pthread_cond_init(&cond, &attr);
    for (int r = 0; r < w->reps; ++r) {
        const int64_t deadline = NowNs() + w->aheadUs * 1000LL;
        const struct timespec at = {deadline / 1000000000LL, deadline % 1000000000LL};
        pthread_mutex_lock(&g_mutex);
        while (pthread_cond_timedwait(&cond, &g_mutex, &at) != ETIMEDOUT) {}
        pthread_mutex_unlock(&g_mutex);
        w->lateness[r] = NowNs() - deadline;
    }
    atomic_store(&w->done, 1);
    return NULL;
}

static int TimerProbe(int reps) {
    const int aheadUs[] = {1000, 5000, 50000};
    int64_t* lateness = malloc(sizeof(int64_t) * (size_t)reps);
    for (size_t k = 0; k < sizeof aheadUs / sizeof aheadUs[0]; ++k) {
        // Fewer 50 ms waits: the same few seconds for each deadline.
        const int n = aheadUs[k] >= 50000 ? (reps / 10 > 10 ? reps / 10 : 10) : reps;
        struct TimedWaits w = {aheadUs[k], n, lateness, 0};
        pthread_t waiter;
        pthread_create(&waiter, NULL, TimedWaiter, &w);
        volatile uint64_t spin = 0;
        while (!atomic_load(&w.done)) ++spin;
        pthread_join(waiter, NULL);
        qsort(lateness, (size_t)n, sizeof(int64_t), ByValue);
        printf("{\"mode\": \"timedwait\", \"ahead_us\": %d, \"n\": %d, \"late_us_p10\": %.1f, "
               "\"late_us_p50\": %.1f, \"late_us_p90\": %.1f}\n",
               aheadUs[k], n, lateness[n / 10] / 1e3, lateness[n / 2] / 1e3, lateness[n * 9 / 10] / 1e3);
    }
    free(lateness);
    return 0;
}

// The signaller's side of one wake-up: what it costs the thread that wakes the waiter.
static void Signal(void) {
    if (g_usePipe) {
        const char byte = 'x';
        if (write(g_pipe[1], &byte, 1) != 1) abort();
        return;
    }
    if (g_useSem) {
        sem_post(&g_sem);
        return;
    }
    pthread_mutex_lock(&g_mutex);
    g_signalled = 1;
    pthread_cond_signal(&g_cond);
    pthread_mutex_unlock(&g_mutex);
}

int main(int argc, char** argv) {
    int arg = 1, timer = 0;
    if (arg < argc && strcmp(argv[arg], "--sem") == 0) {
        g_useSem = 1;
        ++arg;
    } else if (arg < argc && strcmp(argv[arg], "--pipe") == 0) {
        g_usePipe = 1;
        ++arg;
    } else if (arg < argc && strcmp(argv[arg], "--timer") == 0) {
        timer = 1;
        ++arg;
    }
    sem_init(&g_sem, 0, 0);
    const int reps = arg < argc ? atoi(argv[arg]) : 300;
    if (reps < 10 || reps > 1000000 || arg + 1 < argc) {
        fprintf(stderr, "usage: wake_probe [--sem|--pipe|--timer] [REPS, 10..1000000]\n");
        return 2;
    }
    if (timer) return TimerProbe(reps);
    g_shared = mmap(NULL, sizeof *g_shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g_shared == MAP_FAILED) return 1;
    atomic_store(&g_shared->wokeAt, 0);
    atomic_store(&g_shared->aboutToWait, 0);
    pid_t child = -1;
    if (g_usePipe) {
        if (pipe(g_pipe) != 0) return 1;
        child = fork();
        if (child < 0) return 1;
        if (child == 0) {
            close(g_pipe[1]);
            Waiter(NULL);
            _exit(0);
        }
        close(g_pipe[0]);
    } else {
        pthread_t waiter;
        pthread_create(&waiter, NULL, Waiter, NULL);
    }
    const int idleUs[] = {1, 3, 10, 30, 100, 150, 200, 300, 500, 1000, 3000, 5000, 10000};
    int64_t* latency = malloc(sizeof(int64_t) * (size_t)reps);
    int64_t* signalCost = malloc(sizeof(int64_t) * (size_t)reps);
    for (size_t k = 0; k < sizeof idleUs / sizeof idleUs[0]; ++k) {
        for (int r = 0; r < reps; ++r) {
            while (!atomic_load(&g_shared->aboutToWait)) {}
            const int64_t idleFrom = NowNs();
            while (NowNs() - idleFrom < idleUs[k] * 1000LL) {}
            atomic_store(&g_shared->wokeAt, 0);
            atomic_store(&g_shared->aboutToWait, 0);
            const int64_t signalledAt = NowNs();
            Signal();
            signalCost[r] = NowNs() - signalledAt;
            while (atomic_load(&g_shared->wokeAt) == 0) {}
            latency[r] = atomic_load(&g_shared->wokeAt) - signalledAt;
        }
        qsort(latency, (size_t)reps, sizeof(int64_t), ByValue);
        qsort(signalCost, (size_t)reps, sizeof(int64_t), ByValue);
        printf("{\"mode\": \"%s\", \"idle_us\": %d, "
               "\"wake_us_p10\": %.1f, \"wake_us_p50\": %.1f, \"wake_us_p90\": %.1f, "
               "\"signal_us_p10\": %.2f, \"signal_us_p50\": %.2f, \"signal_us_p90\": %.2f}\n",
               g_usePipe ? "pipe_write" : g_useSem ? "sem_post" : "cond_signal", idleUs[k],
               latency[reps / 10] / 1e3, latency[reps / 2] / 1e3, latency[reps * 9 / 10] / 1e3,
               signalCost[reps / 10] / 1e3, signalCost[reps / 2] / 1e3, signalCost[reps * 9 / 10] / 1e3);
    }
    if (g_usePipe) {  // the reader leaves at end of file
        close(g_pipe[1]);
        waitpid(child, NULL, 0);
        if (pipe(g_pipe) != 0) return 1;
    }
    // The same calls with no thread waiting: no futex wake (under --pipe, a write nobody reads yet, read back after).
    pthread_cond_t alone = PTHREAD_COND_INITIALIZER;
    sem_t aloneSem;
    sem_init(&aloneSem, 0, 0);
    for (int r = 0; r < reps; ++r) {
        const int64_t start = NowNs();
        if (g_usePipe) {
            const char byte = 'x';
            if (write(g_pipe[1], &byte, 1) != 1) abort();
        } else if (g_useSem) {
            sem_post(&aloneSem);
        } else {
            pthread_mutex_lock(&g_mutex);
            pthread_cond_signal(&alone);
            pthread_mutex_unlock(&g_mutex);
        }
        signalCost[r] = NowNs() - start;
        if (g_useSem) sem_wait(&aloneSem);
        char byte;
        if (g_usePipe && read(g_pipe[0], &byte, 1) != 1) abort();
    }
    qsort(signalCost, (size_t)reps, sizeof(int64_t), ByValue);
    printf("{\"no_waiter_signal_us_p10\": %.2f, \"no_waiter_signal_us_p50\": %.2f, "
           "\"no_waiter_signal_us_p90\": %.2f}\n",
           signalCost[reps / 10] / 1e3, signalCost[reps / 2] / 1e3, signalCost[reps * 9 / 10] / 1e3);
    free(signalCost);
    free(latency);
    return 0;
}
