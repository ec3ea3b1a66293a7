// A one-shot timer with microsecond precision for the load generator's send schedule (Linux).
//
// libuv's timers count whole milliseconds and its epoll_wait timeout is in milliseconds too, so a
// message due at t can leave up to ~1 ms late. Here a timerfd (CLOCK_MONOTONIC, absolute expiry,
// no timer slack) is watched by a uv_poll handle on the calling thread's own event loop: the loop
// keeps sleeping in epoll and handling sockets as usual, and wakes when the timerfd fires, to the
// microsecond. The JS callback then runs like any other I/O callback (nextTicks and microtasks
// after it). One timer per create(); arm() replaces the previous expiry; close() frees it.
//
// JS API (harness/load/precise-timer.ts):
//   create(callback) -> handle      arm(handle, monotonicMs)      disarm(handle)      close(handle)
//   monotonicMs() -> CLOCK_MONOTONIC in ms (what arm() expects; process.hrtime uses the same clock)
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

typedef struct {
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  uv_poll_t poll;
  int fd;
  int closed;
  int owners; // the JS handle and the libuv handle: the memory goes when both are gone
  napi_async_cleanup_hook_handle cleanup;
} precise_timer;

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, "PRECISE_TIMER", "N-API call failed: " #call); \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static void release(precise_timer *timer) {
  if (--timer->owners == 0) free(timer);
}

// The library may be unloaded once the environment is gone (a worker thread's exit), so the handle
// must be closed before that: the environment waits for this async cleanup hook to be removed,
// which happens here, in the close callback, whichever way the close began.
static void on_handle_closed(uv_handle_t *handle) {
  precise_timer *timer = (precise_timer *)handle->data;
  close(timer->fd);
  napi_remove_async_cleanup_hook(timer->cleanup);
  release(timer);
}

// Stops watching, drops the JS callback, and closes the libuv handle.
static void shutdown_timer(precise_timer *timer) {
  if (timer->closed) return;
  timer->closed = 1;
  napi_delete_reference(timer->env, timer->callback);
  napi_async_destroy(timer->env, timer->async);
  uv_poll_stop(&timer->poll);
  uv_close((uv_handle_t *)&timer->poll, on_handle_closed);
}

// The thread's environment is going away with the timer still open.
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *data) {
  (void)handle; // the same handle as timer->cleanup, removed in on_handle_closed
  shutdown_timer((precise_timer *)data);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  precise_timer *timer = (precise_timer *)poll->data;
  uint64_t expirations;
  if (read(timer->fd, &expirations, sizeof expirations) < 0 && errno == EAGAIN) return;
  uv_unref((uv_handle_t *)poll); // disarmed: an idle timer must not keep the thread alive
  if (status < 0 || timer->closed) return;
  napi_env env = timer->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver;
  if (napi_get_reference_value(env, timer->callback, &callback) == napi_ok &&
      napi_get_global(env, &receiver) == napi_ok) {
    napi_status called = napi_make_callback(env, timer->async, receiver, callback, 0, NULL, NULL);
    if (called == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

static precise_timer *unwrap(napi_env env, napi_value value) {
  precise_timer *timer = NULL;
  if (napi_get_value_external(env, value, (void **)&timer) != napi_ok || timer == NULL) {
    napi_throw_type_error(env, "PRECISE_TIMER", "not a timer handle");
    return NULL;
  }
  if (timer->closed) {
    napi_throw_error(env, "PRECISE_TIMER", "timer is closed");
    return NULL;
  }
  return timer;
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  precise_timer *timer = (precise_timer *)data;
  shutdown_timer(timer);
  release(timer);
}

static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype type;
  CHECK(napi_typeof(env, argv[0], &type));
  if (argc < 1 || type != napi_function) {
    napi_throw_type_error(env, "PRECISE_TIMER", "create(callback): callback must be a function");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  precise_timer *timer = calloc(1, sizeof *timer);
  if (timer == NULL) {
    napi_throw_error(env, "PRECISE_TIMER", "out of memory");
    return NULL;
  }
  timer->env = env;
  timer->owners = 2;
  timer->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer->fd < 0 || uv_poll_init(loop, &timer->poll, timer->fd) != 0) {
    if (timer->fd >= 0) close(timer->fd);
    free(timer);
    napi_throw_error(env, "PRECISE_TIMER", "timerfd_create or uv_poll_init failed");
    return NULL;
  }
  timer->poll.data = timer;
  napi_value name;
  CHECK(napi_create_string_utf8(env, "PreciseTimer", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_reference(env, argv[0], 1, &timer->callback));
  CHECK(napi_async_init(env, NULL, name, &timer->async));
  uv_poll_start(&timer->poll, UV_READABLE, on_readable);
  uv_unref((uv_handle_t *)&timer->poll);
  CHECK(napi_add_async_cleanup_hook(env, on_env_cleanup, timer, &timer->cleanup));
  napi_value handle;
  CHECK(napi_create_external(env, timer, finalize_handle, NULL, &handle));
  return handle;
}

static napi_value arm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  precise_timer *timer = unwrap(env, argv[0]);
  if (timer == NULL) return NULL;
  double at_ms;
  CHECK(napi_get_value_double(env, argv[1], &at_ms));
  // An all-zero expiry disarms a timerfd: anything at or before "1 ns" fires at once instead.
  int64_t at_ns = at_ms > 0 ? (int64_t)(at_ms * 1e6) : 1;
  if (at_ns < 1) at_ns = 1;
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  spec.it_value.tv_sec = (time_t)(at_ns / 1000000000);
  spec.it_value.tv_nsec = (long)(at_ns % 1000000000);
  if (timerfd_settime(timer->fd, TFD_TIMER_ABSTIME, &spec, NULL) != 0) {
    napi_throw_error(env, "PRECISE_TIMER", strerror(errno));
    return NULL;
  }
  uv_ref((uv_handle_t *)&timer->poll);
  return NULL;
}

static napi_value disarm(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  precise_timer *timer = unwrap(env, argv[0]);
  if (timer == NULL) return NULL;
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  timerfd_settime(timer->fd, 0, &spec, NULL);
  uv_unref((uv_handle_t *)&timer->poll);
  return NULL;
}

static napi_value close_timer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  precise_timer *timer = NULL;
  CHECK(napi_get_value_external(env, argv[0], (void **)&timer));
  if (timer != NULL) shutdown_timer(timer);
  return NULL;
}

static napi_value monotonic_ms(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  napi_value result;
  CHECK(napi_create_double(env, (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6, &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"arm", NULL, arm, NULL, NULL, NULL, napi_default, NULL},
      {"disarm", NULL, disarm, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_timer, NULL, NULL, NULL, napi_default, NULL},
      {"monotonicMs", NULL, monotonic_ms, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok)
    return NULL;
  return exports;
}
