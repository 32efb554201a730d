/* Guarded search, audited access decisions and retro-hits from C (R-SEARCH-1, R-SEARCH-2,
 * R-AUDIT-3): every run is decided and recorded first, and results are borrowed from handles. */
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

static const char *INVESTIGATOR = "{\"id\": \"u1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"],"
                                  " \"account\": \"active\", \"trained_on\": \"2025-06-01\", \"clearance\": true}";
static const char *UNTRAINED = "{\"id\": \"u2\", \"agency\": \"SPD\", \"roles\": [\"investigator\"],"
                               " \"account\": \"active\", \"clearance\": true}";
static const char *QUERY = "{\"action\": \"query_detections\", \"purpose\": \"stolen_vehicle\"}";

static uint64_t records(const alpr_audit_log *log) {
  alpr_audit_head head;
  memset(&head, 0, sizeof head);
  if (alpr_audit_log_head(log, &head) != ALPR_STATUS_OK) return UINT64_MAX;
  return head.sequence;
}

static bool test_search_audited(void) {
  const alpr_detection_store *s = NULL;
  const alpr_audit_log *log = NULL;
  const alpr_id_list *list = NULL;
  const uint64_t *ids = NULL;
  const uint64_t held[] = {3};
  size_t n = 99;
  alpr_detection_query q;
  memset(&q, 0, sizeof q);
  q.pattern = (const uint8_t *)"7AB?123";
  q.pattern_len = 7;
  q.from_ms = INT64_MIN;
  q.to_ms = INT64_MAX;
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);

  /* Allowed: one record, then the search; detection 3 is past retention. */
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR(QUERY), &q, NOW_MS, NULL, 0, &list) ==
        ALPR_STATUS_OK);
  CHECK(records(log) == 1);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  alpr_id_list_free(list);
  /* A legal hold makes it visible again. */
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR(QUERY), &q, NOW_MS, held, 1, &list) ==
        ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 2 && ids[0] == 1 && ids[1] == 3);
  alpr_id_list_free(list);
  CHECK(records(log) == 2);

  /* Denied: recorded, nothing returned. */
  list = NULL;
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(UNTRAINED), STR(QUERY), &q, NOW_MS, NULL, 0, &list) ==
        ALPR_STATUS_ACCESS_DENIED);
  CHECK(list == NULL && records(log) == 3);
  {
    uint8_t msg[256];
    size_t mn = 0;
    CHECK(alpr_last_error_message(msg, sizeof msg, &mn) == ALPR_STATUS_OK);
    CHECK(strstr((const char *)msg, "not_trained") != NULL);
  }
  /* Not a detection query, malformed JSON, no output: refused before any record. */
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR("{\"action\": \"view_hits\"}"), &q,
                                            NOW_MS, NULL, 0, &list) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR("{"), STR(QUERY), &q, NOW_MS, NULL, 0, &list) ==
        ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR(QUERY), &q, NOW_MS, NULL, 0, NULL) ==
        ALPR_STATUS_NULL_PARAMETER);
  q.pattern = (const uint8_t *)"7*";
  q.pattern_len = 2;
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR(QUERY), &q, NOW_MS, NULL, 0, &list) ==
        ALPR_STATUS_PATTERN_TOO_BROAD);
  CHECK(records(log) == 3);
  CHECK(alpr_audit_log_verify(log, NULL, NULL) == ALPR_STATUS_OK);

  /* An empty result is a list of length 0. */
  q.pattern = (const uint8_t *)"ZZZ*";
  q.pattern_len = 4;
  CHECK(alpr_detection_store_search_audited(s, log, NULL, STR(INVESTIGATOR), STR(QUERY), &q, NOW_MS, NULL, 0, &list) ==
        ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 0 && ids == NULL);
  CHECK(alpr_id_list_data(list, NULL, &n) == ALPR_STATUS_NULL_PARAMETER);
  alpr_id_list_free(list);
  alpr_id_list_free(NULL);
  alpr_audit_log_free(log);
  alpr_detection_store_free(s);
  return true;
}

