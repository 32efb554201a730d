/* Retention, access, the audit log and sharing from C. */
#include <stdio.h>

#include "alpr.h"
#include "test_main.h"

#define NOW_MS 1795896000000LL /* 2026-11-28T12:00:00-08:00 */
#define DAY_MS 86400000LL

static alpr_audit_record record(const char *user, uint32_t outcome) {
  alpr_audit_record r;
  memset(&r, 0, sizeof r);
  r.time_ms = NOW_MS;
  r.user = (const uint8_t *)user;
  r.user_len = strlen(user);
  r.agency = (const uint8_t *)"SPD";
  r.agency_len = 3;
  r.action = (const uint8_t *)"query_detections";
  r.action_len = strlen("query_detections");
  r.purpose = (const uint8_t *)"stolen_vehicle";
  r.purpose_len = strlen("stolen_vehicle");
  r.outcome = outcome;
  return r;
}

static bool test_audit_memory(void) {
  const alpr_audit_log *log = NULL;
  alpr_audit_head head, verified, ahead;
  alpr_audit_record r = record("u1", ALPR_OUTCOME_ALLOW);
  int i;
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);
  for (i = 0; i < 10; i++) {
    r.time_ms = NOW_MS + i;
    CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK);
  }
  CHECK(head.sequence == 10);
  CHECK(alpr_audit_log_verify(log, &head, &verified) == ALPR_STATUS_OK);
  CHECK(verified.sequence == 10 && memcmp(verified.hash, head.hash, 32) == 0);
  ahead = head;
  ahead.sequence = 11;
  CHECK(alpr_audit_log_verify(log, &ahead, NULL) == ALPR_STATUS_AUDIT_TRUNCATED);
  ahead = head;
  ahead.hash[0] ^= 1;
  CHECK(alpr_audit_log_verify(log, &ahead, NULL) == ALPR_STATUS_AUDIT_CHAIN_BROKEN);
  r.outcome = 77;
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_audit_log_append(NULL, &r, NULL) == ALPR_STATUS_NULL_PARAMETER);
  alpr_audit_log_free(log);
  alpr_audit_log_free(NULL);
  return true;
}

static bool test_audit_file_tamper(void) {
  char path[64];
  const alpr_audit_log *log = NULL;
  alpr_audit_head head;
  alpr_audit_record r = record("u2", ALPR_OUTCOME_DENY);
  alpr_position pos;
  FILE *f;
  int i;
  snprintf(path, sizeof path, "/tmp/alpr-c-audit-%ld.jsonl", (long)NOW_MS);
  remove(path);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_OK);
  for (i = 0; i < 3; i++) CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK);
  alpr_audit_log_free(log);
  /* Change one byte of the second line: "u2" becomes "u3". */
  f = fopen(path, "r+b");
  CHECK(f != NULL);
  {
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f), k, line = 0;
    buf[n] = 0;
    for (k = 0; k < n; k++) {
      if (buf[k] == '\n') line++;
      if (line == 1 && strncmp(buf + k, "\"u2\"", 4) == 0) {
        fseek(f, (long)(k + 2), SEEK_SET);
        fputc('3', f);
        break;
      }
    }
  }
  fclose(f);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_AUDIT_CHAIN_BROKEN);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1);
  /* A torn last line (a crash mid-write) is never accepted. */
  f = fopen(path, "ab");
  CHECK(f != NULL);
  fputs("{\"sequence\":4", f);
  fclose(f);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_AUDIT_TORN_RECORD);
  remove(path);
  return true;
}

typedef struct {
  int calls;
  alpr_audit_head last;
} head_sink;

static void on_head(void *userdata, const alpr_audit_head *head) {
  head_sink *sink = (head_sink *)userdata;
  sink->calls++;
  sink->last = *head;
}

