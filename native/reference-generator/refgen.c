// refgen: a minimal native MQTT load generator, the yardstick for the harness's own figures
// (`npm run bench:accuracy`). One thread, epoll, a timerfd armed at each message's due time
// (absolute CLOCK_MONOTONIC, so no timer slack and no millisecond rounding), plain sockets.
//
// Shape: `pairs` publisher/subscriber pairs; publisher i publishes to <prefix>/t/i, subscriber i
// subscribes to it. Message n of the run is due at start + n/rate and goes to publisher n mod pairs
// (the harness's constant-arrival-rate executor does the same). A message that cannot leave when
// due (socket buffer full, or `max-inflight` / the broker's Receive Maximum reached at QoS 1) is
// dropped and counted, never queued. Latency is measured from the intended time (no coordinated
// omission), service time from the actual write, lateness = write − intended; the receive time is
// read right after each read() returns.
//
// Also reported: the thread's run-queue wait over the measured schedule (time it was ready to run but
// had no CPU, from /proc/thread-self/schedstat), beside the harness's own figure.
//
// Output: one JSON object on stdout. Errors: a message on stderr and exit status 1.
//   refgen --port 1883 --rate 5000 --qos 0 --pairs 10 --duration-ms 5000 [--host 127.0.0.1]
//          [--size 64] [--mqtt 5|4] [--max-inflight 1000] [--drain-ms 5000] [--prefix refgen]
//          [--warmup-ms 0]  (a warm-up at the same rate before the measured duration, counted apart)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define HEADER_BYTES 28 /* magic u32, publisher u32, seq u32, intended ns u64, sent ns u64 */
#define MAGIC 0x52454647u
#define OUT_LIMIT (8 * 1024 * 1024)

typedef struct {
  const char *host;
  int port, rate, qos, pairs, size, mqtt, max_inflight;
  long duration_ms, drain_ms, warmup_ms;
  const char *prefix;
} options;

typedef struct {
  int fd;
  int publisher; // 1: publisher, 0: subscriber
  int index;
  char topic[128];
  int topic_len;
  unsigned char *in;
  size_t in_len, in_cap;
  unsigned char *out;
  size_t out_len, out_cap;
  int inflight, receive_max;
  uint16_t next_id;
  unsigned char used_ids[65536];
  uint32_t seq;
} conn;

typedef struct {
  double *values;
  size_t count, cap;
} samples;

static options opt = {"127.0.0.1", 0, 1000, 0, 10, 64, 5, 1000, 5000, 5000, 0, "refgen"};
static samples latency, service, lateness;
static long sent, dropped, received, foreign;
// The warm-up (--warmup-ms): messages due before measured_start are sent and received but only
// counted here, as the harness does with its `warmup`.
static long warm_intended, warm_sent, warm_dropped, warm_received;
static int64_t measured_start;
static int epfd;

static void die(const char *what) {
  fprintf(stderr, "refgen: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(1);
}

/** This thread's time runnable but waiting for a CPU so far, ns (schedstat's 2nd field); -1 if unknown. */
static long long run_queue_wait_ns(void) {
  long long on_cpu = 0, waited = -1;
  FILE *file = fopen("/proc/thread-self/schedstat", "r");
  if (file == NULL) return -1;
  if (fscanf(file, "%lld %lld", &on_cpu, &waited) != 2) waited = -1;
  fclose(file);
  return waited;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void add_sample(samples *s, double value) {
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 65536;
    s->values = realloc(s->values, s->cap * sizeof(double));
    if (s->values == NULL) die("realloc");
  }
  s->values[s->count++] = value;
}

static void put_u16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void put_u32(unsigned char *p, uint32_t v) { put_u16(p, v >> 16), put_u16(p + 2, v & 0xffff); }
static void put_u64(unsigned char *p, uint64_t v) { put_u32(p, (uint32_t)(v >> 32)), put_u32(p + 4, (uint32_t)v); }
static uint32_t get_u32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t get_u64(const unsigned char *p) { return (uint64_t)get_u32(p) << 32 | get_u32(p + 4); }

static size_t put_varint(unsigned char *p, size_t value) {
  size_t n = 0;
  do {
    unsigned char byte = value % 128;
    value /= 128;
    p[n++] = byte | (value > 0 ? 0x80 : 0);
  } while (value > 0);
  return n;
}

// ---- blocking setup: CONNECT / CONNACK / SUBSCRIBE / SUBACK ----

static void write_all(int fd, const unsigned char *data, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, data, length);
    if (n <= 0) die("write during setup");
    data += n, length -= (size_t)n;
  }
}

