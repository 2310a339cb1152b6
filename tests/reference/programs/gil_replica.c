// CPython 3.11's GIL (Python/ceval_gil.c: take_gil(), drop_gil(), FORCE_SWITCHING) rebuilt on the same pthread calls,
// with N CPU-bound threads that check a drop request about every microsecond as the eval loop does. It tells what the
// C library and the kernel do with the GIL's waiters, without CPython around it: which waiter wins each switch
// (ranked by how long it had waited since its last run, as gil_probe.py ranks them), the slices and hand-off gaps,
// how long a holder was off its core within a run (the longest gap between its clock readings), and how many runs
// began on the CPU the run before them was on. With IO 1, one more thread makes gil_probe.py's TCP round trips to an
// echo server in another process, dropping and taking the GIL around each call, and the output adds its round trips
// by their two halves, how its waits ended, and who took the GIL when a request was lost. Prints one JSON object.
//
//   gcc -O2 -pthread tests/reference/programs/gil_replica.c -o /tmp/gil_replica -lm &&
//   /tmp/gil_replica 4 5000 2 [BUSY [IO]]
//   (CPU-bound threads, switch interval in us, seconds, BUSY busy processes forked beside it: a loaded machine, and
//   IO 1 for the I/O thread)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxThreads = 16, kMaxRuns = 1 << 16 };

static int64_t NowNs(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    pthread_mutex_t switchMutex;
    pthread_cond_t switchCond;
    int locked;
    int lastHolder;
    unsigned long switchNumber;
    atomic_int dropRequest;
    long intervalUs;
} g_gil;

typedef struct {
    int64_t start, end;
    int thread;
    int64_t offCore;  // the longest gap between two clock readings inside the run: time off its core holding the GIL
    int cpu;          // sched_getcpu() when the run began
} Run;

static Run g_runs[kMaxRuns];
// How each timed wait ended: woken (a signal, or a wake-up no signal was meant for) or timed out; and how many
// signals drop_gil() sent. More wake-ups than signals means the C library woke waiters nobody signalled.
static atomic_long g_wokenWaits, g_timedOutWaits, g_signalsSent;
// Who set the drop request each switch answered, and whether the thread that took the GIL next was that requester.
static atomic_int g_requester = -1;
static atomic_long g_requesterWon, g_requestedSwitches;
static atomic_int g_runCount;
// The I/O thread's own waits (thread index g_ioThread; -1 without IO 1): timed out with no switch (it asked), timed
// out after a switch (it waits another interval), woken (a signal or a stolen one), and the requests it won.
static int g_ioThread = -1;
static atomic_long g_ioAsked, g_ioVoidTimeouts, g_ioWoken, g_ioRequestsWon;
// When each thread last entered pthread_cond_timedwait (under the GIL's mutex), and, at each switch a request
// caused, whether the winner and the requester had entered theirs before or after each other: who the C library
// hands the signal to when two are waiting.
static int64_t g_waitEntered[kMaxThreads];
static atomic_long g_lostToOlderEntry[2], g_lostToNewerEntry[2];
// How the wait that ended in a request had begun: 0 the thread's first wait after it called take_gil(), 1 a wait begun
// after a timeout that found a switch had happened (void), 2 after a wake-up that found the GIL taken; and, per
// kind, the requests made and won.
static int g_waitKind[kMaxThreads], g_askKind[kMaxThreads];
static atomic_long g_asksByKind[3], g_wonByKind[3];
// Requests lost, by whether the winner's last wait had ended by its own timeout or by a wake-up:
// [requester is the I/O thread][the winner timed out].
static int g_lastWaitTimedOut[kMaxThreads];
static atomic_long g_lostToWinnerWhoseWait[2][2];
static int64_t g_deadline;

static void TimedWait(long us, int self) {
    // PyCOND_TIMEDWAIT: an absolute CLOCK_MONOTONIC deadline (the condition variable is set to that clock).
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += (us % 1000000) * 1000;
    abs.tv_sec += us / 1000000 + abs.tv_nsec / 1000000000;
    abs.tv_nsec %= 1000000000;
    const unsigned long saved = g_gil.switchNumber;
    g_waitEntered[self] = NowNs();
    const int kind = g_waitKind[self];
    const int r = pthread_cond_timedwait(&g_gil.cond, &g_gil.mutex, &abs);
    atomic_fetch_add(r == ETIMEDOUT ? &g_timedOutWaits : &g_wokenWaits, 1);
    const int asks = r == ETIMEDOUT && g_gil.locked && g_gil.switchNumber == saved;
    if (self == g_ioThread) atomic_fetch_add(r != ETIMEDOUT ? &g_ioWoken : asks ? &g_ioAsked : &g_ioVoidTimeouts, 1);
    g_waitKind[self] = r == ETIMEDOUT ? 1 : 2;
    g_lastWaitTimedOut[self] = r == ETIMEDOUT;
    if (asks) {
        g_askKind[self] = kind;
        atomic_store(&g_gil.dropRequest, 1);
        atomic_store(&g_requester, self);
    }
}