/* One writer at a time, time order, heads on a cadence, recovery of a torn tail, the agency key. */
static bool test_audit_file_safety(void) {
  char path[80];
  const char *key = "agency secret key, 32 bytes long";
  const char *other = "another agency's key, not ours!!";
  const alpr_audit_log *log = NULL, *second = NULL;
  alpr_audit_head head;
  alpr_audit_recovery rec;
  alpr_audit_record r = record("u3", ALPR_OUTCOME_ALLOW);
  head_sink sink;
  FILE *f;
  int i;
  memset(&sink, 0, sizeof sink);
  snprintf(path, sizeof path, "/tmp/alpr-c-audit-safe-%ld.jsonl", (long)NOW_MS);
  remove(path);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_open_file(STR(path), &second) == ALPR_STATUS_AUDIT_LOCKED && second == NULL);
  CHECK(alpr_audit_log_set_head_callback(log, 0, on_head, &sink) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_audit_log_set_head_callback(log, 2, on_head, &sink) == ALPR_STATUS_OK);
  for (i = 0; i < 5; i++) {
    r.time_ms = NOW_MS + i;
    CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK);
  }
  CHECK(sink.calls == 2 && sink.last.sequence == 4);
  CHECK(alpr_audit_log_set_head_callback(log, 0, NULL, NULL) == ALPR_STATUS_OK);
  r.time_ms = NOW_MS + 5;
  CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK && sink.calls == 2);
  r.time_ms = NOW_MS;
  CHECK(alpr_audit_log_append(log, &r, NULL) == ALPR_STATUS_TIME_REGRESSION);
  alpr_audit_log_free(log);
  /* A crash mid-write: the torn tail is cut, and the cut is on the record. */
  f = fopen(path, "ab");
  CHECK(f != NULL);
  fputs("{\"sequence\":7,", f);
  fclose(f);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_AUDIT_TORN_RECORD);
  CHECK(alpr_audit_log_recover_file(STR(path), NULL, 0, NOW_MS - 1, STR("admin"), STR("SPD"), &log, &rec) ==
        ALPR_STATUS_TIME_REGRESSION);
  CHECK(alpr_audit_log_recover_file(STR(path), NULL, 0, NOW_MS + 9, STR("admin"), STR("SPD"), &log, &rec) ==
        ALPR_STATUS_OK);
  CHECK(rec.recovered && rec.cut_bytes == 14 && rec.last_good_sequence == 6 && rec.head.sequence == 7);
  r.time_ms = NOW_MS + 10;
  CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK && head.sequence == 8);
  CHECK(alpr_audit_log_verify(log, &rec.head, NULL) == ALPR_STATUS_OK);
  alpr_audit_log_free(log);
  /* A whole file: nothing to cut, opened as it is. */
  CHECK(alpr_audit_log_recover_file(STR(path), NULL, 0, NOW_MS + 11, STR("admin"), STR("SPD"), &log, &rec) ==
        ALPR_STATUS_OK);
  CHECK(!rec.recovered && rec.head.sequence == 8);
  alpr_audit_log_free(log);
  remove(path);
  /* The agency key: the chain verifies under its key only. */
  CHECK(alpr_audit_log_open_file_keyed(STR(path), STR("short"), &log) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_audit_log_open_file_keyed(STR(path), STR(key), &log) == ALPR_STATUS_OK);
  for (i = 0; i < 3; i++) {
    r.time_ms = NOW_MS + i;
    CHECK(alpr_audit_log_append(log, &r, &head) == ALPR_STATUS_OK);
  }
  alpr_audit_log_free(log);
  CHECK(alpr_audit_log_open_file(STR(path), &log) == ALPR_STATUS_AUDIT_CHAIN_BROKEN);
  CHECK(alpr_audit_log_open_file_keyed(STR(path), STR(other), &log) == ALPR_STATUS_AUDIT_CHAIN_BROKEN);
  CHECK(alpr_audit_log_open_file_keyed(STR(path), NULL, 0, &log) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_audit_log_open_file_keyed(STR(path), STR(key), &log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_verify(log, &head, NULL) == ALPR_STATUS_OK);
  alpr_audit_log_free(log);
  remove(path);
  return true;
}

