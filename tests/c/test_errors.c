/* Exact errors from C (issue 12, items 3-5): reading the last error never changes it, out-pointers
 * are checked before anything is built (the ASan/LSan and valgrind runs catch a leak), NULL
 * arguments win over parse errors, hits name their list version, entry jurisdiction and record
 * id, alpr_read_init, and the log callback. */
#include <math.h>
#include <stdlib.h>

#include "alpr.h"
#include "test_main.h"

/* 2026-11-28T12:00:00-08:00 in Unix milliseconds. */
#define NOW_MS 1795896000000LL

static const char *LIST =
    "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T08:00:00-08:00\","
    " \"entries\": [{\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\","
    "                \"record_id\": \"V123456789\"},"
    "               {\"plate\": \"8XYZ999\", \"category\": \"stolen_vehicle\","
    "                \"record_id\": \"CASE-2026-000000000000000000000001\"}]}";

/* The same list id with another first entry: index 0 is a different plate after the swap. */
static const char *LIST2 =
    "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T09:00:00-08:00\","
    " \"entries\": [{\"plate\": \"5QRS777\", \"jurisdiction\": \"NV\", \"category\": \"stolen_vehicle\"},"
    "               {\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\"}]}";

static bool last_error_is(const char *want) {
  char buf[256];
  size_t n = 0;
  if (alpr_last_error_message((uint8_t *)buf, sizeof buf, &n) != ALPR_STATUS_OK) return false;
  return strstr(buf, want) != NULL;
}

/* The header's protocol: ask for the size, then retry. Neither the size query nor a NULL argument
 * replaces the error being read. */
