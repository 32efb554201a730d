/* Minimal test harness for the C tests: one bool test_x(void) per behaviour. */
#ifndef ALPR_TEST_MAIN_H
#define ALPR_TEST_MAIN_H
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      return false;                                                              \
    }                                                                            \
  } while (0)

#define STR(s) (const uint8_t *)(s), strlen(s)

#endif
