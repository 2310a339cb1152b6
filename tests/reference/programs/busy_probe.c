// What the OS does to a thread on a machine whose cores other programs keep busy: the facts behind the GIL on a
// loaded machine (issue 14, "a busy machine"), measured without Python in the way.
//
//   gcc -O2 -pthread busy_probe.c -o busy_probe && ./busy_probe [--busy N] [--seconds S] [--timeout-us T]
//
// N busy processes (forked, spinning) share the machine with this process, which runs:
//  - a spinner: a thread that reads CLOCK_MONOTONIC in a loop, like a GIL holder running Python. A gap between two
//    readings longer than GAP_NS is time off its core; between gaps it ran. Prints the run and gap lengths.
//  - a timed waiter: a thread that waits on a condition variable nobody signals with a T us timeout, like
//    take_gil()'s timed wait for the switch interval, and measures how late it is back on a core after the timeout
//    (the return time less the deadline).
//    It also records the spinner's gaps that span the waiter's return: the wake-up took the spinner's core, and
//    the gap is how long the spinner then waited to get a core back.
//  - a short sleeper: a thread that sleeps 20 us (clock_nanosleep), like an I/O thread waiting for a loopback reply,
//    and measures how late it wakes.
// Three phases of S seconds: the spinner alone (its runs and gaps are recorded only then), then the waiter beside it,
// then the sleeper beside it. Prints one JSON object with p10/p50/p90/max of each distribution (microseconds) and the
// load average before. The lateness includes the kernel's timer slack (50 us by default), which CPython's timed
// waits pay too.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { GAP_NS = 30000, MAX_SAMPLES = 200000 };

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct {
    int64_t* v;
    int n;
} samples_t;

static void push(samples_t* s, int64_t x) {
    if (s->n < MAX_SAMPLES) s->v[s->n++] = x;
}

static int cmp64(const void* a, const void* b) {
    const int64_t x = *(const int64_t*)a, y = *(const int64_t*)b;
    return x < y ? -1 : x > y;
}

static void print_quantiles(const char* name, samples_t* s, int last) {
    if (s->n == 0) {
        printf("  \"%s\": null%s\n", name, last ? "" : ",");
        return;
    }
    qsort(s->v, (size_t)s->n, sizeof(int64_t), cmp64);
    const int n = s->n;
#define Q(q) ((double)s->v[(int)((q) * (n - 1))] / 1000.0)
    printf("  \"%s\": {\"n\": %d, \"p10\": %.1f, \"p50\": %.1f, \"p90\": %.1f, \"max\": %.1f}%s\n", name, n, Q(0.10),
           Q(0.50), Q(0.90), (double)s->v[n - 1] / 1000.0, last ? "" : ",");
#undef Q
}

static atomic_int stop_spinner, record_spinner = 1;
static samples_t runs, gaps;
// Phase 2: when the timed waiter last came back (its return from the wait), and the spinner's gaps that began at most
// 200 us before it and ended after it: the waiter took the spinner's core.
static _Atomic int64_t waiter_back_ns = -1;
static samples_t gaps_at_wake;

static void* spinner(void* arg) {
    (void)arg;
    int64_t last = now_ns(), run_start = last;
    while (!atomic_load_explicit(&stop_spinner, memory_order_relaxed)) {
        const int64_t t = now_ns();
        if (!atomic_load_explicit(&record_spinner, memory_order_relaxed)) {
            const int64_t back = atomic_load_explicit(&waiter_back_ns, memory_order_relaxed);
            if (t - last > GAP_NS && back >= last - 200000 && back <= t) push(&gaps_at_wake, t - last);
            run_start = last = t;
            continue;
        }
        if (t - last > GAP_NS) {
            push(&runs, last - run_start);
            push(&gaps, t - last);
            run_start = t;
        }
        last = t;
    }
    return NULL;
}

