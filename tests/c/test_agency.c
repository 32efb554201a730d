/* The agency context from C (issue 11): every read of detections is decided and recorded first
 * (R-AUDIT-3), a failing audit store fails closed, hit events are timed records (R-HIT-9),
 * special lists need their approver (R-LIST-9), covert hits are withheld (R-LIST-2), and the
 * quarterly report and access review are reachable (R-AUDIT-4, R-ACCESS-5). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "alpr.h"
#include "test_main.h"

/* 2026-11-28T12:00:00-08:00 in Unix milliseconds. */
#define NOW_MS INT64_C(1795896000000)
#define MINUTE_MS INT64_C(60000)

static const char *ROSTER =
    "[{\"id\": \"c1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"u2\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"clearance\": true},"
    " {\"id\": \"adm\", \"agency\": \"SPD\", \"roles\": [\"administrator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"ooi\", \"agency\": \"SPD\", \"roles\": [\"ooi_captain\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"s1\", \"agency\": \"SPD\", \"roles\": [\"supervisor\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"cov\", \"agency\": \"SPD\", \"roles\": [\"covert_analyst\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true}]";

static const char *DETECTIONS =
    "[{\"id\": 1, \"plate\": \"7ABC123\", \"observed_at\": \"2026-11-27T10:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49,"
    "  \"jurisdiction\": \"CA\", \"device_id\": \"pod-1\"},"
    " {\"id\": 2, \"plate\": \"7A8C123\", \"observed_at\": \"2026-11-20T10:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49},"
    " {\"id\": 3, \"plate\": \"7ABC123\", \"observed_at\": \"2024-06-01T10:00:00-07:00\", \"lat\": 38.58, \"lon\": -121.49},"
    " {\"id\": 4, \"plate\": \"8XYZ999\", \"observed_at\": \"2026-11-27T11:00:00-08:00\", \"lat\": 38.58, \"lon\": -121.49}]";

static const char *QUERY = "{\"action\": \"query_detections\", \"purpose\": \"stolen_vehicle\"}";
static const char *SHARE = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                           "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approvals\":[]}";
static const char *SVS_CSV = "plate,state\n7ABC123,CA\n";

/* Run from the repository root (as `make c-test` does); target/c holds the test binaries. */
static const char *LOG_PATH = "target/c/test_agency_audit.log";

/* The policy with a role that may view covert hits (no default role may). */
static bool covert_policy(const alpr_policy **p) {
  const alpr_policy *base = NULL;
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"roles\": {\"covert_analyst\": [\"view_covert\", \"view_hits\"],"
                                                  " \"administrator\": [\"manage_users\", \"audit_queries\", "
                                                  "\"manage_hot_lists\"], \"ooi_captain\": [\"approve_special_list\"],"
                                                  " \"supervisor\": [\"place_legal_hold\"],"
                                                  " \"investigator\": [\"query_detections\", \"view_hits\"]}}"),
                                        p) == ALPR_STATUS_OK);
  alpr_policy_free(base);
  return true;
}

static bool open_agency(const char *path, const alpr_agency **a) {
  const alpr_policy *p = NULL;
  CHECK(covert_policy(&p));
  if (path) remove(path);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), p, path ? (const uint8_t *)path : NULL, path ? strlen(path) : 0,
                                               STR(ROSTER), NOW_MS, a) == ALPR_STATUS_OK);
  alpr_policy_free(p);
  return true;
}

static uint64_t records(const alpr_agency *a) {
  alpr_audit_head head;
  memset(&head, 0, sizeof head);
  if (alpr_agency_head(a, &head) != ALPR_STATUS_OK) return UINT64_MAX;
  return head.sequence;
}

/* The last line of the audit file (in a static buffer; the tests' logs are small). */
static const char *last_record(const char *path) {
  static char buf[1 << 18];
  FILE *f = fopen(path, "rb");
  size_t n;
  char *p;
  buf[0] = 0;
  if (!f) return buf;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  if (n == 0) return buf;
  buf[n - 1] = 0; /* the final newline */
  p = strrchr(buf, '\n');
  return p ? p + 1 : buf;
}

/* A list load through the agency: options as `alpr_load_options_init` makes them, strings NULL for
 * none. */
static alpr_status load_list(const alpr_agency *a, const char *user, uint32_t format, const char *id, uint32_t kind,
                             uint32_t priority, const char *category, const char *source, const char *approver,
                             const char *bytes, alpr_load_report **rep) {
  alpr_load_options o = alpr_load_options_init();
  o.format = format;
  o.id = (const uint8_t *)id;
  o.id_len = id ? strlen(id) : 0;
  o.kind = kind;
  o.priority = priority;
  o.category = (const uint8_t *)category;
  o.category_len = category ? strlen(category) : 0;
  o.source = (const uint8_t *)source;
  o.source_len = source ? strlen(source) : 0;
  return alpr_agency_load_list(a, STR(user), &o, (const uint8_t *)approver, approver ? strlen(approver) : 0, STR(bytes),
                               rep);
}

static alpr_detection_query query(const char *pattern) {
  alpr_detection_query q;
  memset(&q, 0, sizeof q);
  q.pattern = (const uint8_t *)pattern;
  q.pattern_len = strlen(pattern);
  q.from_ms = INT64_MIN;
  q.to_ms = INT64_MAX;
  return q;
}

static alpr_read make_read(const char *plate) {
  alpr_read r;
  memset(&r, 0, sizeof r);
  r.plate = (const uint8_t *)plate;
  r.plate_len = strlen(plate);
  r.jurisdiction[0] = 'C';
  r.jurisdiction[1] = 'A';
  r.origin = ALPR_ORIGIN_VEHICLE;
  r.observed_at_ms = NOW_MS - MINUTE_MS;
  r.lat = 38.58;
  r.lon = -121.49;
  r.confidence = -1.0f;
  return r;
}

