/* Policy profiles and the registry handle from C. */
#include "alpr.h"
#include "test_main.h"

static bool test_default_and_name(void) {
  const alpr_policy *p = NULL;
  uint8_t name[64];
  size_t n = 0;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK && p != NULL);
  CHECK(alpr_policy_name(p, name, sizeof name, &n) == ALPR_STATUS_OK);
  CHECK(strcmp((const char *)name, "sacramento-525.08") == 0);
  alpr_policy_free(p);
  alpr_policy_free(NULL);
  return true;
}

static bool test_toml_and_overrides(void) {
  const alpr_policy *p = NULL, *q = NULL;
  alpr_position pos;
  CHECK(alpr_policy_from_toml(STR("max_edits = 1\n"), &p) == ALPR_STATUS_OK);
  CHECK(alpr_policy_with_overrides_json(p, STR("{\"max_confusable\": 2}"), &q) == ALPR_STATUS_OK);
  CHECK(alpr_policy_with_overrides_json(p, STR("{\"no_such_field\": 2}"), &q) == ALPR_STATUS_INVALID_POLICY);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK);
  CHECK(alpr_policy_from_toml(STR("max_edits = \"x\"\n"), &q) == ALPR_STATUS_INVALID_POLICY);
  CHECK(alpr_policy_from_json(STR("{"), &q) == ALPR_STATUS_INVALID_POLICY);
  alpr_policy_free(q);
  alpr_policy_free(p);
  return true;
}

static bool test_registry(void) {
  const alpr_policy *p = NULL;
  const alpr_registry *r = NULL;
  size_t count = 99;
  CHECK(alpr_policy_default(&p) == ALPR_STATUS_OK);
  CHECK(alpr_registry_new(p, &r) == ALPR_STATUS_OK);
  alpr_policy_free(p); /* the registry keeps its own reference */
  CHECK(alpr_registry_list_count(r, &count) == ALPR_STATUS_OK && count == 0);
  CHECK(alpr_registry_list_count(NULL, &count) == ALPR_STATUS_NULL_PARAMETER);
  alpr_registry_free(r);
  CHECK(alpr_registry_new(NULL, &r) == ALPR_STATUS_OK);
  alpr_registry_free(r);
  alpr_registry_free(NULL);
  return true;
}

static bool test_load_json(void) {
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  size_t accepted = 0, merged = 0, rejected = 0, count = 0;
  uint32_t code = 0;
  alpr_position pos;
  const char *list =
      "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T08:00:00-08:00\","
      " \"entries\": [{\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\"}, {\"plate\": \"7abc 123\", \"jurisdiction\": \"CA\"}]}";
  const char *bad =
      "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T08:00:00-08:00\","
      " \"entries\": [{\"plate\": \"UNK\"}]}";
  CHECK(alpr_registry_new(NULL, &r) == ALPR_STATUS_OK);
  CHECK(alpr_registry_load_json(r, STR(list), &rep) == ALPR_STATUS_OK);
  CHECK(alpr_load_report_counts(rep, &accepted, &merged, &rejected) == ALPR_STATUS_OK);
  CHECK(accepted == 1 && merged == 1 && rejected == 0);
  CHECK(alpr_load_report_rejected(rep, 0, &code, &pos) == ALPR_STATUS_INVALID_ARGUMENT);
  alpr_load_report_free(rep);
  rep = NULL;
  /* A load that fails as a whole leaves the previous version in force and gives no report. */
  CHECK(alpr_registry_load_json(r, STR(bad), &rep) == ALPR_STATUS_TOO_MANY_REJECTED && rep == NULL);
  CHECK(alpr_registry_list_count(r, &count) == ALPR_STATUS_OK && count == 1);
  CHECK(alpr_registry_load_json(r, STR("{\"id\":"), NULL) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.line == 1);
  alpr_load_report_free(NULL);
  alpr_registry_free(r);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_default_and_name, test_toml_and_overrides, test_registry, test_load_json};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_policy: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
