{
  "targets": [
    {
      "target_name": "precise_timer",
      "sources": ["src/precise_timer.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