static bool test_search_denied_and_allowed(void) {
  const alpr_agency *a = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_id_list *list = NULL;
  const uint64_t *ids = NULL;
  size_t n = 0;
  uint64_t before;
  alpr_detection_query q = query("7AB?123");
  CHECK(open_agency(LOG_PATH, &a));
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  before = records(a);
  CHECK(before == 1); /* agency_open */

  /* Denied (no training): ACCESS_DENIED, nothing returned, the denial recorded with its reason. */
  CHECK(alpr_agency_search(a, s, STR("u2"), STR(QUERY), &q, &list) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(list == NULL && records(a) == before + 1);
  CHECK(strstr(last_record(LOG_PATH), "\"action\":\"query_detections\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"outcome\":\"deny\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "not_trained") != NULL);
  {
    uint8_t msg[256];
    size_t mn = 0;
    CHECK(alpr_last_error_message(msg, sizeof msg, &mn) == ALPR_STATUS_OK);
    CHECK(strstr((const char *)msg, "not_trained") != NULL);
  }
  /* An id not on the roster is a recorded denial too, whatever JSON it could have claimed. */
  CHECK(alpr_agency_search(a, s, STR("intruder"), STR(QUERY), &q, &list) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(list == NULL && records(a) == before + 2);
  CHECK(strstr(last_record(LOG_PATH), "\"user\":\"intruder\"") != NULL);

  /* Allowed: the record (window, holds, query terms) is in the log when the ids come back;
   * detection 3 is past retention. */
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, &list) == ALPR_STATUS_OK);
  CHECK(records(a) == before + 3);
  CHECK(strstr(last_record(LOG_PATH), "\"outcome\":\"allow\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"holds_count\":\"0\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"window_to\"") != NULL);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  alpr_id_list_free(list);

  /* A legal hold from the register (not from the caller) keeps detection 3 readable, and the
   * record names it. */
  CHECK(alpr_agency_place_legal_hold(a, STR("s1"), 3, STR("24-001234"), STR("criminal")) == ALPR_STATUS_OK);
  CHECK(alpr_agency_place_legal_hold(a, STR("c1"), 4, STR("24-001234"), STR("criminal")) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, &list) == ALPR_STATUS_OK);
  CHECK(strstr(last_record(LOG_PATH), "\"hold_cases\":\"24-001234\"") != NULL);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 2 && ids[0] == 1 && ids[1] == 3);
  alpr_id_list_free(list);
  {
    size_t released = 0;
    CHECK(alpr_agency_release_legal_hold(a, STR("s1"), 3, STR("24-001234"), &released) == ALPR_STATUS_OK);
    CHECK(released == 1);
  }

  /* Refused before any record: not a detection query, malformed JSON, a too-broad pattern, no
   * output. */
  before = records(a);
  CHECK(alpr_agency_search(a, s, STR("c1"), STR("{\"action\": \"view_hits\"}"), &q, &list) ==
        ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_search(a, s, STR("c1"), STR("{"), &q, &list) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, NULL) == ALPR_STATUS_NULL_PARAMETER);
  q = query("7*");
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, &list) == ALPR_STATUS_PATTERN_TOO_BROAD);
  CHECK(records(a) == before);
  alpr_agency_free(a);

  /* Reopened over the same file: the chain verifies, and the opening is one more record. */
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(LOG_PATH), STR(ROSTER), NOW_MS, &a) ==
        ALPR_STATUS_OK);
  CHECK(records(a) == before + 1);
  /* A clock behind the log's last record refuses to record. */
  CHECK(alpr_agency_set_clock_for_tests_and_replays(a, NOW_MS - MINUTE_MS) == ALPR_STATUS_OK);
  q = query("7AB?123");
  list = NULL;
  CHECK(alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, &list) == ALPR_STATUS_TIME_REGRESSION && list == NULL);
  alpr_agency_free(a);
  alpr_detection_store_free(s);
  return true;
}

static bool test_failing_store_fails_closed(void) {
  const alpr_agency *a = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_id_list *list = NULL;
  const alpr_retro_hits *hits = NULL;
  struct rlimit old, lim;
  FILE *f;
  long size;
  uint64_t before;
  alpr_status st, st2;
  alpr_detection_query q = query("7AB?123");
  CHECK(open_agency(LOG_PATH, &a));
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SVS", ALPR_LIST_KIND_STANDARD, 10,
                              "stolen_vehicle", "CA DOJ", NULL, SVS_CSV, NULL) == ALPR_STATUS_OK);
  before = records(a);
  f = fopen(LOG_PATH, "rb");
  CHECK(f != NULL);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  size = ftell(f);
  fclose(f);
  /* The file may not grow: every append fails (EFBIG; the signal is ignored). */
  signal(SIGXFSZ, SIG_IGN);
  CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
  lim = old;
  lim.rlim_cur = (rlim_t)size;
  CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  st = alpr_agency_search(a, s, STR("c1"), STR(QUERY), &q, &list);
  st2 = alpr_agency_retro_hits(a, s, STR("c1"), STR(QUERY), STR("SVS"), 30, &hits);
  CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
  signal(SIGXFSZ, SIG_DFL);
  /* Nothing read, nothing returned, the head unchanged; the file still verifies on reopening. */
  CHECK(st == ALPR_STATUS_AUDIT_WRITE_FAILED && list == NULL);
  CHECK(st2 == ALPR_STATUS_AUDIT_WRITE_FAILED && hits == NULL);
  CHECK(records(a) == before);
  alpr_agency_free(a);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(LOG_PATH), STR(ROSTER), NOW_MS, &a) ==
        ALPR_STATUS_OK);
  CHECK(records(a) == before + 1);
  alpr_agency_free(a);
  alpr_detection_store_free(s);
  return true;
}