static bool test_purge_plan(void) {
  const alpr_policy *p = NULL;
  const alpr_purge_plan *plan = NULL;
  uint32_t detection = 0, pod = 0;
  alpr_retention_record recs[4];
  uint64_t holds[1] = {3};
  uint64_t ids[4];
  size_t n = 0;
  int64_t at = 0;
  bool has = false;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK);
  CHECK(alpr_retention_class(p, STR("detection"), &detection) == ALPR_STATUS_OK);
  CHECK(alpr_retention_class(p, STR("pod_video"), &pod) == ALPR_STATUS_OK);
  CHECK(alpr_retention_class(p, STR("nope"), &pod) == ALPR_STATUS_INVALID_ARGUMENT);
  recs[0].id = 1; recs[0].class_id = detection; recs[0].captured_at_ms = NOW_MS - 800 * DAY_MS;
  recs[1].id = 2; recs[1].class_id = detection; recs[1].captured_at_ms = NOW_MS - 10 * DAY_MS;
  recs[2].id = 3; recs[2].class_id = detection; recs[2].captured_at_ms = NOW_MS - 900 * DAY_MS;
  recs[3].id = 4; recs[3].class_id = pod; recs[3].captured_at_ms = NOW_MS - 100 * DAY_MS;
  CHECK(alpr_purge_plan_new(p, recs, 4, holds, 1, NOW_MS, &plan) == ALPR_STATUS_OK);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_DUE, ids, 4, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_HELD, ids, 4, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 3);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_ELIGIBLE, ids, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n == 1);
  CHECK(alpr_purge_plan_ids(plan, 9, ids, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_purge_plan_next_due_at(plan, &at, &has) == ALPR_STATUS_OK && has && at > NOW_MS);
  CHECK(alpr_purge_plan_new(p, NULL, 1, NULL, 0, NOW_MS, &plan) == ALPR_STATUS_NULL_PARAMETER);
  alpr_purge_plan_free(plan);
  alpr_purge_plan_free(NULL);
  alpr_policy_free(p);
  return true;
}

/* Issue 15: times at and past the ends of the range, and a span no calendar holds. */
static bool test_purge_plan_edges(void) {
  const alpr_policy *p = NULL, *forever = NULL;
  const alpr_purge_plan *plan = NULL;
  uint32_t detection = 0, cls = 0;
  alpr_retention_record recs[2];
  const int64_t bad[] = {INT64_MIN, INT64_MAX, INT64_C(8210298412799999) /* chrono's last ms */,
                         INT64_C(253402300800000), INT64_C(-62135596800001)};
  const char *toml = "[retention.forever]\nkeep_at_least = \"1d\"\ndelete_after = \"4294967295y\"\n";
  alpr_position pos;
  uint64_t ids[2];
  size_t n = 0;
  int64_t at = 0;
  bool has = true;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK);
  CHECK(alpr_retention_class(p, STR("detection"), &detection) == ALPR_STATUS_OK);
  recs[0].id = 1; recs[0].class_id = detection; recs[0].captured_at_ms = NOW_MS - 800 * DAY_MS;
  recs[1].id = 2; recs[1].class_id = detection;
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    recs[1].captured_at_ms = bad[k];
    CHECK(alpr_purge_plan_new(p, recs, 2, NULL, 0, NOW_MS, &plan) == ALPR_STATUS_INVALID_DATE);
    CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1);
    recs[1].captured_at_ms = NOW_MS;
    CHECK(alpr_purge_plan_new(p, recs, 2, NULL, 0, bad[k], &plan) == ALPR_STATUS_INVALID_DATE);
  }
  /* A record at the last instant accepted, planned at that instant too: not due, no panic. */
  recs[1].captured_at_ms = INT64_C(253402300799999);
  CHECK(alpr_purge_plan_new(p, recs, 2, NULL, 0, INT64_C(253402300799999), &plan) == ALPR_STATUS_OK);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_DUE, ids, 2, &n) == ALPR_STATUS_OK && n == 1 && ids[0] == 1);
  alpr_purge_plan_free(plan);
  /* delete_after = 4294967295y: accepted (Policy::check flags it), and never due. */
  CHECK(alpr_policy_from_toml(STR(toml), &forever) == ALPR_STATUS_OK);
  CHECK(alpr_retention_class(forever, STR("forever"), &cls) == ALPR_STATUS_OK);
  recs[0].class_id = cls; recs[1].class_id = cls;
  recs[1].captured_at_ms = INT64_C(-62135596800000);
  CHECK(alpr_purge_plan_new(forever, recs, 2, NULL, 0, INT64_C(253402300799999), &plan) == ALPR_STATUS_OK);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_DUE, ids, 2, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_purge_plan_ids(plan, ALPR_PURGE_ELIGIBLE, ids, 2, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_purge_plan_next_due_at(plan, &at, &has) == ALPR_STATUS_OK && !has);
  alpr_purge_plan_free(plan);
  alpr_policy_free(forever);
  alpr_policy_free(p);
  return true;
}

