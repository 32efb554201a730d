/* Partial-plate search over a detection store from C (R-SEARCH-1, R-RET-6). Every search goes
 * through an agency (in memory, its clock fixed at NOW_MS): the only read of detections on the
 * C ABI, decided and recorded first. */
#include <stdint.h>

#include "alpr.h"
#include "test_main.h"

/* 2026-11-28T12:00:00-08:00 in Unix milliseconds. */
#define NOW_MS INT64_C(1795896000000)
#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

static const uint64_t IDS[] = {1, 2, 3, 4, 5};
static const char *PLATES[] = {"7ABC123", "7abd-129", "7ABC1234", "8ABC123", "7ABC125"};
static const double LAT[] = {38.5816, 38.582, 38.6, 38.5816, 38.5816};
static const double LON[] = {-121.4944, -121.495, -121.4944, -121.4944, -121.4944};

static bool make_store(const alpr_detection_store **s) {
  const uint8_t *ptrs[5];
  size_t lens[5];
  int64_t observed[5] = {NOW_MS - 26 * HOUR_MS, NOW_MS - 25 * HOUR_MS, NOW_MS - 2 * DAY_MS - 3 * HOUR_MS,
                         NOW_MS - 8 * DAY_MS, NOW_MS - 900 * DAY_MS};
  for (size_t i = 0; i < 5; i++) {
    ptrs[i] = (const uint8_t *)PLATES[i];
    lens[i] = strlen(PLATES[i]);
  }
  CHECK(alpr_detection_store_new(IDS, ptrs, lens, observed, LAT, LON, 5, s) == ALPR_STATUS_OK);
  return true;
}

static alpr_detection_query query(const char *pattern, int64_t from, int64_t to) {
  alpr_detection_query q;
  memset(&q, 0, sizeof q);
  q.pattern = (const uint8_t *)pattern;
  q.pattern_len = strlen(pattern);
  q.from_ms = from;
  q.to_ms = to;
  return q;
}

static alpr_detection_query near(const char *pattern, double lat, double lon, double radius_m) {
  alpr_detection_query q = query(pattern, INT64_MIN, INT64_MAX);
  q.has_near = true;
  q.lat = lat;
  q.lon = lon;
  q.radius_m = radius_m;
  return q;
}

static const char *ROSTER =
    "[{\"id\": \"c1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"s1\", \"agency\": \"SPD\", \"roles\": [\"supervisor\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true}]";
static const char *QUERY = "{\"action\": \"query_detections\", \"purpose\": \"stolen_vehicle\"}";

/* Searches through a new agency whose register holds `held` (placed by the supervisor); copies
 * up to `cap` ids to `ids` and their number to `*n`. */
static alpr_status search_q(const alpr_detection_store *s, const alpr_detection_query *q, const uint64_t *held,
                            size_t held_len, uint64_t *ids, size_t cap, size_t *n) {
  const alpr_agency *a = NULL;
  const alpr_id_list *list = NULL;
  alpr_status st = alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, NULL, 0, STR(ROSTER), NOW_MS, &a);
  for (size_t i = 0; st == ALPR_STATUS_OK && i < held_len; i++)
    st = alpr_agency_place_legal_hold(a, STR("s1"), held[i], STR("24-000123"), STR("criminal"));
  if (st == ALPR_STATUS_OK) st = alpr_agency_search(a, s, STR("c1"), STR(QUERY), q, &list);
  if (st == ALPR_STATUS_OK) {
    const uint64_t *data = NULL;
    size_t len = 0;
    st = alpr_id_list_data(list, &data, &len);
    if (st == ALPR_STATUS_OK) {
      *n = len;
      for (size_t i = 0; i < len && i < cap; i++) ids[i] = data[i];
    }
    alpr_id_list_free(list);
  }
  alpr_agency_free(a);
  return st;
}

static alpr_status search(const alpr_detection_store *s, const char *pattern, int64_t from, int64_t to,
                          uint64_t *ids, size_t cap, size_t *n) {
  alpr_detection_query q = query(pattern, from, to);
  return search_q(s, &q, NULL, 0, ids, cap, n);
}

