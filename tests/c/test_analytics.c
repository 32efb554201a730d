/* Guarded search, audited access decisions and retro-hits from C (R-SEARCH-1, R-SEARCH-2,
 * R-AUDIT-3): every run goes through an agency (roster, clock, legal holds, audit log), is decided
 * and recorded first, and results are borrowed from handles. */
#include <stdint.h>

#include "alpr.h"
#include "test_main.h"

/* 2026-11-28T12:00:00-08:00 in Unix milliseconds. */
#define NOW_MS INT64_C(1795896000000)

static const char *DETECTIONS =
    "[{\"id\": 1, \"plate\": \"7ABC123\", \"observed_at\": \"2026-11-27T10:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49,"
    "  \"jurisdiction\": \"CA\", \"device_id\": \"pod-1\"},"
    " {\"id\": 2, \"plate\": \"7A8C123\", \"observed_at\": \"2026-11-20T10:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49},"
    " {\"id\": 3, \"plate\": \"7ABC123\", \"observed_at\": \"2024-06-01T10:00:00-07:00\", \"lat\": 38.58, \"lon\": -121.49},"
    " {\"id\": 4, \"plate\": \"8XYZ999\", \"observed_at\": \"2026-11-27T11:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49}]";

static const char *QUERY = "{\"action\": \"query_detections\", \"purpose\": \"stolen_vehicle\"}";

static const char *ROSTER =
    "[{\"id\": \"u1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"u2\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"clearance\": true},"
    " {\"id\": \"adm\", \"agency\": \"SPD\", \"roles\": [\"administrator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"s1\", \"agency\": \"SPD\", \"roles\": [\"supervisor\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true}]";

static uint64_t agency_records(const alpr_agency *a) {
  alpr_audit_head head;
  memset(&head, 0, sizeof head);
  if (alpr_agency_head(a, &head) != ALPR_STATUS_OK) return UINT64_MAX;
  return head.sequence;
}

static bool test_search_audited(void) {
  const alpr_detection_store *s = NULL;
  const alpr_agency *a = NULL;
  const alpr_id_list *list = NULL;
  const uint64_t *ids = NULL;
  size_t n = 99;
  uint64_t base;
  alpr_detection_query q;
  memset(&q, 0, sizeof q);
  q.pattern = (const uint8_t *)"7AB?123";
  q.pattern_len = 7;
  q.from_ms = INT64_MIN;
  q.to_ms = INT64_MAX;
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, NULL, 0, STR(ROSTER), NOW_MS, &a) == ALPR_STATUS_OK);
  base = agency_records(a);

  /* Allowed: one record, then the search; detection 3 is past retention. */
  CHECK(alpr_agency_search(a, s, STR("u1"), STR(QUERY), &q, &list) == ALPR_STATUS_OK);
  CHECK(agency_records(a) == base + 1);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  alpr_id_list_free(list);
  /* A legal hold in the register makes it visible again. */
  CHECK(alpr_agency_place_legal_hold(a, STR("s1"), 3, STR("24-001234"), STR("criminal")) == ALPR_STATUS_OK);
  CHECK(alpr_agency_search(a, s, STR("u1"), STR(QUERY), &q, &list) == ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 2 && ids[0] == 1 && ids[1] == 3);
  alpr_id_list_free(list);
  CHECK(agency_records(a) == base + 3);

  /* Denied: recorded, nothing returned. */
  list = NULL;
  CHECK(alpr_agency_search(a, s, STR("u2"), STR(QUERY), &q, &list) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(list == NULL && agency_records(a) == base + 4);
  {
    uint8_t msg[256];
    size_t mn = 0;
    CHECK(alpr_last_error_message(msg, sizeof msg, &mn) == ALPR_STATUS_OK);
    CHECK(strstr((const char *)msg, "not_trained") != NULL);
  }
  /* Not a detection query, malformed JSON, no output: refused before any record. */
  CHECK(alpr_agency_search(a, s, STR("u1"), STR("{\"action\": \"view_hits\"}"), &q, &list) ==
        ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_search(a, s, STR("u1"), STR("{"), &q, &list) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_search(a, s, STR("u1"), STR(QUERY), &q, NULL) == ALPR_STATUS_NULL_PARAMETER);
  q.pattern = (const uint8_t *)"7*";
  q.pattern_len = 2;
  CHECK(alpr_agency_search(a, s, STR("u1"), STR(QUERY), &q, &list) == ALPR_STATUS_PATTERN_TOO_BROAD);
  CHECK(agency_records(a) == base + 4);

  /* An empty result is a list of length 0. */
  q.pattern = (const uint8_t *)"ZZZ*";
  q.pattern_len = 4;
  CHECK(alpr_agency_search(a, s, STR("u1"), STR(QUERY), &q, &list) == ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 0 && ids == NULL);
  CHECK(alpr_id_list_data(list, NULL, &n) == ALPR_STATUS_NULL_PARAMETER);
  alpr_id_list_free(list);
  alpr_id_list_free(NULL);
  alpr_agency_free(a);
  alpr_detection_store_free(s);
  return true;
}