/** Reads one packet (blocking, with the socket's receive timeout); returns its type nibble. */
static int read_packet(int fd, unsigned char *body, size_t cap, size_t *length) {
  unsigned char first;
  if (read(fd, &first, 1) != 1) die("reading a setup reply (timeout or closed)");
  size_t remaining = 0, shift = 0;
  unsigned char byte;
  do {
    if (read(fd, &byte, 1) != 1) die("reading a setup reply length");
    remaining |= (size_t)(byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (remaining > cap) die("setup reply too long");
  for (size_t got = 0; got < remaining;) {
    ssize_t n = read(fd, body + got, remaining - got);
    if (n <= 0) die("reading a setup reply body");
    got += (size_t)n;
  }
  *length = remaining;
  return first >> 4;
}

static void open_connection(conn *c, const char *client_id) {
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
  if (inet_pton(AF_INET, opt.host, &address.sin_addr) != 1) die("host must be an IPv4 address");
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("socket");
  struct timeval timeout = {10, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&address, sizeof address) != 0) die("connect");
  unsigned char packet[256], body[256];
  size_t id_len = strlen(client_id), at = 0, length;
  size_t remaining = 10 + (opt.mqtt == 5) + 2 + id_len;
  packet[at++] = 0x10;
  at += put_varint(packet + at, remaining);
  memcpy(packet + at, "\0\4MQTT", 6), at += 6;
  packet[at++] = (unsigned char)opt.mqtt;
  packet[at++] = 0x02; // clean session / clean start
  put_u16(packet + at, 0), at += 2; // keep alive 0
  if (opt.mqtt == 5) packet[at++] = 0; // no properties
  put_u16(packet + at, (unsigned)id_len), at += 2;
  memcpy(packet + at, client_id, id_len), at += id_len;
  write_all(c->fd, packet, at);
  if (read_packet(c->fd, body, sizeof body, &length) != 2 || length < 2 || body[1] != 0) die("CONNACK refused");
  c->receive_max = 65535;
  if (opt.mqtt == 5 && length > 2) { // properties: look for Receive Maximum (0x21)
    size_t p = 3, end = length;
    while (p < end) {
      unsigned char id = body[p++];
      if (id == 0x21) { c->receive_max = body[p] << 8 | body[p + 1]; p += 2; }
      else if (id == 0x24 || id == 0x25 || id == 0x28 || id == 0x29 || id == 0x2a) p += 1;
      else if (id == 0x13 || id == 0x22) p += 2;
      else if (id == 0x11 || id == 0x27) p += 4;
      else if (id == 0x12 || id == 0x1a || id == 0x1c || id == 0x1f) p += 2 + (size_t)(body[p] << 8 | body[p + 1]);
      else if (id == 0x26) {
        p += 2 + (size_t)(body[p] << 8 | body[p + 1]);
        p += 2 + (size_t)(body[p] << 8 | body[p + 1]);
      } else break; // no other CONNACK property has a size we need to know
    }
  }
}

static void subscribe(conn *c) {
  unsigned char packet[256], body[256];
  size_t at = 0, length;
  packet[at++] = 0x82;
  at += put_varint(packet + at, 2 + (opt.mqtt == 5) + 2 + (size_t)c->topic_len + 1);
  put_u16(packet + at, 1), at += 2;
  if (opt.mqtt == 5) packet[at++] = 0;
  put_u16(packet + at, (unsigned)c->topic_len), at += 2;
  memcpy(packet + at, c->topic, (size_t)c->topic_len), at += (size_t)c->topic_len;
  packet[at++] = (unsigned char)opt.qos;
  write_all(c->fd, packet, at);
  if (read_packet(c->fd, body, sizeof body, &length) != 9 || body[length - 1] >= 0x80) die("SUBACK refused");
}

// ---- the run ----

static void watch(conn *c, uint32_t events) {
  struct epoll_event event = {.events = events, .data.ptr = c};
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &event) != 0) die("epoll_ctl");
}

static void reserve(unsigned char **buffer, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t grown = *cap ? *cap : 4096;
  while (grown < need) grown *= 2;
  *buffer = realloc(*buffer, grown);
  if (*buffer == NULL) die("realloc");
  *cap = grown;
}