static bool test_retro_hits(void) {
  const alpr_agency *a = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_retro_hits *hits = NULL;
  const alpr_retro_hit *rows = NULL;
  size_t n = 0;
  uint64_t before;
  CHECK(open_agency(NULL, &a));
  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SVS", ALPR_LIST_KIND_STANDARD, 10,
                              "stolen_vehicle", "CA DOJ", NULL, SVS_CSV, NULL) == ALPR_STATUS_OK);
  before = records(a);
  /* The last 30 days: detection 1 exact (same jurisdiction), 2 a look-alike. */
  CHECK(alpr_agency_retro_hits(a, s, STR("c1"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_OK);
  CHECK(records(a) == before + 1);
  CHECK(alpr_retro_hits_data(hits, &rows, &n) == ALPR_STATUS_OK && n == 2);
  CHECK(rows[0].detection_id == 1 && rows[0].hit.kind == ALPR_MATCH_KIND_EXACT);
  CHECK(strcmp((const char *)rows[0].hit.list_id, "SVS") == 0);
  CHECK(rows[1].detection_id == 2 && rows[1].hit.kind == ALPR_MATCH_KIND_CONFUSABLE);
  alpr_retro_hits_free(hits);
  hits = NULL;
  CHECK(alpr_agency_retro_hits(a, s, STR("u2"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(hits == NULL && records(a) == before + 2);
  CHECK(alpr_agency_retro_hits(a, s, STR("c1"), STR(QUERY), STR("NOPE"), 30, &hits) == ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_agency_retro_hits(NULL, s, STR("c1"), STR(QUERY), STR("SVS"), 30, &hits) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(records(a) == before + 2);
  alpr_retro_hits_free(NULL);
  alpr_agency_free(a);
  alpr_detection_store_free(s);
  return true;
}

static bool test_special_list_needs_approver(void) {
  const alpr_agency *a = NULL;
  alpr_load_report *rep = NULL;
  uint64_t before;
  CHECK(open_agency(LOG_PATH, &a));
  before = records(a);
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SPECIAL-OOI", ALPR_LIST_KIND_SPECIAL, 5,
                              "stolen_vehicle", NULL, NULL, SVS_CSV, &rep) == ALPR_STATUS_APPROVAL_REQUIRED);
  CHECK(rep == NULL && records(a) == before + 1);
  CHECK(strstr(last_record(LOG_PATH), "\"action\":\"hot_list_load\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "approval_required") != NULL);
  /* An approver without approve_special_list is no approver. */
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SPECIAL-OOI", ALPR_LIST_KIND_SPECIAL, 5,
                              "stolen_vehicle", NULL, "s1", SVS_CSV, &rep) ==
        ALPR_STATUS_APPROVAL_REQUIRED);
  /* The OOI captain approves: loaded, the record names the approver and the file's SHA-256. */
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SPECIAL-OOI", ALPR_LIST_KIND_SPECIAL, 5,
                              "stolen_vehicle", NULL, "ooi", SVS_CSV, &rep) == ALPR_STATUS_OK);
  CHECK(rep != NULL);
  alpr_load_report_free(rep);
  CHECK(strstr(last_record(LOG_PATH), "\"approver\":\"ooi\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"file_sha256\":\"") != NULL);
  /* Loading needs manage_hot_lists. */
  CHECK(load_list(a, "c1", ALPR_FORMAT_CSV, "SVS", ALPR_LIST_KIND_STANDARD, 10,
                              "stolen_vehicle", NULL, NULL, SVS_CSV, NULL) == ALPR_STATUS_ACCESS_DENIED);
  /* The agency versions a load at its clock: options with a time of their own are refused, as
   * NULL options are, before anything is recorded. */
  before = records(a);
  {
    alpr_load_options o = alpr_load_options_init();
    o.format = ALPR_FORMAT_CSV;
    o.id = (const uint8_t *)"SVS";
    o.id_len = 3;
    o.kind = ALPR_LIST_KIND_STANDARD;
    o.loaded_at_ms = NOW_MS;
    CHECK(alpr_agency_load_list(a, STR("adm"), &o, NULL, 0, STR(SVS_CSV), NULL) == ALPR_STATUS_INVALID_ARGUMENT);
    CHECK(alpr_agency_load_list(a, STR("adm"), NULL, NULL, 0, STR(SVS_CSV), NULL) == ALPR_STATUS_NULL_PARAMETER);
    o.loaded_at_ms = ALPR_TIME_UNSET;
    o.kind = ALPR_UNSET;
    CHECK(alpr_agency_load_list(a, STR("adm"), &o, NULL, 0, STR(SVS_CSV), NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  }
  CHECK(records(a) == before);
  CHECK(load_list(a, "adm", 99, "SVS", ALPR_LIST_KIND_STANDARD, 10, NULL, NULL, NULL,
                              SVS_CSV, NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  alpr_agency_free(a);
  return true;
}

static bool test_covert_hits_withheld(void) {
  const alpr_agency *a = NULL;
  const alpr_text *t = NULL;
  const uint8_t *data = NULL;
  alpr_hit hits[4];
  size_t n = 0, len = 0;
  alpr_read r = make_read("7ABC123");
  uint64_t before;
  CHECK(open_agency(NULL, &a));
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "COVERT", ALPR_LIST_KIND_COVERT, 5,
                              "stolen_vehicle", NULL, NULL, SVS_CSV, NULL) == ALPR_STATUS_OK);
  before = records(a);
  /* No viewer (a camera) and a viewer without view_covert: withheld, and recorded. */
  CHECK(alpr_agency_match(a, NULL, 0, &r, hits, 4, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_agency_match(a, STR("c1"), &r, hits, 4, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(records(a) == before + 2);
  /* Too little room: the count, and nothing recorded; the retry records the covert hit once. */
  CHECK(alpr_agency_match(a, STR("cov"), &r, NULL, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n == 1);
  CHECK(records(a) == before + 2);
  /* A viewer allowed view_covert receives it. */
  CHECK(alpr_agency_match(a, STR("cov"), &r, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(records(a) == before + 3);
  CHECK(hits[0].list_kind == ALPR_LIST_KIND_COVERT && strcmp((const char *)hits[0].list_id, "COVERT") == 0);
  /* The withheld hits are retrievable from the log by an authorized user only. */
  CHECK(alpr_agency_covert_hits_json(a, STR("c1"), NOW_MS - 60 * MINUTE_MS, NOW_MS + MINUTE_MS, &t) ==
        ALPR_STATUS_ACCESS_DENIED);
  CHECK(t == NULL);
  CHECK(alpr_agency_covert_hits_json(a, STR("cov"), NOW_MS - 60 * MINUTE_MS, NOW_MS + MINUTE_MS, &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK && len == strlen((const char *)data));
  CHECK(strstr((const char *)data, "\"delivered\":\"false\"") != NULL);
  CHECK(strstr((const char *)data, "\"delivered\":\"true\"") != NULL);
  alpr_text_free(t);
  alpr_text_free(NULL);
  alpr_agency_free(a);
  return true;
}

static bool test_hit_case_timed_events(void) {
  const alpr_agency *a = NULL;
  alpr_hit_case *c = NULL;
  alpr_hit hits[4];
  size_t n = 0;
  uint8_t buf[4096];
  uint64_t id = 0, before;
  alpr_read r = make_read("7ABC123");
  CHECK(open_agency(LOG_PATH, &a));
  CHECK(load_list(a, "adm", ALPR_FORMAT_CSV, "SVS", ALPR_LIST_KIND_STANDARD, 10,
                              "stolen_vehicle", NULL, NULL, SVS_CSV, NULL) == ALPR_STATUS_OK);
  CHECK(alpr_agency_match(a, NULL, 0, &r, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  /* The case from the hit and its read, in one call (no JSON round trip); the opening is recorded. */
  before = records(a);
  CHECK(alpr_agency_open_hit(a, &r, &hits[0], &c) == ALPR_STATUS_OK);
  CHECK(records(a) == before + 1 && strstr(last_record(LOG_PATH), "\"action\":\"hit_open\"") != NULL);
  CHECK(alpr_hit_case_id(c, &id) == ALPR_STATUS_OK && id == 1);
  CHECK(alpr_hit_case_packet_json(a, c, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "\"read\"") != NULL && strstr((const char *)buf, "\"plate_read\":\"7ABC123\"") != NULL);
  /* The read's heading when known (R-HIT-10): in [0, 360), else refused and the case unchanged. */
  CHECK(strstr((const char *)buf, "\"heading\"") == NULL);
  before = records(a);
  CHECK(alpr_hit_case_set_heading(c, 360.0) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_hit_case_set_heading(c, -0.5) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_hit_case_set_heading(c, NAN) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_hit_case_set_heading(NULL, 90.0) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_case_packet_json(a, c, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "\"heading\"") == NULL);
  CHECK(alpr_hit_case_set_heading(c, 270.5) == ALPR_STATUS_OK);
  CHECK(alpr_hit_case_packet_json(a, c, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "\"heading\":270.5") != NULL);
  CHECK(records(a) == before);

  /* Events at their time, by their actor, with a reference; the clock has moved on. */
  CHECK(alpr_agency_set_clock_for_tests_and_replays(a, NOW_MS + 10 * MINUTE_MS) == ALPR_STATUS_OK);
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"acknowledge\"}"), NOW_MS + 2 * MINUTE_MS, STR("c1"),
                                 STR("CAD-77")) == ALPR_STATUS_OK);
  CHECK(strstr(last_record(LOG_PATH), "\"reference\":\"CAD-77\"") != NULL);
  /* Dated before the previous event: TIME_REGRESSION, recorded, the case unchanged. */
  before = records(a);
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"record_basis\"}"), NOW_MS + MINUTE_MS, STR("c1"), NULL, 0) ==
        ALPR_STATUS_TIME_REGRESSION);
  CHECK(records(a) == before + 1 && strstr(last_record(LOG_PATH), "time_regression") != NULL);
  /* Dated after the clock: refused and recorded. */
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"record_basis\"}"), NOW_MS + 20 * MINUTE_MS, STR("c1"), NULL,
                                 0) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(records(a) == before + 2);
  /* A stop before confirmation: the workflow's refusal, recorded. */
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"stop\"}"), NOW_MS + 3 * MINUTE_MS, STR("c1"), NULL, 0) ==
        ALPR_STATUS_CONFIRMATION_REQUIRED);
  CHECK(records(a) == before + 3 && strstr(last_record(LOG_PATH), "confirmation_required") != NULL);
  /* An actor not on the roster: denied, recorded. */
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"record_basis\"}"), NOW_MS + 4 * MINUTE_MS, STR("nobody"),
                                 NULL, 0) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(records(a) == before + 4);
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": \"record_basis\"}"), NOW_MS + 4 * MINUTE_MS, STR("c1"), NULL,
                                 0) == ALPR_STATUS_OK);
  CHECK(alpr_hit_case_status(c, buf, sizeof buf, &n) == ALPR_STATUS_OK && strcmp((const char *)buf, "acknowledged") == 0);
  /* Malformed event JSON is refused before any record. */
  before = records(a);
  CHECK(alpr_hit_case_event_json(a, c, STR("{\"event\": 1}"), NOW_MS + 5 * MINUTE_MS, STR("c1"), NULL, 0) ==
        ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(records(a) == before);
  /* A hit that is not one of the read's hits. */
  {
    alpr_hit_case *c2 = NULL;
    alpr_hit other = hits[0];
    other.entry_index = 7;
    CHECK(alpr_agency_open_hit(a, &r, &other, &c2) == ALPR_STATUS_INVALID_ARGUMENT && c2 == NULL);
    CHECK(alpr_agency_open_hit(a, &r, NULL, &c2) == ALPR_STATUS_NULL_PARAMETER);
  }
  alpr_hit_case_free(c);
  alpr_hit_case_free(NULL);
  alpr_agency_free(a);
  return true;
}