static void TakeGil(int self) {
    pthread_mutex_lock(&g_gil.mutex);
    g_waitKind[self] = 0;
    while (g_gil.locked) TimedWait(g_gil.intervalUs, self);
    g_gil.locked = 1;
    const int requester = atomic_exchange(&g_requester, -1);
    if (requester >= 0 && g_gil.lastHolder != self) {
        atomic_fetch_add(&g_requestedSwitches, 1);
        if (requester == self) atomic_fetch_add(&g_requesterWon, 1);
        if (requester == self && self == g_ioThread) atomic_fetch_add(&g_ioRequestsWon, 1);
        const int io = requester == g_ioThread;
        atomic_fetch_add(&g_asksByKind[g_askKind[requester]], 1);
        if (requester == self) atomic_fetch_add(&g_wonByKind[g_askKind[requester]], 1);
        if (requester != self) {
            atomic_fetch_add(&g_lostToWinnerWhoseWait[io][g_lastWaitTimedOut[self]], 1);
            atomic_fetch_add(g_waitEntered[self] < g_waitEntered[requester] ? &g_lostToOlderEntry[io]
                                                                               : &g_lostToNewerEntry[io], 1);
        }
    }
    if (g_gil.lastHolder != self) {
        g_gil.lastHolder = self;
        ++g_gil.switchNumber;
    }
    pthread_mutex_lock(&g_gil.switchMutex);
    pthread_cond_signal(&g_gil.switchCond);
    pthread_mutex_unlock(&g_gil.switchMutex);
    atomic_store(&g_gil.dropRequest, 0);
    pthread_mutex_unlock(&g_gil.mutex);
}

static void DropGil(int self) {
    pthread_mutex_lock(&g_gil.mutex);
    g_gil.locked = 0;
    pthread_cond_signal(&g_gil.cond);
    atomic_fetch_add(&g_signalsSent, 1);
    pthread_mutex_unlock(&g_gil.mutex);
    if (atomic_load(&g_gil.dropRequest)) {
        pthread_mutex_lock(&g_gil.switchMutex);
        if (g_gil.lastHolder == self) {
            atomic_store(&g_gil.dropRequest, 0);
            pthread_cond_wait(&g_gil.switchCond, &g_gil.switchMutex);
        }
        pthread_mutex_unlock(&g_gil.switchMutex);
    }
}

static void* CpuThread(void* arg) {
    const int self = (int)(intptr_t)arg;
    TakeGil(self);
    for (;;) {
        const int64_t start = NowNs();
        const int cpu = sched_getcpu();
        int64_t now = start, offCore = 0;
        volatile unsigned x = 0;
        while (!atomic_load(&g_gil.dropRequest) && now < g_deadline) {
            for (int i = 0; i < 50; ++i) x += (unsigned)i;  // about a microsecond of "bytecodes"
            const int64_t before = now;
            now = NowNs();
            if (now - before > offCore) offCore = now - before;
        }
        const int n = atomic_fetch_add(&g_runCount, 1);
        if (n < kMaxRuns) g_runs[n] = (Run){start, now, self, offCore, cpu};
        if (now >= g_deadline) break;
        DropGil(self);
        TakeGil(self);
    }
    DropGil(self);
    return NULL;
}

// The I/O thread: gil_probe.py's round trip (sendall and recv of one byte to an echo server in another process over
// TCP, each releasing the GIL around the call as CPython's socket module does), timed by its two halves.
enum { kMaxTrips = 1 << 15 };
static int64_t g_sendPhase[kMaxTrips], g_recvPhase[kMaxTrips];
static int g_trips;

static void* IoThread(void* arg) {
    const int fd = (int)(intptr_t)arg, self = g_ioThread;
    char b = 'x';
    TakeGil(self);
    for (;;) {
        const int64_t t0 = NowNs();
        if (t0 >= g_deadline) break;
        DropGil(self);
        if (send(fd, &b, 1, 0) != 1) break;
        TakeGil(self);
        const int64_t t1 = NowNs();
        DropGil(self);
        if (recv(fd, &b, 1, 0) != 1) break;
        TakeGil(self);
        const int64_t t2 = NowNs();
        if (g_trips < kMaxTrips) {
            g_sendPhase[g_trips] = t1 - t0;
            g_recvPhase[g_trips++] = t2 - t1;
        }
    }
    DropGil(self);
    return NULL;
}