/** Writes now what the kernel takes; keeps the rest for EPOLLOUT. */
static void send_bytes(conn *c, const unsigned char *data, size_t length) {
  if (c->out_len == 0) {
    ssize_t n = write(c->fd, data, length);
    if (n < 0 && errno != EAGAIN) die("write");
    if (n > 0) data += n, length -= (size_t)n;
    if (length == 0) return;
    watch(c, EPOLLIN | EPOLLOUT);
  }
  reserve(&c->out, &c->out_cap, c->out_len + length);
  memcpy(c->out + c->out_len, data, length);
  c->out_len += length;
}

static void flush_out(conn *c) {
  ssize_t n = write(c->fd, c->out, c->out_len);
  if (n < 0 && errno != EAGAIN) die("write");
  if (n <= 0) return;
  memmove(c->out, c->out + n, c->out_len - (size_t)n);
  c->out_len -= (size_t)n;
  if (c->out_len == 0) watch(c, EPOLLIN);
}

static void publish(conn *c, int64_t intended) {
  int warm = intended < measured_start;
  long *dropped_count = warm ? &warm_dropped : &dropped;
  if (c->out_len > OUT_LIMIT) { (*dropped_count)++; return; }
  uint16_t id = 0;
  if (opt.qos > 0) {
    int limit = opt.max_inflight < c->receive_max ? opt.max_inflight : c->receive_max;
    if (c->inflight >= limit) { (*dropped_count)++; return; }
    do c->next_id = c->next_id == 65535 ? 1 : c->next_id + 1;
    while (c->used_ids[c->next_id]);
    id = c->next_id;
    c->used_ids[id] = 1;
    c->inflight++;
  }
  unsigned char packet[65536];
  size_t remaining = 2 + (size_t)c->topic_len + (opt.qos > 0 ? 2 : 0) + (opt.mqtt == 5) + (size_t)opt.size;
  size_t at = 0;
  packet[at++] = (unsigned char)(0x30 | opt.qos << 1);
  at += put_varint(packet + at, remaining);
  put_u16(packet + at, (unsigned)c->topic_len), at += 2;
  memcpy(packet + at, c->topic, (size_t)c->topic_len), at += (size_t)c->topic_len;
  if (opt.qos > 0) put_u16(packet + at, id), at += 2;
  if (opt.mqtt == 5) packet[at++] = 0;
  memset(packet + at, 0, (size_t)opt.size);
  int64_t now = now_ns();
  put_u32(packet + at, MAGIC);
  put_u32(packet + at + 4, (uint32_t)c->index);
  put_u32(packet + at + 8, c->seq++);
  put_u64(packet + at + 12, (uint64_t)intended);
  put_u64(packet + at + 20, (uint64_t)now);
  at += (size_t)opt.size;
  send_bytes(c, packet, at);
  if (warm) { warm_sent++; return; }
  sent++;
  add_sample(&lateness, (double)(now - intended) / 1000.0);
}

static void on_publish(conn *c, const unsigned char *body, size_t length, int qos, int64_t at) {
  size_t p = 2 + (size_t)(body[0] << 8 | body[1]);
  unsigned id = 0;
  if (qos > 0) id = (unsigned)(body[p] << 8 | body[p + 1]), p += 2;
  if (opt.mqtt == 5) { // skip the properties
    size_t props = 0, shift = 0;
    unsigned char byte;
    do byte = body[p++], props |= (size_t)(byte & 0x7f) << shift, shift += 7;
    while (byte & 0x80);
    p += props;
  }
  if (length - p >= HEADER_BYTES && get_u32(body + p) == MAGIC) {
    int64_t intended = (int64_t)get_u64(body + p + 12), sent_at = (int64_t)get_u64(body + p + 20);
    if (intended < measured_start) {
      warm_received++;
    } else {
      add_sample(&latency, (double)(at - intended) / 1000.0);
      add_sample(&service, (double)(at - sent_at) / 1000.0);
      received++;
    }
  } else {
    foreign++;
  }
  if (qos == 1) {
    unsigned char ack[4] = {0x40, 2, (unsigned char)(id >> 8), (unsigned char)id};
    send_bytes(c, ack, 4);
  }
}