static bool test_governance_through_the_agency(void) {
  const alpr_agency *a = NULL;
  const alpr_text *t = NULL;
  const uint8_t *data = NULL;
  const alpr_purge_plan *plan = NULL;
  size_t len = 0;
  uint64_t hp = 0;
  bool unverified = false;
  alpr_retention_record recs[1];
  CHECK(open_agency(NULL, &a));
  /* Other-use approvals: the record is the approval an other_approved request references. */
  CHECK(alpr_agency_approve_other_use(a, STR("c1"), STR("MEMO-1"), NULL, 0, NULL, 0, STR("training review")) ==
        ALPR_STATUS_ACCESS_DENIED);
  CHECK(alpr_agency_authorize_json(a, STR("c1"), STR("{\"action\": \"view_hits\"}")) == ALPR_STATUS_OK);
  CHECK(alpr_agency_authorize_json(a, STR("u2"), STR("{\"action\": \"view_hits\"}")) == ALPR_STATUS_ACCESS_DENIED);
  /* Hot plates: only with manage_hot_plates (the covert profile's investigator lacks it). */
  CHECK(alpr_agency_enter_hot_plate_json(a, STR("c1"), STR("{\"plate\": \"7ABC123\"}"), &hp) ==
        ALPR_STATUS_ACCESS_DENIED);
  /* Shift end checks the log, not a caller's flag: no own-detection query, upload unverified. */
  CHECK(alpr_agency_shift_end(a, STR("c1"), NOW_MS - 60 * MINUTE_MS, &unverified) == ALPR_STATUS_OK && unverified);
  /* Share and purge, recorded. */
  CHECK(alpr_agency_share_json(a, STR("c1"), STR(SHARE), &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)data, "needs_approval") != NULL);
  CHECK(strstr((const char *)data, "captain_investigations") != NULL);
  alpr_text_free(t);
  t = NULL;
  CHECK(alpr_agency_share_json(a, STR("u2"), STR(SHARE), &t) == ALPR_STATUS_ACCESS_DENIED && t == NULL);
  t = NULL;
  recs[0].id = 9;
  recs[0].class_id = 0;
  recs[0].captured_at_ms = NOW_MS - 1000 * 24 * 60 * MINUTE_MS;
  CHECK(alpr_agency_purge(a, STR("c1"), recs, 1, &plan) == ALPR_STATUS_OK);
  alpr_purge_plan_free(plan);
  CHECK(alpr_agency_purge(a, STR("u2"), recs, 1, &plan) == ALPR_STATUS_ACCESS_DENIED);

  /* The access review and the quarterly report: audit_queries only, recorded first. */
  CHECK(alpr_agency_access_review_json(a, STR("c1"), &t) == ALPR_STATUS_ACCESS_DENIED && t == NULL);
  CHECK(alpr_agency_access_review_json(a, STR("adm"), &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK && data[0] == '[');
  /* Users never active are listed (ooi never acted); c1 acted. */
  CHECK(strstr((const char *)data, "\"user\":\"ooi\"") != NULL);
  CHECK(strstr((const char *)data, "\"user\":\"c1\"") == NULL);
  alpr_text_free(t);
  t = NULL;
  CHECK(alpr_agency_quarterly_report_json(a, STR("c1"), STR("{\"seed\": 1, \"sample_size\": 2}"), &t) ==
        ALPR_STATUS_ACCESS_DENIED);
  CHECK(alpr_agency_quarterly_report_json(a, STR("adm"), STR("{\"seed\": 1}"), &t) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_quarterly_report_json(a, STR("adm"), STR("{\"seed\": 1, \"sample_size\": 2}"), &t) ==
        ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)data, "\"records\":") != NULL && strstr((const char *)data, "\"users\":[") != NULL);
  CHECK(strstr((const char *)data, "\"user\":\"adm\"") != NULL);
  CHECK(alpr_text_data(t, NULL, &len) == ALPR_STATUS_NULL_PARAMETER);
  alpr_text_free(t);
  alpr_agency_free(a);
  alpr_agency_free(NULL);
  return true;
}