static bool test_access_and_sharing(void) {
  const alpr_policy *p = NULL;
  const char *user = "{\"id\":\"u1\",\"agency\":\"SPD\",\"roles\":[\"dispatcher\"],\"account\":\"disabled\",\"clearance\":true}";
  const char *req = "{\"action\":\"query_detections\"}";
  const char *share = "{\"data\":\"detections\",\"recipient\":{\"name\":\"Elk Grove PD\",\"kind\":\"local\","
                      "\"jurisdiction\":\"CA\",\"learn_member\":false},\"approvals\":[]}";
  bool allowed = true;
  uint32_t reasons[16], decision = 99;
  uint8_t approver[64];
  size_t n = 0, an = 0;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK);
  CHECK(alpr_access_decide_json(p, STR(user), STR(req), NOW_MS, &allowed, reasons, 16, &n) == ALPR_STATUS_OK);
  CHECK(!allowed && n == 4);
  CHECK(reasons[0] == ALPR_STATUS_ACCOUNT_INACTIVE && reasons[1] == ALPR_STATUS_NOT_TRAINED);
  CHECK(reasons[2] == ALPR_STATUS_ACTION_NOT_PERMITTED && reasons[3] == ALPR_STATUS_PURPOSE_REQUIRED);
  CHECK(alpr_access_decide_json(p, STR(user), STR(req), NOW_MS, &allowed, reasons, 2, &n) == ALPR_STATUS_INSUFFICIENT_SIZE);
  CHECK(alpr_access_decide_json(p, STR("{"), STR(req), NOW_MS, &allowed, reasons, 16, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_sharing_decide_json(p, STR(share), &decision, approver, sizeof approver, &an, reasons, 16, &n) ==
        ALPR_STATUS_OK);
  CHECK(decision == ALPR_SHARE_NEEDS_APPROVAL && strcmp((const char *)approver, "captain_investigations") == 0);
  CHECK(n == 1 && reasons[0] == ALPR_STATUS_NEEDS_APPROVAL);
  alpr_policy_free(p);
  return true;
}

/* R-ACCESS-3: the OOI captain approves special lists; no default role may view covert hits, a
 * role of the agency's own profile may. */
static bool test_special_list_approval_and_view_covert(void) {
  static const char *const roles[] = {"operator", "dispatcher", "investigator", "administrator",
                                      "supervisor", "captain_investigations", "ooi_captain"};
  const alpr_policy *base = NULL, *p = NULL;
  char user[256];
  bool allowed = false;
  uint32_t reasons[16];
  size_t n = 0;
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
    snprintf(user, sizeof user,
             "{\"id\":\"u1\",\"roles\":[\"%s\"],\"account\":\"active\",\"trained_on\":\"2026-01-05\",\"clearance\":true}",
             roles[i]);
    CHECK(alpr_access_decide_json(base, STR(user), STR("{\"action\":\"view_covert\"}"), NOW_MS, &allowed, reasons, 16,
                                  &n) == ALPR_STATUS_OK);
    CHECK(!allowed && n == 1 && reasons[0] == ALPR_STATUS_ACTION_NOT_PERMITTED);
    CHECK(alpr_access_decide_json(base, STR(user), STR("{\"action\":\"approve_special_list\"}"), NOW_MS, &allowed,
                                  reasons, 16, &n) == ALPR_STATUS_OK);
    CHECK(allowed == (strcmp(roles[i], "ooi_captain") == 0));
  }
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"roles\": {\"covert_analyst\": [\"view_covert\"]}}"), &p) ==
        ALPR_STATUS_OK);
  CHECK(alpr_access_decide_json(p,
                                STR("{\"id\":\"u2\",\"roles\":[\"covert_analyst\"],\"account\":\"active\","
                                    "\"trained_on\":\"2026-01-05\",\"clearance\":true}"),
                                STR("{\"action\":\"view_covert\"}"), NOW_MS, &allowed, reasons, 16, &n) == ALPR_STATUS_OK);
  CHECK(allowed && n == 0);
  alpr_policy_free(p);
  alpr_policy_free(base);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_audit_memory,       test_audit_file_tamper,
                           test_audit_file_safety,  test_purge_plan,
                           test_purge_plan_edges,   test_access_and_sharing,
                           test_special_list_approval_and_view_covert};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_governance: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