static void on_readable(conn *c) {
  for (;;) {
    reserve(&c->in, &c->in_cap, c->in_len + 65536);
    ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    if (n == 0) { errno = 0; die("broker closed a connection"); }
    if (n < 0) {
      if (errno == EAGAIN) return;
      die("read");
    }
    int64_t at = now_ns(); // when these bytes arrived, as near as user space can tell
    c->in_len += (size_t)n;
    size_t p = 0;
    while (c->in_len - p >= 2) { // frame complete packets
      size_t remaining = 0, shift = 0, q = p + 1;
      unsigned char byte;
      int complete = 0;
      do {
        if (q >= c->in_len) goto partial;
        byte = c->in[q++];
        remaining |= (size_t)(byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      complete = c->in_len - q >= remaining;
      if (!complete) break;
      int type = c->in[p] >> 4;
      if (type == 3) on_publish(c, c->in + q, remaining, (c->in[p] >> 1) & 3, at);
      else if (type == 4 && remaining >= 2) { // PUBACK
        unsigned id = (unsigned)(c->in[q] << 8 | c->in[q + 1]);
        if (c->used_ids[id]) c->used_ids[id] = 0, c->inflight--;
      }
      p = q + remaining;
    }
  partial:
    memmove(c->in, c->in + p, c->in_len - p);
    c->in_len -= p;
  }
}

static void arm(int timer, int64_t at) {
  struct itimerspec spec = {{0, 0}, {at / 1000000000, at % 1000000000}};
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  if (timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, NULL) != 0) die("timerfd_settime");
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/** Nearest rank, rounded as HdrHistogram's getValueAtPercentile does. */
static double at_percentile(const samples *s, double percentile) {
  if (s->count == 0) return 0;
  size_t rank = (size_t)(percentile / 100.0 * (double)s->count + 0.5);
  if (rank < 1) rank = 1;
  if (rank > s->count) rank = s->count;
  return s->values[rank - 1];
}

static void print_samples(const char *name, samples *s, const char *after) {
  qsort(s->values, s->count, sizeof(double), compare);
  printf("\"%s\":{\"count\":%zu,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}%s", name,
         s->count, at_percentile(s, 50), at_percentile(s, 90), at_percentile(s, 99), at_percentile(s, 99.9),
         s->count ? s->values[s->count - 1] : 0.0, after);
}

static void parse_options(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *key = argv[i], *value = argv[i + 1];
    if (!strcmp(key, "--host")) opt.host = value;
    else if (!strcmp(key, "--port")) opt.port = atoi(value);
    else if (!strcmp(key, "--rate")) opt.rate = atoi(value);
    else if (!strcmp(key, "--qos")) opt.qos = atoi(value);
    else if (!strcmp(key, "--pairs")) opt.pairs = atoi(value);
    else if (!strcmp(key, "--size")) opt.size = atoi(value);
    else if (!strcmp(key, "--mqtt")) opt.mqtt = atoi(value);
    else if (!strcmp(key, "--max-inflight")) opt.max_inflight = atoi(value);
    else if (!strcmp(key, "--duration-ms")) opt.duration_ms = atol(value);
    else if (!strcmp(key, "--drain-ms")) opt.drain_ms = atol(value);
    else if (!strcmp(key, "--warmup-ms")) opt.warmup_ms = atol(value);
    else if (!strcmp(key, "--prefix")) opt.prefix = value;
    else { fprintf(stderr, "refgen: unknown option %s\n", key); exit(1); }
  }
  if (opt.port <= 0 || opt.rate <= 0 || opt.pairs <= 0 || opt.qos < 0 || opt.qos > 1 ||
      opt.size < HEADER_BYTES || opt.size > 60000 || (opt.mqtt != 4 && opt.mqtt != 5) || opt.duration_ms <= 0 ||
      opt.warmup_ms < 0) {
    fprintf(stderr, "refgen: need --port, --rate > 0, --pairs > 0, --qos 0|1, --size %d..60000, --mqtt 4|5\n",
            HEADER_BYTES);
    exit(1);
  }
}

int main(int argc, char **argv) {
  parse_options(argc, argv);
  conn *publishers = calloc((size_t)opt.pairs, sizeof(conn));
  conn *subscribers = calloc((size_t)opt.pairs, sizeof(conn));
  epfd = epoll_create1(EPOLL_CLOEXEC);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (publishers == NULL || subscribers == NULL || epfd < 0 || timer < 0) die("setup");
  char id[160];
  for (int role = 0; role < 2; role++) { // subscribers first, so nothing published is missed
    for (int i = 0; i < opt.pairs; i++) {
      conn *c = role == 0 ? &subscribers[i] : &publishers[i];
      c->publisher = role, c->index = i;
      c->topic_len = snprintf(c->topic, sizeof c->topic, "%s/t/%d", opt.prefix, i);
      snprintf(id, sizeof id, "%s-%c%d", opt.prefix, role ? 'p' : 's', i);
      open_connection(c, id);
      if (role == 0) subscribe(c);
      fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
      struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
      if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &event) != 0) die("epoll_ctl");
    }
  }
  struct epoll_event timer_event = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, timer, &timer_event) != 0) die("epoll_ctl");

  // The warm-up's messages first, then the measured schedule's: one schedule at one rate.
  warm_intended = (long)((double)opt.rate * (double)opt.warmup_ms / 1000.0);
  long total = warm_intended + (long)((double)opt.rate * (double)opt.duration_ms / 1000.0);
  int64_t start = now_ns() + 100000000; // 100 ms from now
  measured_start = start + (int64_t)((double)warm_intended * 1e9 / opt.rate);
  int64_t end = measured_start + opt.duration_ms * 1000000;
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  long next = 0;
  int64_t last_receive = start, drain_deadline = 0;
  // Run-queue wait over the measured schedule: read when its first message is due and after its last.
  long long wait_start = -1, wait_end = -1;
  arm(timer, start);
  struct epoll_event events[64];
  for (;;) {
    int count = epoll_wait(epfd, events, 64, -1);
    if (count < 0 && errno != EINTR) die("epoll_wait");
    for (int e = 0; e < count; e++) {
      conn *c = events[e].data.ptr;
      if (c == NULL) { // the timer: send everything due by now, then sleep until the next one
        uint64_t expirations;
        if (read(timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN) die("read timer");
        int64_t now = now_ns();
        if (wait_start < 0 && next >= warm_intended) wait_start = run_queue_wait_ns();
        while (next < total) {
          int64_t due = start + (int64_t)((double)next * 1e9 / opt.rate);
          if (due > now) break;
          publish(&publishers[next % opt.pairs], due);
          next++;
        }
        if (next < total) arm(timer, start + (int64_t)((double)next * 1e9 / opt.rate));
        else if (drain_deadline == 0) {
          wait_end = run_queue_wait_ns();
          drain_deadline = (now > end ? now : end) + opt.drain_ms * 1000000;
          arm(timer, now + 10000000); // check the drain every 10 ms
        } else arm(timer, now + 10000000);
        continue;
      }
      if (events[e].events & EPOLLOUT) flush_out(c);
      if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        long before_count = received;
        on_readable(c);
        if (received != before_count) last_receive = now_ns();
      }
    }
    if (drain_deadline != 0) {
      int64_t now = now_ns();
      int publishers_idle = 1;
      for (int i = 0; i < opt.pairs; i++) publishers_idle &= publishers[i].inflight == 0;
      if ((received + warm_received >= sent + warm_sent && publishers_idle) || now > drain_deadline ||
          (now - last_receive > 1000000000 && now - end > 1000000000))
        break;
    }
  }
  getrusage(RUSAGE_SELF, &after);
  double user_ms = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1e3 +
                   (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e3;
  double sys_ms = (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e3 +
                  (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e3;
  double wall_ms = (double)(now_ns() - start) / 1e6;
  for (int i = 0; i < opt.pairs; i++) { // DISCONNECT, then close
    unsigned char disconnect[2] = {0xe0, 0};
    if (write(publishers[i].fd, disconnect, 2) < 0) { /* closing anyway */ }
    if (write(subscribers[i].fd, disconnect, 2) < 0) { /* closing anyway */ }
    close(publishers[i].fd), close(subscribers[i].fd);
  }
  printf("{\"generator\":\"refgen\",\"rate\":%d,\"qos\":%d,\"pairs\":%d,\"mqtt\":%d,\"intended\":%ld,"
         "\"sent\":%ld,\"dropped\":%ld,\"received\":%ld,\"foreign\":%ld,"
         "\"warmup\":{\"intended\":%ld,\"sent\":%ld,\"dropped\":%ld,\"received\":%ld},",
         opt.rate, opt.qos, opt.pairs, opt.mqtt, total - warm_intended, sent, dropped, received, foreign,
         warm_intended, warm_sent, warm_dropped, warm_received);
  print_samples("latencyUs", &latency, ",");
  print_samples("serviceUs", &service, ",");
  print_samples("latenessUs", &lateness, ",");
  printf("\"cpuUserMs\":%.1f,\"cpuSystemMs\":%.1f,\"wallMs\":%.1f", user_ms, sys_ms, wall_ms);
  if (wait_start >= 0 && wait_end >= wait_start) printf(",\"runQueueWaitMs\":%.2f", (double)(wait_end - wait_start) / 1e6);
  printf("}\n");
  return 0;
}