static bool test_open_errors(void) {
  const alpr_agency *a = NULL;
  alpr_position pos;
  CHECK(alpr_agency_open(STR("SPD"), NULL, NULL, 0, STR("[{\"id\": \"\"}]"), &a) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 0);
  CHECK(alpr_agency_open(STR("SPD"), NULL, NULL, 0, STR("[{\"id\": \"a\"}, {\"id\": \"a\"}]"), &a) ==
        ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_open(STR("SPD"), NULL, NULL, 0, STR("{"), &a) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_open(STR(""), NULL, NULL, 0, STR("[]"), &a) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_agency_open(STR("SPD"), NULL, NULL, 0, STR("[]"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(a == NULL);
  /* The system clock cannot be set. */
  CHECK(alpr_agency_open(STR("SPD"), NULL, NULL, 0, STR(ROSTER), &a) == ALPR_STATUS_OK);
  CHECK(alpr_agency_set_clock_for_tests_and_replays(a, NOW_MS) == ALPR_STATUS_INVALID_ARGUMENT);
  alpr_agency_free(a);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, NULL, 0, STR("[]"), INT64_MAX, &a) ==
        ALPR_STATUS_INVALID_DATE);
  return true;
}

/* R-LIST-2: a registry (no viewer, no audit log) never returns a covert list's hits, single or
 * batch; the same read's standard hit still comes back. */
static bool test_registry_withholds_covert_hits(void) {
  const alpr_registry *reg = NULL;
  alpr_load_options o = alpr_load_options_init();
  alpr_hit hits[4];
  alpr_read reads[2];
  uint32_t statuses[2];
  size_t n = 9;
  CHECK(alpr_registry_new(NULL, &reg) == ALPR_STATUS_OK);
  o.format = ALPR_FORMAT_CSV;
  o.id = (const uint8_t *)"COVERT";
  o.id_len = 6;
  o.kind = ALPR_LIST_KIND_COVERT;
  o.loaded_at_ms = NOW_MS - MINUTE_MS;
  o.category = (const uint8_t *)"stolen_vehicle";
  o.category_len = strlen("stolen_vehicle");
  CHECK(alpr_registry_load_bytes(reg, &o, STR(SVS_CSV), NULL) == ALPR_STATUS_OK);
  reads[0] = make_read("7ABC123");
  reads[1] = make_read("7ABC123");
  CHECK(alpr_registry_match(reg, &reads[0], NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_registry_match_batch(reg, reads, 2, NOW_MS, hits, 4, &n, statuses) == ALPR_STATUS_OK && n == 0);
  o.id = (const uint8_t *)"SVS";
  o.id_len = 3;
  o.kind = ALPR_LIST_KIND_STANDARD;
  CHECK(alpr_registry_load_bytes(reg, &o, STR(SVS_CSV), NULL) == ALPR_STATUS_OK);
  CHECK(alpr_registry_match(reg, &reads[0], NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(hits[0].list_kind == ALPR_LIST_KIND_STANDARD);
  CHECK(alpr_registry_match_batch(reg, reads, 2, NOW_MS, hits, 4, &n, statuses) == ALPR_STATUS_OK && n == 2);
  CHECK(hits[0].list_kind == ALPR_LIST_KIND_STANDARD && hits[1].list_kind == ALPR_LIST_KIND_STANDARD);
  CHECK(hits[0].read_index == 0 && hits[1].read_index == 1);
  alpr_registry_free(reg);
  return true;
}

/* The built-in profile: investigators may download POD video and manage hot plates, operators
 * query their own detections. */
static const char *STAFF =
    "[{\"id\": \"inv\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
    " {\"id\": \"op\", \"agency\": \"SPD\", \"roles\": [\"operator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true, \"devices\": [\"pod-1\"]},"
    " {\"id\": \"op2\", \"agency\": \"SPD\", \"roles\": [\"operator\"], \"account\": \"active\","
    "  \"trained_on\": \"2025-06-01\", \"clearance\": true}]";

static const char *HOT_PLATE = "{\"plate\": \"5DEF456\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\","
                               " \"expires_at\": \"2026-12-20T12:00:00-08:00\", \"case_number\": \"26-555\"}";

/* POD video booked as evidence (G.O. §B.2, §C.3.d): download_pod_video with a purpose and a
 * case number, recorded with the device, the video and who. */
static bool test_pod_evidence(void) {
  const alpr_agency *a = NULL;
  alpr_pod_evidence ev = alpr_pod_evidence_init();
  uint64_t seq = 0, before;
  remove(LOG_PATH);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(LOG_PATH), STR(STAFF), NOW_MS, &a) ==
        ALPR_STATUS_OK);
  ev.purpose = (const uint8_t *)"crime_canvass";
  ev.purpose_len = strlen("crime_canvass");
  ev.case_number = (const uint8_t *)"26-4410";
  ev.case_number_len = strlen("26-4410");
  ev.device_id = (const uint8_t *)"pod-3";
  ev.device_id_len = strlen("pod-3");
  ev.video_ref = (const uint8_t *)"nvr-3/export-77";
  ev.video_ref_len = strlen("nvr-3/export-77");
  CHECK(alpr_agency_book_pod_evidence(a, STR("inv"), &ev, &seq) == ALPR_STATUS_OK);
  CHECK(seq == records(a));
  CHECK(strstr(last_record(LOG_PATH), "\"action\":\"pod_evidence\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"case_number\":\"26-4410\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"device_id\":\"pod-3\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"video_ref\":\"nvr-3/export-77\"") != NULL);
  CHECK(strstr(last_record(LOG_PATH), "\"user\":\"inv\"") != NULL);
  /* An operator may not download POD video: denied, recorded. */
  before = records(a);
  CHECK(alpr_agency_book_pod_evidence(a, STR("op"), &ev, NULL) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(records(a) == before + 1 && strstr(last_record(LOG_PATH), "action_not_permitted") != NULL);
  /* No case number: denied whatever the purpose. */
  ev.case_number = NULL;
  ev.case_number_len = 0;
  ev.purpose = (const uint8_t *)"stolen_vehicle";
  ev.purpose_len = strlen("stolen_vehicle");
  CHECK(alpr_agency_book_pod_evidence(a, STR("inv"), &ev, &seq) == ALPR_STATUS_ACCESS_DENIED);
  CHECK(strstr(last_record(LOG_PATH), "case_number_required") != NULL);
  /* No video reference: refused and recorded as failed. */
  ev.case_number = (const uint8_t *)"26-4410";
  ev.case_number_len = strlen("26-4410");
  ev.video_ref = NULL;
  ev.video_ref_len = 0;
  CHECK(alpr_agency_book_pod_evidence(a, STR("inv"), &ev, &seq) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(last_record(LOG_PATH), "\"outcome\":\"failed\"") != NULL);
  before = records(a);
  CHECK(alpr_agency_book_pod_evidence(a, STR("inv"), NULL, &seq) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(records(a) == before);
  alpr_agency_free(a);
  return true;
}

/* Hot plates come back when the agency reopens over its log; own-detection queries return the
 * user's devices' rows only. */
static bool test_hot_plates_replayed_and_own_devices(void) {
  const alpr_agency *a = NULL;
  const alpr_detection_store *s = NULL;
  const alpr_id_list *list = NULL;
  const uint64_t *ids = NULL;
  alpr_hit hits[4];
  alpr_read r = make_read("5DEF456");
  size_t n = 0;
  uint64_t id = 0;
  alpr_detection_query q = query("7AB?123");
  const char *own = "{\"action\": \"query_own_detections\", \"purpose\": \"stolen_vehicle\"}";
  remove(LOG_PATH);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(LOG_PATH), STR(STAFF), NOW_MS, &a) ==
        ALPR_STATUS_OK);
  CHECK(alpr_agency_enter_hot_plate_json(a, STR("inv"), STR(HOT_PLATE), &id) == ALPR_STATUS_OK);
  CHECK(alpr_agency_match(a, NULL, 0, &r, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  alpr_agency_free(a);
  a = NULL;
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(LOG_PATH), STR(STAFF), NOW_MS + MINUTE_MS, &a) ==
        ALPR_STATUS_OK);
  CHECK(alpr_agency_match(a, NULL, 0, &r, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(strcmp((const char *)hits[0].list_id, "HOT-PLATES") == 0);
  CHECK(alpr_agency_remove_hot_plate(a, STR("inv"), id) == ALPR_STATUS_OK);
  CHECK(alpr_agency_match(a, NULL, 0, &r, hits, 4, &n) == ALPR_STATUS_OK && n == 0);

  CHECK(alpr_detection_store_from_json(STR(DETECTIONS), &s) == ALPR_STATUS_OK);
  CHECK(alpr_agency_search(a, s, STR("op"), STR(own), &q, &list) == ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  CHECK(strstr(last_record(LOG_PATH), "\"devices\":\"pod-1\"") != NULL);
  alpr_id_list_free(list);
  CHECK(alpr_agency_search(a, s, STR("op2"), STR(own), &q, &list) == ALPR_STATUS_OK);
  CHECK(alpr_id_list_data(list, &ids, &n) == ALPR_STATUS_OK && n == 0);
  alpr_id_list_free(list);
  alpr_detection_store_free(s);
  alpr_agency_free(a);
  return true;
}

/* R-SHARE-1/-2: the approval of a share is a roster user id checked by the agency (an active,
 * trained captain of Investigations or designee; the OOI captain for a special list), named in the
 * decision and the record; an unqualified approver is APPROVAL_REQUIRED and recorded. Built-in
 * policy (captain_investigations: approve_external_sharing). */
static bool test_share_approver_from_the_roster(void) {
  static const char *path = "target/c/test_agency_share.log";
  static const char *roster =
      "[{\"id\": \"i1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], \"account\": \"active\","
      "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
      " {\"id\": \"cap\", \"agency\": \"SPD\", \"roles\": [\"captain_investigations\"], \"account\": \"active\","
      "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
      " {\"id\": \"gone\", \"agency\": \"SPD\", \"roles\": [\"captain_investigations\"], \"account\": \"disabled\","
      "  \"trained_on\": \"2025-06-01\", \"clearance\": true},"
      " {\"id\": \"ooi\", \"agency\": \"SPD\", \"roles\": [\"ooi_captain\"], \"account\": \"active\","
      "  \"trained_on\": \"2025-06-01\", \"clearance\": true}]";
  static const char *approved = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                                "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approver\":\"cap\","
                                "\"approval_reference\":\"MEMO-7\"}";
  static const char *by_ooi = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                              "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approver\":\"ooi\"}";
  static const char *by_gone = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                               "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approver\":\"gone\"}";
  static const char *special = "{\"data\":\"special_hot_list\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":"
                               "\"local\",\"jurisdiction\":\"CA\",\"learn_member\":true},\"approver\":\"ooi\"}";
  static const char *claimed = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                               "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approvals\":[{\"role\":"
                               "\"captain_investigations\",\"reference\":\"MEMO-7\"}]}";
  const alpr_agency *a = NULL;
  const alpr_text *t = NULL;
  const uint8_t *data = NULL;
  size_t len = 0;
  uint64_t before;
  remove(path);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(path), STR(roster), NOW_MS, &a) == ALPR_STATUS_OK);
  /* No approver: needs_approval naming the role; recorded. */
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(SHARE), &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)data, "needs_approval") != NULL && strstr((const char *)data, "approved_by") == NULL);
  alpr_text_free(t);
  t = NULL;
  CHECK(strstr(last_record(path), "\"outcome\":\"needs_approval\"") != NULL);
  /* The captain approves: allow, approved_by names the id; the record names approver, role, reference. */
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(approved), &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)data, "\"decision\":\"allow\"") != NULL);
  CHECK(strstr((const char *)data, "\"approved_by\":\"cap\"") != NULL);
  alpr_text_free(t);
  t = NULL;
  CHECK(strstr(last_record(path), "\"approver\":\"cap\"") != NULL);
  CHECK(strstr(last_record(path), "\"approver_role\":\"captain_investigations\"") != NULL);
  CHECK(strstr(last_record(path), "\"approval_reference\":\"MEMO-7\"") != NULL);
  /* The OOI captain may not approve detections; an inactive captain may not approve at all. */
  before = records(a);
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(by_ooi), &t) == ALPR_STATUS_APPROVAL_REQUIRED && t == NULL);
  CHECK(records(a) == before + 1);
  CHECK(strstr(last_record(path), "\"outcome\":\"deny\"") != NULL);
  CHECK(strstr(last_record(path), "approval_required") != NULL);
  CHECK(strstr(last_record(path), "action_not_permitted") != NULL);
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(by_gone), &t) == ALPR_STATUS_APPROVAL_REQUIRED && t == NULL);
  CHECK(strstr(last_record(path), "account_inactive") != NULL);
  /* ... but the OOI captain approves a Special Hot List (§F.3). */
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(special), &t) == ALPR_STATUS_OK);
  CHECK(alpr_text_data(t, &data, &len) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)data, "\"approved_by\":\"ooi\"") != NULL);
  alpr_text_free(t);
  t = NULL;
  /* Roles vouched for by the caller are refused, and the refusal recorded. */
  before = records(a);
  CHECK(alpr_agency_share_json(a, STR("i1"), STR(claimed), &t) == ALPR_STATUS_INVALID_ARGUMENT && t == NULL);
  CHECK(records(a) == before + 1);
  CHECK(strstr(last_record(path), "\"outcome\":\"failed\"") != NULL);
  alpr_agency_free(a);
  return true;
}

