/* Matching reads from C: value structs in and out, size negotiation, batches, names. */
#include <math.h>
#include "alpr.h"
#include "test_main.h"

/* 2026-11-28T12:00:00-08:00 in Unix milliseconds. */
#define NOW_MS 1795896000000LL

static const char *LIST =
    "{\"id\": \"SVS\", \"kind\": \"standard\", \"priority\": 10, \"loaded_at\": \"2026-11-28T08:00:00-08:00\","
    " \"entries\": [{\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\"},"
    "               {\"plate\": \"7A8C123\", \"jurisdiction\": \"CA\", \"category\": \"stolen_vehicle\"}]}";

static alpr_read make_read(const char *plate) {
  alpr_read r;
  memset(&r, 0, sizeof r);
  r.plate = (const uint8_t *)plate;
  r.plate_len = strlen(plate);
  r.jurisdiction[0] = 'C';
  r.jurisdiction[1] = 'A';
  r.origin = ALPR_ORIGIN_VEHICLE;
  r.observed_at_ms = NOW_MS;
  r.lat = NAN;
  r.confidence = -1.0f;
  return r;
}

static const alpr_registry *loaded(void) {
  const alpr_registry *reg = NULL;
  if (alpr_registry_new(NULL, &reg) != ALPR_STATUS_OK) return NULL;
  if (alpr_registry_load_json(reg, STR(LIST), NULL) != ALPR_STATUS_OK) {
    alpr_registry_free(reg);
    return NULL;
  }
  return reg;
}

static bool test_match_one(void) {
  const alpr_registry *reg = loaded();
  alpr_read r = make_read("7a8c 123");
  alpr_hit hits[4];
  size_t n = 99;
  CHECK(reg != NULL);
  /* Too small: the count needed is reported. */
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 1, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n == 2);
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_OK && n == 2);
  CHECK(strcmp((const char *)hits[0].entry, "7A8C123") == 0 && hits[0].kind == ALPR_MATCH_KIND_EXACT);
  CHECK(hits[0].tier == ALPR_TIER_STRONG && hits[0].jurisdiction == ALPR_JURISDICTION_MATCH);
  CHECK(strcmp((const char *)hits[1].entry, "7ABC123") == 0 && hits[1].kind == ALPR_MATCH_KIND_CONFUSABLE);
  CHECK(hits[1].positions == (1u << 2) && hits[1].flags == 0);
  CHECK(strcmp((const char *)hits[1].list_id, "SVS") == 0 && hits[1].priority == 10);
  CHECK(strcmp(alpr_match_kind_str(hits[1].kind), "confusable") == 0);
  CHECK(strcmp(alpr_tier_str(hits[1].tier), "moderate") == 0);
  CHECK(strcmp(alpr_category_str(hits[1].category), "stolen_vehicle") == 0);
  CHECK(strcmp(alpr_list_kind_str(hits[1].list_kind), "standard") == 0);
  CHECK(alpr_match_kind_str(99) == NULL);
  /* A miss needs no buffer at all. */
  r = make_read("8XYZ999");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, NULL, 0, &n) == ALPR_STATUS_OK && n == 0);
  /* An unreadable read is an error, not an empty result. */
  r = make_read("AB/1");
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_CHARACTER);
  r = make_read("7ABC123");
  r.origin = 7;
  CHECK(alpr_registry_match(reg, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_registry_match(reg, NULL, NOW_MS, hits, 4, &n) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_registry_match(NULL, &r, NOW_MS, hits, 4, &n) == ALPR_STATUS_NULL_PARAMETER);
  alpr_registry_free(reg);
  return true;
}

static bool test_match_batch(void) {
  const alpr_registry *reg = loaded();
  alpr_read reads[3];
  alpr_hit hits[8];
  uint32_t statuses[3];
  size_t n = 0;
  alpr_position pos;
  CHECK(reg != NULL);
  reads[0] = make_read("7ABC123");
  reads[1] = make_read("-");
  reads[2] = make_read("7A8C123");
  /* Without statuses the first bad read fails the call, with its index. */
  CHECK(alpr_registry_match_batch(reg, reads, 3, NOW_MS, hits, 8, &n, NULL) == ALPR_STATUS_EMPTY);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.index == 1);
  CHECK(alpr_registry_match_batch(reg, reads, 3, NOW_MS, hits, 8, &n, statuses) == ALPR_STATUS_OK);
  CHECK(statuses[0] == ALPR_STATUS_OK && statuses[1] == ALPR_STATUS_EMPTY && statuses[2] == ALPR_STATUS_OK);
  CHECK(n == 4);
  CHECK(hits[0].read_index == 0 && hits[1].read_index == 0 && hits[2].read_index == 2 && hits[3].read_index == 2);
  CHECK(hits[2].kind == ALPR_MATCH_KIND_EXACT && hits[3].kind == ALPR_MATCH_KIND_CONFUSABLE);
  CHECK(alpr_registry_match_batch(reg, reads, 3, NOW_MS, hits, 2, &n, statuses) == ALPR_STATUS_INSUFFICIENT_SIZE);
  CHECK(n == 4);
  CHECK(alpr_registry_match_batch(reg, NULL, 0, NOW_MS, NULL, 0, &n, NULL) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_registry_match_batch(reg, NULL, 2, NOW_MS, NULL, 0, &n, NULL) == ALPR_STATUS_NULL_PARAMETER);
  alpr_registry_free(reg);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_match_one, test_match_batch};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_match: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