static bool test_reading_the_last_error_keeps_it(void) {
  uint8_t plate[ALPR_PLATE_BUF_LEN];
  size_t n = 0, n2 = 0;
  char *msg = NULL;
  alpr_position pos, pos2;
  CHECK(alpr_plate_normalize(STR("AB/1"), plate, sizeof plate, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.character == 2);
  CHECK(alpr_last_error_message(NULL, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n > 0);
  CHECK(alpr_last_error_message(NULL, 0, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_last_error_message(NULL, 5, &n2) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_last_error_position(NULL) == ALPR_STATUS_NULL_PARAMETER);
  msg = malloc(n + 1);
  CHECK(msg != NULL);
  CHECK(alpr_last_error_message((uint8_t *)msg, n + 1, &n2) == ALPR_STATUS_OK && n2 == n);
  CHECK(strstr(msg, "invalid_character") != NULL || strstr(msg, "character") != NULL);
  CHECK(strstr(msg, "insufficient_size") == NULL && strstr(msg, "null_parameter") == NULL);
  free(msg);
  /* Also the position survives the failed reads. */
  CHECK(alpr_last_error_position(&pos2) == ALPR_STATUS_OK && pos2.character == pos.character);
  return true;
}

/* A NULL out-pointer is refused before the object is built: nothing leaks (LSan, valgrind). */
static bool test_constructors_check_the_out_pointer_first(void) {
  const alpr_policy *base = NULL;
  alpr_retention_record rec = {1, 0, NOW_MS};
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_registry_new(NULL, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(last_error_is("registry_out"));
  CHECK(alpr_registry_new(base, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_policy_from_toml(STR("max_edits = 1"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_policy_from_json(STR("{\"max_edits\": 1}"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"max_edits\": 1}"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_purge_plan_new(base, &rec, 1, NULL, 0, NOW_MS, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(last_error_is("plan_out"));
  alpr_policy_free(base);
  return true;
}

/* NULL-parameter checks come before parsing: a NULL out-pointer wins over bad input. */
static bool test_null_wins_over_parse_errors(void) {
  const alpr_policy *base = NULL;
  uint8_t buf[16];
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_policy_from_toml(STR("this is [[[ not toml"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_policy_from_json(STR("{"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"nope\": 1}"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_plate_normalize(STR("AB/1"), buf, sizeof buf, NULL, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_jurisdiction_normalize(STR("ZZ"), NULL, 4, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_workflow_new(NULL, STR("nope"), STR("stolen_vehicle"), STR("vehicle"), NULL) ==
        ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_workflow_new_json(NULL, STR("{"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  alpr_policy_free(base);
  return true;
}

static bool test_audit_record_requires_user_agency_action(void) {
  const alpr_audit_log *log = NULL;
  alpr_audit_record rec;
  alpr_audit_head head;
  memset(&rec, 0, sizeof rec);
  rec.time_ms = NOW_MS;
  rec.outcome = ALPR_OUTCOME_OK;
  CHECK(alpr_audit_log_new_memory(&log) == ALPR_STATUS_OK);
  CHECK(alpr_audit_log_append(log, &rec, &head) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(last_error_is("record.user"));
  rec.user = (const uint8_t *)"u1";
  rec.user_len = 2;
  CHECK(alpr_audit_log_append(log, &rec, &head) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(last_error_is("record.agency"));
  rec.agency = (const uint8_t *)"SPD";
  rec.agency_len = 3;
  CHECK(alpr_audit_log_append(log, &rec, &head) == ALPR_STATUS_NULL_PARAMETER);
  rec.action = (const uint8_t *)"  ";
  rec.action_len = 2;
  CHECK(alpr_audit_log_append(log, &rec, &head) == ALPR_STATUS_INVALID_ARGUMENT);
  rec.action = (const uint8_t *)"query_detections";
  rec.action_len = strlen("query_detections");
  CHECK(alpr_audit_log_append(log, &rec, &head) == ALPR_STATUS_OK && head.sequence == 1);
  alpr_audit_log_free(log);
  return true;
}

/* A NULL array with a capacity is an error also when there is nothing to copy. */
static bool test_null_array_with_capacity(void) {
  alpr_hit_workflow *hit = NULL;
  size_t n = 99;
  CHECK(alpr_hit_workflow_new(NULL, STR("standard"), STR("stolen_vehicle"), STR("vehicle"), &hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_violations(hit, NULL, 5, &n) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_workflow_violations(hit, NULL, 0, &n) == ALPR_STATUS_OK && n == 0);
  alpr_hit_workflow_free(hit);
  return true;
}

static alpr_read read_of(const char *plate) {
  alpr_read r = alpr_read_init();
  r.plate = (const uint8_t *)plate;
  r.plate_len = strlen(plate);
  r.origin = ALPR_ORIGIN_VEHICLE;
  r.observed_at_ms = NOW_MS;
  return r;
}

static bool test_read_init_and_read_checks(void) {
  const alpr_registry *reg = NULL;
  alpr_read r = alpr_read_init();
  alpr_hit hits[4];
  size_t n = 0;
  CHECK(r.plate == NULL && r.plate_len == 0 && r.device_id == NULL && r.device_id_len == 0);
  CHECK(r.jurisdiction[0] == 0 && r.jurisdiction[1] == 0 && r.plate_type[0] == 0 && r.plate_type[1] == 0);
  CHECK(isnan(r.lat) && isnan(r.lon) && r.confidence < 0);
  CHECK(r.origin == ALPR_UNSET && r.observed_at_ms == ALPR_TIME_UNSET);
  CHECK(alpr_registry_new(NULL, &reg) == ALPR_STATUS_OK);
  CHECK(alpr_registry_load_json(reg, STR(LIST), NULL) == ALPR_STATUS_OK);
  /* Required fields left unset fail. */
  r.plate = (const uint8_t *)"7ABC123";
  r.plate_len = 7;
  r.observed_at_ms = NOW_MS;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  r = read_of("7ABC123");
  r.observed_at_ms = ALPR_TIME_UNSET;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_DATE);
  /* Unknown location and confidence after the init: matches. */
  r = read_of("7ABC123");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  r.lat = INFINITY;
  r.lon = 0;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  r.lat = 38.5;
  r.lon = -181;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  r.lon = -121.5;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  r.confidence = 1.5f;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  r = read_of("7ABC123");
  r.jurisdiction[0] = 0xff;
  r.jurisdiction[1] = 'A';
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_UTF8);
  r.jurisdiction[0] = 'Z';
  r.jurisdiction[1] = 'Z';
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_JURISDICTION);
  /* A NULL count pointer is refused before the read is parsed. */
  r = read_of("AB/1");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_registry_match(reg, &r, NOW_MS, NULL, 4, &n) == ALPR_STATUS_NULL_PARAMETER);
  alpr_registry_free(reg);
  return true;
}

/* A hit names its list version; an entry looked up by (list, version, index) after a swap fails
 * instead of answering with another entry. */
static bool test_hit_names_its_version(void) {
  const alpr_registry *reg = NULL;
  alpr_read r = read_of("7ABC123");
  alpr_hit hits[4];
  alpr_list_health h;
  size_t n = 0;
  uint64_t v1 = 0, v2 = 0;
  char buf[512];
  CHECK(alpr_registry_new(NULL, &reg) == ALPR_STATUS_OK);
  CHECK(alpr_registry_load_json(reg, STR(LIST), NULL) == ALPR_STATUS_OK);
  CHECK(alpr_registry_list_version(reg, STR("SVS"), &v1) == ALPR_STATUS_OK && v1 >= 1);
  CHECK(alpr_registry_list_version(reg, STR("NOPE"), &v1) == ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_registry_list_version(reg, STR("SVS"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(hits[0].list_version == v1 && hits[0].entry_index == 0);
  CHECK(hits[0].entry_jurisdiction[0] == 'C' && hits[0].entry_jurisdiction[1] == 'A');
  CHECK(strcmp((const char *)hits[0].record_id, "V123456789") == 0);
  CHECK((hits[0].flags & ALPR_HIT_RECORD_ID_TRUNCATED) == 0);
  /* No jurisdiction on the entry; a record id longer than the array is cut and flagged. */
  r = read_of("8XYZ999");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(hits[0].entry_jurisdiction[0] == 0 && hits[0].entry_jurisdiction[1] == 0);
  CHECK(strlen((const char *)hits[0].record_id) == ALPR_RECORD_ID_BUF_LEN - 1);
  CHECK(strncmp((const char *)hits[0].record_id, "CASE-2026-", 10) == 0);
  CHECK((hits[0].flags & ALPR_HIT_RECORD_ID_TRUNCATED) != 0);
  /* The entry of the hit, by its version. */
  r = read_of("7ABC123");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(alpr_registry_list_entry_json(reg, STR("SVS"), hits[0].list_version, hits[0].entry_index, (uint8_t *)buf,
                                      sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "7ABC123") != NULL);
  /* Swap: index 0 is now another plate; the old version is refused. */
  CHECK(alpr_registry_load_json(reg, STR(LIST2), NULL) == ALPR_STATUS_OK);
  CHECK(alpr_registry_list_version(reg, STR("SVS"), &v2) == ALPR_STATUS_OK && v2 > v1);
  CHECK(alpr_registry_list_entry_json(reg, STR("SVS"), hits[0].list_version, hits[0].entry_index, (uint8_t *)buf,
                                      sizeof buf, &n) == ALPR_STATUS_VERSION_NOT_IN_FORCE);
  CHECK(strcmp(alpr_status_str(ALPR_STATUS_VERSION_NOT_IN_FORCE), "version_not_in_force") == 0);
  CHECK(alpr_registry_list_entry_json(reg, STR("SVS"), v2, 0, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "5QRS777") != NULL);
  CHECK(alpr_registry_list_health(reg, STR("SVS"), NOW_MS, &h) == ALPR_STATUS_OK && h.version == v2);
  alpr_registry_free(reg);
  return true;
}

struct log_seen {
  int calls;
  uint32_t last_level;
  char last[256];
};

static void on_log(void *userdata, uint32_t level, const char *message, size_t len) {
  struct log_seen *seen = userdata;
  seen->calls++;
  seen->last_level = level;
  if (len >= sizeof seen->last) len = sizeof seen->last - 1;
  memcpy(seen->last, message, len);
  seen->last[len] = 0;
}

static bool test_log_callback(void) {
  struct log_seen seen;
  uint8_t plate[ALPR_PLATE_BUF_LEN];
  size_t n = 0;
  const alpr_registry *reg = NULL;
  memset(&seen, 0, sizeof seen);
  CHECK(alpr_set_log_callback(on_log, &seen, ALPR_LOG_DEBUG + 1) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_set_log_callback(on_log, &seen, ALPR_LOG_DEBUG) == ALPR_STATUS_OK);
  CHECK(alpr_plate_normalize(STR("7AB/C12"), plate, sizeof plate, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(seen.calls == 1 && seen.last_level == ALPR_LOG_DEBUG);
  CHECK(strstr(seen.last, "invalid_character") != NULL && strstr(seen.last, "7AB") == NULL);
  /* A list put in force is an INFO message naming the list and its version, not its entries. */
  CHECK(alpr_registry_new(NULL, &reg) == ALPR_STATUS_OK);
  CHECK(alpr_registry_load_json(reg, STR(LIST), NULL) == ALPR_STATUS_OK);
  CHECK(seen.last_level == ALPR_LOG_INFO && strstr(seen.last, "SVS") != NULL);
  CHECK(strstr(seen.last, "7ABC123") == NULL);
  alpr_registry_free(reg);
  /* Less verbose: the failure is not passed on. */
  seen.calls = 0;
  CHECK(alpr_set_log_callback(on_log, &seen, ALPR_LOG_WARN) == ALPR_STATUS_OK);
  CHECK(alpr_plate_normalize(STR("7AB/C12"), plate, sizeof plate, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(seen.calls == 0);
  /* Off. */
  CHECK(alpr_set_log_callback(NULL, NULL, ALPR_LOG_DEBUG) == ALPR_STATUS_OK);
  CHECK(alpr_plate_normalize(STR("7AB/C12"), plate, sizeof plate, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(seen.calls == 0);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_reading_the_last_error_keeps_it,
                           test_constructors_check_the_out_pointer_first,
                           test_null_wins_over_parse_errors,
                           test_audit_record_requires_user_agency_action,
                           test_null_array_with_capacity,
                           test_read_init_and_read_checks,
                           test_hit_names_its_version,
                           test_log_callback};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_errors: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