static void measure_timed_waits(int64_t seconds, int64_t timeout_ns, samples_t* late) {
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);  // as CPython's PyCOND_TIMEDWAIT on Linux
    pthread_cond_init(&cond, &attr);
    const int64_t end = now_ns() + seconds * 1000000000;
    pthread_mutex_lock(&mutex);
    while (now_ns() < end) {
        const int64_t deadline = now_ns() + timeout_ns;
        struct timespec ts = {deadline / 1000000000, deadline % 1000000000};
        while (pthread_cond_timedwait(&cond, &mutex, &ts) == 0) {
        }
        const int64_t back = now_ns();
        atomic_store_explicit(&waiter_back_ns, back, memory_order_relaxed);
        push(late, back - deadline);
    }
    pthread_mutex_unlock(&mutex);
}

static void measure_short_sleeps(int64_t seconds, samples_t* late) {
    const int64_t end = now_ns() + seconds * 1000000000;
    while (now_ns() < end) {
        const int64_t deadline = now_ns() + 20000;
        struct timespec ts = {deadline / 1000000000, deadline % 1000000000};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        push(late, now_ns() - deadline);
    }
}

typedef struct {
    int64_t seconds, timeout_ns;
    samples_t* late;
    int which;  // 0: timed waits, 1: short sleeps
} task_t;

static void* measurer(void* arg) {
    task_t* task = arg;
    if (task->which == 0)
        measure_timed_waits(task->seconds, task->timeout_ns, task->late);
    else
        measure_short_sleeps(task->seconds, task->late);
    return NULL;
}

static samples_t make_samples(void) {
    samples_t s = {calloc(MAX_SAMPLES, sizeof(int64_t)), 0};
    if (!s.v) abort();
    return s;
}

int main(int argc, char** argv) {
    int busy = 2;
    int64_t seconds = 3, timeout_us = 5000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--busy")) busy = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds")) seconds = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--timeout-us")) timeout_us = atoll(argv[i + 1]);
        else {
            fprintf(stderr, "usage: %s [--busy N] [--seconds S] [--timeout-us T]\n", argv[0]);
            return 2;
        }
    }
    if (busy < 0 || busy > 64 || seconds < 1 || seconds > 600 || timeout_us < 1 || timeout_us > 1000000) {
        fprintf(stderr, "busy_probe: --busy 0-64, --seconds 1-600, --timeout-us 1-1000000\n");
        return 2;
    }
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) != 3) load[0] = load[1] = load[2] = -1;

    pid_t children[64];
    for (int i = 0; i < busy; ++i) {
        children[i] = fork();
        if (children[i] == 0) {
            volatile uint64_t x = 0;
            for (;;) ++x;
        }
    }
    usleep(200000);  // let the busy processes settle on the cores

    runs = make_samples();
    gaps = make_samples();
    gaps_at_wake = make_samples();
    samples_t waits = make_samples(), sleeps = make_samples();
    pthread_t spin;
    pthread_create(&spin, NULL, spinner, NULL);
    sleep((unsigned)seconds);
    atomic_store(&record_spinner, 0);
    task_t tasks[2] = {{seconds, timeout_us * 1000, &waits, 0}, {seconds, 0, &sleeps, 1}};
    for (int k = 0; k < 2; ++k) {
        pthread_t t;
        pthread_create(&t, NULL, measurer, &tasks[k]);
        pthread_join(t, NULL);
    }
    atomic_store(&stop_spinner, 1);
    pthread_join(spin, NULL);
    for (int i = 0; i < busy; ++i) {
        kill(children[i], SIGKILL);
        waitpid(children[i], NULL, 0);
    }

    printf("{\n  \"busy_processes\": %d, \"seconds_each\": %lld, \"timeout_us\": %lld, \"nproc\": %ld,\n", busy,
           (long long)seconds, (long long)timeout_us, sysconf(_SC_NPROCESSORS_ONLN));
    printf("  \"load_before\": [%.2f, %.2f, %.2f],\n", load[0], load[1], load[2]);
    print_quantiles("spinner_run_us", &runs, 0);
    print_quantiles("spinner_gap_us", &gaps, 0);
    const int wakes = waits.n;
    print_quantiles("timed_wait_late_us", &waits, 0);
    printf("  \"wakes_that_took_the_spinners_core\": %d, \"wakes\": %d,\n", gaps_at_wake.n, wakes);
    print_quantiles("spinner_gap_at_wake_us", &gaps_at_wake, 0);
    print_quantiles("short_sleep_late_us", &sleeps, 1);
    printf("}\n");
    return 0;
}