static bool test_access_decide_audited(void) {
  const alpr_policy *p = NULL;
  const alpr_audit_log *log = NULL;
  const char *disabled = "{\"id\":\"u1\",\"agency\":\"SPD\",\"roles\":[\"dispatcher\"],\"account\":\"disabled\","
                         "\"clearance\":true}";
  const char *req = "{\"action\":\"query_detections\"}";
  bool allowed = true;
  uint32_t reasons[16];
  size_t n = 0;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);
  /* Too little room: the count needed, and nothing recorded (a retry records once). */
  CHECK(alpr_access_decide_audited_json(log, p, STR(disabled), STR(req), NOW_MS, &allowed, reasons, 2, &n) ==
        ALPR_STATUS_INSUFFICIENT_SIZE);
  CHECK(n == 4 && records(log) == 0);
  CHECK(alpr_access_decide_audited_json(log, p, STR(disabled), STR(req), NOW_MS, &allowed, reasons, 16, &n) ==
        ALPR_STATUS_OK);
  CHECK(!allowed && n == 4 && reasons[0] == ALPR_STATUS_ACCOUNT_INACTIVE && records(log) == 1);
  CHECK(alpr_access_decide_audited_json(log, p, STR(INVESTIGATOR), STR(QUERY), NOW_MS, &allowed, reasons, 16, &n) ==
        ALPR_STATUS_OK);
  CHECK(allowed && n == 0 && records(log) == 2);
  CHECK(alpr_access_decide_audited_json(NULL, p, STR(INVESTIGATOR), STR(QUERY), NOW_MS, &allowed, reasons, 16, &n) ==
        ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_audit_log_verify(log, NULL, NULL) == ALPR_STATUS_OK);
  alpr_audit_log_free(log);
  alpr_policy_free(p);
  return true;
}

static bool test_retro_hits(void) {
  const char *list_json =
      "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T08:00:00-08:00\","
      " \"entries\": [{\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\"}]}";
  const alpr_registry *reg = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_audit_log *log = NULL;
  const alpr_retro_hits *hits = NULL;
  const alpr_retro_hit *rows = NULL;
  const uint64_t held[] = {3};
  size_t n = 0;
  CHECK(alpr_registry_new(NULL, &reg) == ALPR_STATUS_OK);
  CHECK(alpr_registry_load_json(reg, STR(list_json), NULL) == ALPR_STATUS_OK);
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);

  /* The last 30 days: detection 1 exact (same jurisdiction), 2 a look-alike (no jurisdiction read). */
  CHECK(alpr_registry_retro_hits(reg, s, log, STR(INVESTIGATOR), STR(QUERY), STR("SVS"), 30, NOW_MS, NULL, 0, &hits) ==
        ALPR_STATUS_OK);
  CHECK(records(log) == 1);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 2);
  CHECK(rows[0].detection_id == 1 && rows[0].hit.kind == ALPR_MATCH_KIND_EXACT);
  CHECK(rows[0].hit.jurisdiction == ALPR_JURISDICTION_MATCH && strcmp((const char *)rows[0].hit.list_id, "SVS") == 0);
  CHECK(rows[1].detection_id == 2 && rows[1].hit.kind == ALPR_MATCH_KIND_CONFUSABLE);
  CHECK(rows[1].hit.jurisdiction == ALPR_JURISDICTION_UNKNOWN && rows[1].hit.positions == (1u << 2));
  alpr_retro_hits_free(hits);

  /* Three days; then a long window where only the held old detection comes back. */
  CHECK(alpr_registry_retro_hits(reg, s, log, STR(INVESTIGATOR), STR(QUERY), STR("SVS"), 3, NOW_MS, NULL, 0, &hits) ==
        ALPR_STATUS_OK);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 1 && rows[0].detection_id == 1);
  alpr_retro_hits_free(hits);
  CHECK(alpr_registry_retro_hits(reg, s, log, STR(INVESTIGATOR), STR(QUERY), STR("SVS"), 1000, NOW_MS, held, 1,
                                 &hits) == ALPR_STATUS_OK);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 3 && rows[2].detection_id == 3);
  alpr_retro_hits_free(hits);
  CHECK(records(log) == 3);

  /* Refusals. */
  hits = NULL;
  CHECK(alpr_registry_retro_hits(reg, s, log, STR(UNTRAINED), STR(QUERY), STR("SVS"), 30, NOW_MS, NULL, 0, &hits) ==
        ALPR_STATUS_ACCESS_DENIED);
  CHECK(hits == NULL && records(log) == 4);
  CHECK(alpr_registry_retro_hits(reg, s, log, STR(INVESTIGATOR), STR(QUERY), STR("NOPE"), 30, NOW_MS, NULL, 0, &hits) ==
        ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_registry_retro_hits(NULL, s, log, STR(INVESTIGATOR), STR(QUERY), STR("SVS"), 30, NOW_MS, NULL, 0, &hits) ==
        ALPR_STATUS_NULL_PARAMETER);
  CHECK(records(log) == 4);
  CHECK(alpr_audit_log_verify(log, NULL, NULL) == ALPR_STATUS_OK);
  alpr_retro_hits_free(NULL);
  alpr_audit_log_free(log);
  alpr_detection_store_free(s);
  alpr_registry_free(reg);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_search_audited, test_access_decide_audited, test_retro_hits};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_analytics: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