static bool test_retro_hits(void) {
  const char *csv = "plate,state\n7ABC123,CA\n";
  const alpr_agency *a = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_retro_hits *hits = NULL;
  const alpr_retro_hit *rows = NULL;
  size_t n = 0;
  uint64_t base;
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, NULL, 0, STR(ROSTER), NOW_MS, &a) == ALPR_STATUS_OK);
  {
    alpr_load_options o = alpr_load_options_init();
    o.format = ALPR_FORMAT_CSV;
    o.id = (const uint8_t *)"SVS";
    o.id_len = 3;
    o.kind = ALPR_LIST_KIND_STANDARD;
    o.priority = 10;
    o.category = (const uint8_t *)"stolen_vehicle";
    o.category_len = strlen("stolen_vehicle");
    CHECK(alpr_agency_load_list(a, STR("adm"), &o, NULL, 0, STR(csv), NULL) == ALPR_STATUS_OK);
  }
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  base = agency_records(a);

  /* The last 30 days: detection 1 exact (same jurisdiction), 2 a look-alike (no jurisdiction read). */
  CHECK(alpr_agency_retro_hits(a, s, STR("u1"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_OK);
  CHECK(agency_records(a) == base + 1);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 2);
  CHECK(rows[0].detection_id == 1 && rows[0].hit.kind == ALPR_MATCH_KIND_EXACT);
  CHECK(rows[0].hit.jurisdiction == ALPR_JURISDICTION_MATCH && strcmp((const char *)rows[0].hit.list_id, "SVS") == 0);
  CHECK(rows[1].detection_id == 2 && rows[1].hit.kind == ALPR_MATCH_KIND_CONFUSABLE);
  CHECK(rows[1].hit.jurisdiction == ALPR_JURISDICTION_UNKNOWN && rows[1].hit.positions == (1u << 2));
  alpr_retro_hits_free(hits);

  /* Three days; then a long window where only the held old detection comes back. */
  CHECK(alpr_agency_retro_hits(a, s, STR("u1"), STR(QUERY), STR("SVS"), 3, &hits) == ALPR_STATUS_OK);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 1 && rows[0].detection_id == 1);
  alpr_retro_hits_free(hits);
  CHECK(alpr_agency_place_legal_hold(a, STR("s1"), 3, STR("24-001234"), STR("criminal")) == ALPR_STATUS_OK);
  CHECK(alpr_agency_retro_hits(a, s, STR("u1"), STR(QUERY), STR("SVS"), 1000, &hits) == ALPR_STATUS_OK);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 3 && rows[2].detection_id == 3);
  alpr_retro_hits_free(hits);
  CHECK(agency_records(a) == base + 4);

  /* Refusals. */
  hits = NULL;
  CHECK(alpr_agency_retro_hits(a, s, STR("u2"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(hits == NULL && agency_records(a) == base + 5);
  CHECK(alpr_agency_retro_hits(a, s, STR("u1"), STR(QUERY), STR("NOPE"), 30, &hits) == ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_agency_retro_hits(NULL, s, STR("u1"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(agency_records(a) == base + 5);
  alpr_retro_hits_free(NULL);
  alpr_agency_free(a);
  alpr_detection_store_free(s);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_search_audited, test_retro_hits};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_analytics: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