static bool test_patterns_and_window(void) {
  const alpr_detection_store *s = NULL;
  uint64_t ids[8];
  size_t n = 0, len = 0;
  CHECK(make_store(&s));
  CHECK(alpr_detection_store_len(s, &len) == ALPR_STATUS_OK && len == 5);
  CHECK(search(s, "7AB?12?", INT64_MIN, INT64_MAX, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 2 && ids[0] == 1 && ids[1] == 2);
  CHECK(search(s, "*C12*", INT64_MIN, INT64_MAX, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 3 && ids[0] == 1 && ids[1] == 3 && ids[2] == 4);
  /* from inclusive, to exclusive */
  CHECK(search(s, "*C12*", NOW_MS - 2 * DAY_MS - 3 * HOUR_MS, NOW_MS - 26 * HOUR_MS, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 1 && ids[0] == 3);
  /* exact plate, normalized */
  CHECK(search(s, "7abc 123", INT64_MIN, INT64_MAX, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 1 && ids[0] == 1);
  alpr_detection_store_free(s);
  return true;
}

static bool test_retention_holds_and_radius(void) {
  const alpr_detection_store *s = NULL;
  uint64_t ids[8], held[] = {5};
  size_t n = 0;
  alpr_detection_query q;
  CHECK(make_store(&s));
  /* id 5 is 900 days old: due for purge (R-RET-6) unless held */
  CHECK(search(s, "7ABC12?", INT64_MIN, INT64_MAX, ids, 8, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  q = query("7ABC12?", INT64_MIN, INT64_MAX);
  CHECK(search_q(s, &q, held, 1, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 2 && ids[0] == 1 && ids[1] == 5);
  q = near("7AB*", 38.5816, -121.4944, 500.0);
  CHECK(search_q(s, &q, NULL, 0, ids, 8, &n) == ALPR_STATUS_OK);
  CHECK(n == 2 && ids[0] == 1 && ids[1] == 2);
  alpr_detection_store_free(s);
  return true;
}

static bool test_errors(void) {
  const alpr_detection_store *s = NULL;
  const alpr_agency *a = NULL;
  const alpr_id_list *list = NULL;
  uint64_t ids[4] = {42};
  size_t n = 0;
  alpr_position pos;
  alpr_detection_query q;
  CHECK(make_store(&s));
  CHECK(search(s, "ZZZ*", INT64_MIN, INT64_MAX, NULL, 0, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(search(s, "7*", INT64_MIN, INT64_MAX, ids, 1, &n) == ALPR_STATUS_PATTERN_TOO_BROAD);
  CHECK(search(s, "A*B*C*D", INT64_MIN, INT64_MAX, ids, 1, &n) == ALPR_STATUS_INVALID_PATTERN);
  CHECK(search(s, "7AB*", NOW_MS, NOW_MS - 1, ids, 1, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  q = near("7AB*", 95.0, 0, 1);
  CHECK(search_q(s, &q, NULL, 0, ids, 1, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(search_q(s, NULL, NULL, 0, ids, 1, &n) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(search(NULL, "7AB*", INT64_MIN, INT64_MAX, ids, 1, &n) == ALPR_STATUS_NULL_PARAMETER);
  q = query("7AB*", INT64_MIN, INT64_MAX);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, NULL, 0, STR(ROSTER), NOW_MS, &a) == ALPR_STATUS_OK);
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_agency_search(NULL, s, STR("c1"), STR(QUERY), &q, &list) == ALPR_STATUS_NULL_PARAMETER && list == NULL);
  alpr_agency_free(a);
  alpr_detection_store_free(s);

  /* bad rows report their index */
  {
    const uint64_t dup[] = {1, 1};
    const uint8_t *ptrs[] = {(const uint8_t *)"ABC123", (const uint8_t *)"AB/123"};
    size_t lens[] = {6, 6};
    int64_t t[] = {0, 0};
    double z[] = {0, 0}, bad_lat[] = {0, 91};
    const uint64_t two[] = {1, 2};
    CHECK(alpr_detection_store_new(two, ptrs, lens, t, z, z, 2, &s) == ALPR_STATUS_INVALID_CHARACTER);
    CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1 && pos.character == 2);
    ptrs[1] = (const uint8_t *)"ABC124";
    CHECK(alpr_detection_store_new(two, ptrs, lens, t, bad_lat, z, 2, &s) == ALPR_STATUS_INVALID_ARGUMENT);
    CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1);
    CHECK(alpr_detection_store_new(dup, ptrs, lens, t, z, z, 2, &s) == ALPR_STATUS_INVALID_ARGUMENT);
    /* times outside the years 0001-9999 (issue 15: INT64_MIN/MAX were once read as 1970) */
    {
      const int64_t bad_times[] = {INT64_MIN, INT64_MAX, INT64_C(253402300800000), INT64_C(-62135596800001),
                                   INT64_C(1795896000000000) /* microseconds passed as ms */};
      for (size_t k = 0; k < sizeof bad_times / sizeof bad_times[0]; k++) {
        int64_t bt[] = {0, bad_times[k]};
        CHECK(alpr_detection_store_new(two, ptrs, lens, bt, z, z, 2, &s) == ALPR_STATUS_INVALID_DATE);
        CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1);
      }
    }
    {
      /* the first and last instants accepted */
      int64_t ends[] = {INT64_C(-62135596800000), INT64_C(253402300799999)};
      CHECK(alpr_detection_store_new(two, ptrs, lens, ends, z, z, 2, &s) == ALPR_STATUS_OK);
      alpr_detection_store_free(s);
    }
    CHECK(alpr_detection_store_new(NULL, ptrs, lens, t, z, z, 2, &s) == ALPR_STATUS_NULL_PARAMETER);
    CHECK(alpr_detection_store_new(NULL, NULL, NULL, NULL, NULL, NULL, 0, &s) == ALPR_STATUS_OK);
    alpr_detection_store_free(s);
  }
  alpr_detection_store_free(NULL);
  return true;
}

static bool test_from_json(void) {
  const alpr_detection_store *s = NULL;
  uint64_t ids[4];
  size_t n = 0;
  const char *json =
      "[{\"id\": 10, \"plate\": \"EV74\", \"observed_at\": \"2026-11-27T10:00:00-08:00\", \"lat\": 1, \"lon\": 2},"
      " {\"id\": 11, \"plate\": \"EVX7474\", \"observed_at\": \"2026-11-27T10:00:00-08:00\", \"lat\": 1, \"lon\": 2,"
      "  \"jurisdiction\": \"CA\", \"device_id\": \"pod-1\"},"
      " {\"id\": 12, \"plate\": \"EV7\", \"observed_at\": \"2026-11-27T10:00:00-08:00\", \"lat\": 1, \"lon\": 2}]";
  CHECK(alpr_detection_store_from_json(STR(json), &s) == ALPR_STATUS_OK);
  CHECK(search(s, "EV*74", INT64_MIN, INT64_MAX, ids, 4, &n) == ALPR_STATUS_OK);
  CHECK(n == 2 && ids[0] == 10 && ids[1] == 11);
  alpr_detection_store_free(s);
  CHECK(alpr_detection_store_from_json(STR("{\"id\": 1}"), &s) == ALPR_STATUS_INVALID_ARGUMENT);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_patterns_and_window, test_retention_holds_and_radius, test_errors,
                           test_from_json};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_search: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