// An echo server in a child process, as gil_probe.py's: returns the connected client socket, or -1.
static int EchoConnection(pid_t* server) {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, (struct sockaddr*)&addr, &len) != 0)
        return -1;
    const int one = 1;
    *server = fork();
    if (*server == 0) {
        const int conn = accept(listener, NULL, NULL);
        setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char b;
        while (recv(conn, &b, 1, 0) == 1 && send(conn, &b, 1, 0) == 1) {
        }
        _exit(0);
    }
    close(listener);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
        kill(*server, SIGKILL);  // it waits in accept() for a client that never comes
        waitpid(*server, NULL, 0);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int ByStart(const void* a, const void* b) {
    const int64_t x = ((const Run*)a)->start, y = ((const Run*)b)->start;
    return x < y ? -1 : x > y;
}

static int ByValue(const void* a, const void* b) {
    const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return x < y ? -1 : x > y;
}

static double Pick(int64_t* v, int n, double q) {
    if (n == 0) return 0;
    qsort(v, (size_t)n, sizeof(int64_t), ByValue);
    int i = (int)(q * n);
    return (double)v[i < n ? i : n - 1] / 1e3;
}

int main(int argc, char** argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 4;
    const long intervalUs = argc > 2 ? atol(argv[2]) : 5000;
    const double seconds = argc > 3 ? atof(argv[3]) : 2.0;
    const int busy = argc > 4 ? atoi(argv[4]) : 0;
    const int io = argc > 5 ? atoi(argv[5]) : 0;
    if (threads < 1 || threads > kMaxThreads - 1 || intervalUs < 1 || intervalUs > 1000000 || seconds <= 0 ||
        seconds > 60 || busy < 0 || busy > kMaxThreads || io < 0 || io > 1 || (threads < 2 && !io)) {
        fprintf(stderr, "usage: gil_replica [THREADS 1..15] [INTERVAL_US 1..1000000] [SECONDS (0, 60]] [BUSY 0..16] "
                        "[IO 0|1] (one thread needs IO 1)\n");
        return 2;
    }
    pid_t busyPids[kMaxThreads];
    for (int i = 0; i < busy; ++i) {
        busyPids[i] = fork();
        if (busyPids[i] == 0) {
            volatile unsigned long spin = 0;
            for (;;) ++spin;
        }
    }
    if (busy > 0) usleep(200000);  // let them settle on the cores
    pthread_mutex_init(&g_gil.mutex, NULL);
    pthread_mutex_init(&g_gil.switchMutex, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g_gil.cond, &attr);
    pthread_cond_init(&g_gil.switchCond, NULL);
    g_gil.lastHolder = -1;
    g_gil.intervalUs = intervalUs;
    pid_t echoServer = -1;
    const int echo = io ? EchoConnection(&echoServer) : -1;
    if (io && echo < 0) {
        perror("gil_replica: echo server");
        return 1;
    }
    if (io) g_ioThread = threads;
    g_deadline = NowNs() + (int64_t)(seconds * 1e9);
    pthread_t t[kMaxThreads];
    for (int i = 0; i < threads; ++i) pthread_create(&t[i], NULL, CpuThread, (void*)(intptr_t)i);
    if (io) pthread_create(&t[threads], NULL, IoThread, (void*)(intptr_t)echo);
    for (int i = 0; i < threads + io; ++i) pthread_join(t[i], NULL);
    if (io) {
        close(echo);
        waitpid(echoServer, NULL, 0);
    }
    for (int i = 0; i < busy; ++i) {
        kill(busyPids[i], SIGKILL);
        waitpid(busyPids[i], NULL, 0);
    }

    int n = atomic_load(&g_runCount);
    if (n > kMaxRuns) n = kMaxRuns;
    qsort(g_runs, (size_t)n, sizeof(Run), ByStart);
    static int64_t slices[kMaxRuns], gaps[kMaxRuns], offCore[kMaxRuns];
    int sameCpuAsPrevious = 0;  // runs on the CPU the previous run (the other thread's) was on
    int rankCounts[kMaxThreads] = {0};
    int64_t lastEnd[kMaxThreads];
    for (int i = 0; i < threads; ++i) lastEnd[i] = -1;
    int ns = 0, ng = 0;
    for (int k = 0; k < n; ++k) {
        const Run* r = &g_runs[k];
        offCore[ns] = r->offCore;
        slices[ns++] = r->end - r->start;
        if (k > 0 && g_runs[k - 1].cpu == r->cpu) ++sameCpuAsPrevious;
        if (k > 0) {
            const Run* p = &g_runs[k - 1];
            gaps[ng++] = r->start - p->end;
            // The winner's rank among the threads waiting at this switch, longest-waiting first (gil_probe.py's).
            if (lastEnd[r->thread] >= 0) {
                int rank = 0, waiting = 1;
                for (int j = 0; j < threads; ++j) {
                    if (j == r->thread || j == p->thread || lastEnd[j] < 0 || lastEnd[j] > r->start) continue;
                    ++waiting;
                    if (lastEnd[j] < lastEnd[r->thread]) ++rank;
                }
                if (waiting > 1) ++rankCounts[rank];
            }
        }
        lastEnd[r->thread] = r->end;
    }
    printf("{\"threads\": %d, \"interval_us\": %ld, \"busy_processes\": %d, \"switches\": %d, ", threads, intervalUs,
           busy, ng);
    printf("\"slice_us\": {\"p10\": %.1f, \"p50\": %.1f, \"p90\": %.1f}, ", Pick(slices, ns, 0.1), Pick(slices, ns, 0.5),
           Pick(slices, ns, 0.9));
    printf("\"handoff_gap_us\": {\"p10\": %.1f, \"p50\": %.1f, \"p90\": %.1f}, ", Pick(gaps, ng, 0.1),
           Pick(gaps, ng, 0.5), Pick(gaps, ng, 0.9));
    printf("\"longest_off_core_in_a_run_us\": {\"p10\": %.1f, \"p50\": %.1f, \"p90\": %.1f}, ",
           Pick(offCore, ns, 0.1), Pick(offCore, ns, 0.5), Pick(offCore, ns, 0.9));
    printf("\"runs_on_the_previous_runs_cpu\": %d, ", sameCpuAsPrevious);
    printf("\"winner_rank_counts\": {");
    for (int i = 0, first = 1; i < threads; ++i)
        if (rankCounts[i]) {
            printf("%s\"%d\": %d", first ? "" : ", ", i, rankCounts[i]);
            first = 0;
        }
    printf("}, \"requested_switches\": %ld, \"requester_won\": %ld", atomic_load(&g_requestedSwitches),
           atomic_load(&g_requesterWon));
    printf(", \"signals_sent\": %ld, \"woken_waits\": %ld, \"timed_out_waits\": %ld", atomic_load(&g_signalsSent),
           atomic_load(&g_wokenWaits), atomic_load(&g_timedOutWaits));
    if (io) {
        // The round trips by their halves in switch intervals, "send+recv" as gil_probe.py counts them.
        static int counts[64][64];
        const double interval = intervalUs * 1e3;
        for (int i = 0; i < g_trips; ++i) {
            const long a = lround((double)g_sendPhase[i] / interval), b = lround((double)g_recvPhase[i] / interval);
            ++counts[a < 63 ? a : 63][b < 63 ? b : 63];
        }
        printf(", \"round_trips\": %d, \"rtt_phase_intervals\": {", g_trips);
        for (int a = 0, first = 1; a < 64; ++a)
            for (int b = 0; b < 64; ++b)
                if (counts[a][b]) {
                    printf("%s\"%d+%d\": %d", first ? "" : ", ", a, b, counts[a][b]);
                    first = 0;
                }
        printf("}, \"requester_lost_to_an_older_or_newer_wait_entry\": {\"cpu\": [%ld, %ld], \"io\": [%ld, %ld]}",
               atomic_load(&g_lostToOlderEntry[0]), atomic_load(&g_lostToNewerEntry[0]),
               atomic_load(&g_lostToOlderEntry[1]), atomic_load(&g_lostToNewerEntry[1]));
        printf(", \"io_asked\": %ld, \"io_requests_won\": %ld, \"io_void_timeouts\": %ld, \"io_woken\": %ld",
               atomic_load(&g_ioAsked), atomic_load(&g_ioRequestsWon), atomic_load(&g_ioVoidTimeouts),
               atomic_load(&g_ioWoken));
    }
    printf(", \"requests_lost_to_a_winner_woken_or_timed_out\": {\"cpu\": [%ld, %ld], \"io\": [%ld, %ld]}",
           atomic_load(&g_lostToWinnerWhoseWait[0][0]), atomic_load(&g_lostToWinnerWhoseWait[0][1]),
           atomic_load(&g_lostToWinnerWhoseWait[1][0]), atomic_load(&g_lostToWinnerWhoseWait[1][1]));
    printf(", \"requests_won_by_how_the_wait_began\": {\"first\": [%ld, %ld], \"after_void_timeout\": [%ld, %ld], "
           "\"after_lost_wakeup\": [%ld, %ld]}}\n", atomic_load(&g_wonByKind[0]), atomic_load(&g_asksByKind[0]),
           atomic_load(&g_wonByKind[1]), atomic_load(&g_asksByKind[1]), atomic_load(&g_wonByKind[2]),
           atomic_load(&g_asksByKind[2]));
    return 0;
}