static alpr_audit_record forged_record(void) {
  alpr_audit_record r;
  memset(&r, 0, sizeof r);
  r.time_ms = NOW_MS + MINUTE_MS;
  r.user = (const uint8_t *)"cap";
  r.user_len = 3;
  r.agency = (const uint8_t *)"SPD";
  r.agency_len = 3;
  r.action = (const uint8_t *)"share";
  r.action_len = 5;
  r.outcome = ALPR_OUTCOME_ALLOW;
  return r;
}

/* No record with a caller's user and action lands in the chain an agency writes: while the agency
 * is open its file is locked to any other handle, and a free-standing log opened over an agency's
 * file afterwards verifies but refuses to append. A free-standing log of its own stays writable. */
static bool test_agency_log_refuses_other_writers(void) {
  static const char *free_path = "target/c/test_agency_free.log";
  const alpr_agency *a = NULL;
  const alpr_audit_log *log = NULL;
  alpr_audit_head head, after;
  alpr_audit_record r = forged_record();
  uint64_t n;
  CHECK(open_agency(LOG_PATH, &a));
  CHECK(alpr_audit_log_open_file(STR(LOG_PATH), &log) == ALPR_STATUS_AUDIT_LOCKED && log == NULL);
  n = records(a);
  alpr_agency_free(a);
  /* Closed agency: its file opens for verification, but appends are refused and change nothing. */
  CHECK(alpr_audit_log_open_file(STR(LOG_PATH), &log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_verify(log, NULL, &head) == ALPR_STATUS_OK && head.sequence == n);
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  {
    uint8_t msg[256];
    size_t mn = 0;
    CHECK(alpr_last_error_message(msg, sizeof msg, &mn) == ALPR_STATUS_OK);
    CHECK(strstr((const char *)msg, "agency") != NULL);
  }
  CHECK(alpr_audit_log_head(log, &after) == ALPR_STATUS_OK && after.sequence == n);
  alpr_audit_log_free(log);
  log = NULL;
  /* A free-standing file log is writable, and while it is open no agency opens over it. */
  remove(free_path);
  CHECK(alpr_audit_log_open_file(STR(free_path), &log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_OK);
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(free_path), STR(ROSTER), NOW_MS + MINUTE_MS,
                                               &a) == ALPR_STATUS_AUDIT_LOCKED);
  alpr_audit_log_free(log);
  log = NULL;
  /* Once an agency has opened over it, the file is the agency's. */
  CHECK(alpr_agency_open_for_tests_and_replays(STR("SPD"), NULL, STR(free_path), STR(ROSTER), NOW_MS + MINUTE_MS,
                                               &a) == ALPR_STATUS_OK);
  alpr_agency_free(a);
  CHECK(alpr_audit_log_open_file(STR(free_path), &log) == ALPR_STATUS_OK);
  r.time_ms = NOW_MS + 2 * MINUTE_MS;
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  alpr_audit_log_free(log);
  /* A log in memory is never an agency's. */
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_OK);
  alpr_audit_log_free(log);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_search_denied_and_allowed, test_failing_store_fails_closed, test_retro_hits,
                           test_special_list_needs_approver, test_covert_hits_withheld, test_hit_case_timed_events,
                           test_governance_through_the_agency, test_open_errors, test_registry_withholds_covert_hits,
                           test_pod_evidence, test_hot_plates_replayed_and_own_devices,
                           test_share_approver_from_the_roster, test_agency_log_refuses_other_writers};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_agency: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
