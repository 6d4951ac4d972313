/*
 * hwread: the guest side of `entropy-bench qemu capture` (docs/qemu-trace.md).
 *
 * Reads /dev/hwrng with read(2) calls of a given size and timestamps every completion with
 * CLOCK_MONOTONIC, so a capture records what a Linux reader actually sees (sizes, times, hangs).
 * The reading runs in a child; the parent waits up to a deadline, then prints the records to
 * stdout (the serial console) in one burst, so printing does not perturb the reads. A read that
 * has not completed by the deadline is reported as pending (Linux 6.1 virtio_read waits
 * killably, so the parent can still end it).
 *
 *   hwread mark LABEL                          prints "EB mark LABEL <ns before> <ns after>"
 *   hwread jiffies                             prints "EB jiffies <ns before> <ns after> <jiffies>"
 *   hwread read TAG SIZE TOTAL DEADLINE_MS [PAUSE_EVERY PAUSE_MS]
 *
 * A mark also reads 4 bytes at offset 0xfc of the host bridge's PCI config space: QEMU traces that
 * access (pci_cfg_read) on its own clock, so each mark pairs a guest CLOCK_MONOTONIC interval with
 * a host trace time, which is how the capture aligns guest and host time.
 *
 * Output lines (all start with "EB "):
 *   EB start TAG <ns> SIZE TOTAL
 *   EB r TAG <ns> <bytes>        one per completed read (bytes 0 = EOF, -errno = error)
 *   EB end TAG <ns> done|pending|cut|error <reads> <bytes> [<ns of the read left pending>]
 * Built by the capture command with `gcc -static -O2`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RECORDS 200000

struct shared {
  volatile int64_t start_ns;
  volatile int64_t pending_since_ns; /* start of the read in progress, 0 if none */
  volatile int64_t count;
  volatile int finished;
  struct { int64_t t; int64_t n; } rec[MAX_RECORDS];
};

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void reader(struct shared *sh, long size, long total, long pause_every, long pause_ms) {
  static char buf[1 << 20];
  int fd = open("/dev/hwrng", O_RDONLY);
  if (fd < 0) {
    sh->rec[0].t = now_ns();
    sh->rec[0].n = -errno;
    sh->count = 1;
    sh->finished = 1;
    _exit(1);
  }
  long got = 0, reads = 0;
  sh->start_ns = now_ns();
  while (got < total && sh->count < MAX_RECORDS) {
    long want = size;
    sh->pending_since_ns = now_ns();
    ssize_t n = read(fd, buf, (size_t)want);
    int64_t t = now_ns();
    sh->pending_since_ns = 0;
    int64_t i = sh->count;
    sh->rec[i].t = t;
    sh->rec[i].n = n < 0 ? -errno : n;
    sh->count = i + 1;
    if (n <= 0) break;
    got += n;
    reads++;
    if (pause_every > 0 && reads % pause_every == 0) {
      struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
      nanosleep(&ts, NULL);
    }
  }
  sh->finished = 1;
  _exit(0);
}

/*
 * One tick of the guest's jiffies clock (the "timestamp" line of /proc/schedstat) against
 * CLOCK_MONOTONIC: reads the file back to back until jiffies changes, and prints the new value
 * with the bracket the tick fell in (after the start of the last read that saw the old value,
 * before the end of the first that saw the new one). That pins the tick grid both in whole
 * jiffies and within one (HZ 250: 4 ms); khwrngd's sleeps end on it. Prints nothing if the file
 * is missing (CONFIG_SCHEDSTATS off) or no tick came within a second.
 */
static int read_jiffies(int fd, unsigned long long *j) {
  char text[256];
  ssize_t n = pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return -1;
  text[n] = 0;
  const char *ts = strstr(text, "timestamp ");
  if (ts == NULL) return -1;
  *j = strtoull(ts + 10, NULL, 10);
  return 0;
}

static int jiffies(void) {
  int fd = open("/proc/schedstat", O_RDONLY);
  if (fd < 0) return 1;
  unsigned long long j0, j;
  int64_t before = now_ns();
  if (read_jiffies(fd, &j0) < 0) return 1;
  int64_t limit = before + 1000000000LL;
  for (;;) {
    int64_t b = now_ns();
    if (read_jiffies(fd, &j) < 0 || b > limit) return 1;
    int64_t a = now_ns();
    if (j != j0) {
      printf("EB tick %lld %lld %llu\n", (long long)before, (long long)a, j);
      return 0;
    }
    before = b;
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "jiffies") == 0) return jiffies();
  if (argc >= 3 && strcmp(argv[1], "mark") == 0) {
    uint32_t v = 0;
    int fd = open("/sys/bus/pci/devices/0000:00:00.0/config", O_RDONLY);
    int64_t before = now_ns();
    ssize_t n = fd < 0 ? -1 : pread(fd, &v, 4, 0xfc);
    int64_t after = now_ns();
    if (fd >= 0) close(fd);
    printf("EB mark %s %lld %lld%s\n", argv[2], (long long)before, (long long)after, n == 4 ? "" : " nosync");
    return 0;
  }
  if (argc < 6 || strcmp(argv[1], "read") != 0) {
    fprintf(stderr, "usage: hwread mark LABEL | hwread jiffies | hwread read TAG SIZE TOTAL DEADLINE_MS [PAUSE_EVERY PAUSE_MS]\n");
    return 2;
  }
  const char *tag = argv[2];
  long size = atol(argv[3]), total = atol(argv[4]), deadline_ms = atol(argv[5]);
  long pause_every = argc > 7 ? atol(argv[6]) : 0, pause_ms = argc > 7 ? atol(argv[7]) : 0;
  if (size <= 0 || size > (1 << 20) || total <= 0 || deadline_ms <= 0) {
    fprintf(stderr, "hwread: bad arguments\n");
    return 2;
  }
  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return 1;
  int64_t t0 = now_ns();
  sh->start_ns = t0;
  pid_t pid = fork();
  if (pid == 0) reader(sh, size, total, pause_every, pause_ms);
  int64_t deadline = t0 + (int64_t)deadline_ms * 1000000LL;
  int status = 0, exited = 0;
  while (now_ns() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) { exited = 1; break; }
    struct timespec ts = { 0, 5000000L };
    nanosleep(&ts, NULL);
  }
  int64_t tend = now_ns();
  int64_t pending = sh->pending_since_ns;
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  printf("EB start %s %lld %ld %ld\n", tag, (long long)sh->start_ns, size, total);
  long long bytes = 0;
  int err = 0;
  for (int64_t i = 0; i < sh->count; i++) {
    printf("EB r %s %lld %lld\n", tag, (long long)sh->rec[i].t, (long long)sh->rec[i].n);
    if (sh->rec[i].n > 0) bytes += sh->rec[i].n; else err = 1;
  }
  if (!exited && pending != 0)
    printf("EB end %s %lld pending %lld %lld %lld\n", tag, (long long)tend, (long long)sh->count, bytes, (long long)pending);
  else
    /* killed between reads (in a pause): the deadline cut it, no read was pending */
    printf("EB end %s %lld %s %lld %lld\n", tag, (long long)tend, !exited ? "cut" : err ? "error" : "done", (long long)sh->count, bytes);
  fflush(stdout);
  return 0;
}
