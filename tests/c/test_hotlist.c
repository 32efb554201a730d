/* Hot-list files from C: loads from bytes and from a path, whole-file failures that keep the
 * previous version, rejections with line/column/code, entries read back, health, policy check. */
#include <stdio.h>
#include <stdlib.h>

#include "alpr.h"
#include "test_main.h"

#define LOADED_MS 1764345600000LL /* 2025-11-28T16:00:00Z */
#define HOUR_MS 3600000LL

static const char CLEW[] =
    "DATE11/28/2026 06:00\n7ABC123 CA3420181105\nXYZ999  CA0220180430\nTOTAL RECORD 0000002\n";

static alpr_load_options svs_options(uint32_t format) {
  alpr_load_options o = alpr_load_options_init();
  o.format = format;
  o.id = (const uint8_t *)"SVS";
  o.id_len = 3;
  o.kind = ALPR_LIST_KIND_STANDARD;
  o.priority = 10;
  o.loaded_at_ms = LOADED_MS;
  o.category = (const uint8_t *)"stolen_vehicle";
  o.category_len = strlen("stolen_vehicle");
  o.source = (const uint8_t *)"CA DOJ";
  o.source_len = 6;
  return o;
}

static alpr_status load(const alpr_registry *r, uint32_t format, const char *data, size_t len,
                        alpr_load_report **rep) {
  alpr_load_options o = svs_options(format);
  return alpr_registry_load_bytes(r, &o, (const uint8_t *)data, len, rep);
}

static bool test_clew_bytes_entries_and_health(void) {
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  size_t accepted = 0, merged = 0, rejected = 0, count = 0, n = 0;
  bool has = false;
  int64_t gen = 0;
  char buf[256];
  alpr_list_health h;
  CHECK(alpr_registry_new(NULL, &r) == ALPR_STATUS_OK);
  CHECK(load(r, ALPR_FORMAT_CA_DOJ_CLEW, CLEW, strlen(CLEW), &rep) == ALPR_STATUS_OK);
  CHECK(alpr_load_report_counts(rep, &accepted, &merged, &rejected) == ALPR_STATUS_OK);
  CHECK(accepted == 2 && merged == 0 && rejected == 0);
  CHECK(alpr_load_report_generated_at(rep, &has, &gen) == ALPR_STATUS_OK);
  CHECK(has && gen == 1795874400000LL); /* 2026-11-28T06:00-08:00 */
  CHECK(alpr_load_report_generated_at(rep, NULL, &gen) == ALPR_STATUS_NULL_PARAMETER);
  alpr_load_report_free(rep);

  CHECK(alpr_registry_list_entry_count(r, STR("SVS"), &count) == ALPR_STATUS_OK && count == 2);
  CHECK(alpr_registry_list_entry_count(r, STR("NOPE"), &count) == ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_registry_list_entry_json(r, STR("SVS"), 0, 0, (uint8_t *)buf, 8, &n) == ALPR_STATUS_INSUFFICIENT_SIZE);
  CHECK(n > 8 && n < sizeof buf);
  CHECK(alpr_registry_list_entry_json(r, STR("SVS"), 0, 0, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "\"plate\":\"7ABC123\"") != NULL && strstr(buf, "\"county\":\"34\"") != NULL);
  CHECK(alpr_registry_list_entry_json(r, STR("SVS"), 0, 2, (uint8_t *)buf, sizeof buf, &n) ==
        ALPR_STATUS_INVALID_ARGUMENT);

  CHECK(alpr_registry_list_health(r, STR("SVS"), LOADED_MS + 11 * HOUR_MS, &h) == ALPR_STATUS_OK);
  CHECK(h.kind == ALPR_LIST_KIND_STANDARD && h.priority == 10 && h.entries == 2);
  CHECK(h.loaded_at_ms == LOADED_MS && h.has_generated_at && h.age_ms == 11 * HOUR_MS);
  CHECK(h.max_age_hours == 12 && !h.stale);
  CHECK(alpr_registry_list_health(r, STR("SVS"), LOADED_MS + 13 * HOUR_MS, &h) == ALPR_STATUS_OK && h.stale);
  CHECK(alpr_registry_list_health(r, STR("X"), LOADED_MS, &h) == ALPR_STATUS_UNKNOWN_LIST);
  CHECK(alpr_registry_list_health(r, STR("SVS"), LOADED_MS, NULL) == ALPR_STATUS_NULL_PARAMETER);
  alpr_registry_free(r);
  return true;
}

static bool test_whole_file_failures_keep_the_previous_version(void) {
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  alpr_position pos;
  size_t count = 0;
  static const char cut[] = "DATE11/28/2026 06:00\n8ABC123 CA3420181105\n";
  static const char bad_utf8[] = "plate\n7ABC123\n8\xff\n";
  alpr_load_options o;
  CHECK(alpr_registry_new(NULL, &r) == ALPR_STATUS_OK);
  CHECK(load(r, ALPR_FORMAT_CA_DOJ_CLEW, CLEW, strlen(CLEW), NULL) == ALPR_STATUS_OK);
  CHECK(load(r, ALPR_FORMAT_CA_DOJ_CLEW, cut, strlen(cut), &rep) == ALPR_STATUS_TRUNCATED_FILE && rep == NULL);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.line == 3);
  CHECK(load(r, ALPR_FORMAT_CSV, bad_utf8, strlen(bad_utf8), &rep) == ALPR_STATUS_INVALID_UTF8);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.line == 3);
  CHECK(load(r, ALPR_FORMAT_CSV, "", 0, &rep) == ALPR_STATUS_EMPTY_FILE);
  CHECK(load(r, ALPR_FORMAT_CSV, "plate\n", 6, &rep) == ALPR_STATUS_NO_RECORDS);
  CHECK(load(r, 7, CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_ARGUMENT);
  o = svs_options(ALPR_FORMAT_CSV);
  o.kind = 9;
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_ARGUMENT);
  o = svs_options(ALPR_FORMAT_CSV);
  o.category = (const uint8_t *)"bicycle";
  o.category_len = 7;
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_CATEGORY);
  /* Options left unset fail the load; a priority that is not a priority too. */
  o = alpr_load_options_init();
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_ARGUMENT);
  o = svs_options(ALPR_FORMAT_CA_DOJ_CLEW);
  o.loaded_at_ms = ALPR_TIME_UNSET;
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_DATE);
  o = svs_options(ALPR_FORMAT_CA_DOJ_CLEW);
  o.priority = 256;
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_registry_load_bytes(r, NULL, (const uint8_t *)CLEW, strlen(CLEW), &rep) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(load(NULL, ALPR_FORMAT_CSV, CLEW, strlen(CLEW), &rep) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_registry_list_entry_count(r, STR("SVS"), &count) == ALPR_STATUS_OK && count == 2);
  alpr_registry_free(r);
  return true;
}

static bool test_csv_rejections_and_path(void) {
  const alpr_policy *base = NULL, *p = NULL;
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  size_t accepted = 0, merged = 0, rejected = 0;
  uint32_t code = 0;
  alpr_position pos;
  alpr_load_options o;
  static const char csv[] = "plate,state,make\n7ABC123,CA,=CMD()\nUNK,CA,\n8XYZ999,CA,Ford\n8XYZ999,CA,\n";
  /* Run from the repository root (as `make c-test` does); target/c holds the test binaries. */
  static const char path[] = "target/c/test_hotlist_svs.tbl";
  FILE *f = NULL;
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"max_rejected_fraction\": 1.0}"), &p) == ALPR_STATUS_OK);
  alpr_policy_free(base);
  CHECK(alpr_registry_new(p, &r) == ALPR_STATUS_OK);
  alpr_policy_free(p);
  CHECK(load(r, ALPR_FORMAT_CSV, csv, strlen(csv), &rep) == ALPR_STATUS_OK);
  CHECK(alpr_load_report_counts(rep, &accepted, &merged, &rejected) == ALPR_STATUS_OK);
  CHECK(accepted == 1 && merged == 1 && rejected == 2);
  CHECK(alpr_load_report_rejected(rep, 0, &code, &pos) == ALPR_STATUS_OK);
  CHECK(code == ALPR_STATUS_FORMULA_INJECTION && pos.line == 2 && pos.column == 3);
  CHECK(alpr_load_report_rejected(rep, 1, &code, &pos) == ALPR_STATUS_OK);
  CHECK(code == ALPR_STATUS_PLACEHOLDER_PLATE && pos.line == 3 && pos.column == 1);
  alpr_load_report_free(rep);
  rep = NULL;

  f = fopen(path, "wb");
  CHECK(f != NULL);
  CHECK(fwrite(CLEW, 1, strlen(CLEW), f) == strlen(CLEW));
  fclose(f);
  o = svs_options(ALPR_FORMAT_CA_DOJ_CLEW);
  CHECK(alpr_registry_load_path(r, &o, STR(path), &rep) == ALPR_STATUS_OK);
  CHECK(alpr_load_report_counts(rep, &accepted, NULL, NULL) == ALPR_STATUS_OK && accepted == 2);
  alpr_load_report_free(rep);
  remove(path);
  CHECK(alpr_registry_load_path(r, &o, STR(path), NULL) == ALPR_STATUS_IO);
  alpr_registry_free(r);
  return true;
}

/* NCIC list codes N and T (R-LIST-7, §2.1), a covert list kind, and forbidden records that are
 * excluded without failing the load (R-LIST-8). */
static bool test_ncic_codes_covert_and_forbidden(void) {
  static const char ncic[] =
      "T123456789LA057020020190509GT123456  CA2009PC2009FORDF15PUWHI\n"
      "N123456789LA057020020190509IM123456  CA2009PC2009FORDF15PUWHI\n";
  const alpr_policy *base = NULL, *p = NULL;
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  size_t accepted = 0, rejected = 0, n = 0;
  uint32_t code = 0;
  alpr_position pos;
  alpr_list_health h;
  alpr_load_options o;
  char buf[512];
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"forbidden_categories\": [\"immigration_violator\"]}"), &p) ==
        ALPR_STATUS_OK);
  alpr_policy_free(base);
  CHECK(alpr_registry_new(p, &r) == ALPR_STATUS_OK);
  alpr_policy_free(p);
  /* Half the records are forbidden, with the default 1 % limit: still loaded. */
  o = alpr_load_options_init();
  o.format = ALPR_FORMAT_NCIC_EXTRACT;
  o.id = (const uint8_t *)"COVERT";
  o.id_len = 6;
  o.kind = ALPR_LIST_KIND_COVERT;
  o.priority = 5;
  o.loaded_at_ms = LOADED_MS;
  CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)ncic, strlen(ncic), &rep) == ALPR_STATUS_OK);
  CHECK(alpr_load_report_counts(rep, &accepted, NULL, &rejected) == ALPR_STATUS_OK);
  CHECK(accepted == 1 && rejected == 1);
  CHECK(alpr_load_report_rejected(rep, 0, &code, &pos) == ALPR_STATUS_OK);
  CHECK(code == ALPR_STATUS_CATEGORY_FORBIDDEN && pos.line == 2);
  alpr_load_report_free(rep);
  CHECK(alpr_registry_list_entry_json(r, STR("COVERT"), 0, 0, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "\"category\":\"gang_or_terrorist\"") != NULL && strstr(buf, "terrorism") == NULL);
  CHECK(alpr_registry_list_health(r, STR("COVERT"), LOADED_MS, &h) == ALPR_STATUS_OK);
  CHECK(h.kind == ALPR_LIST_KIND_COVERT && h.max_age_hours == 12);
  CHECK(strcmp(alpr_list_kind_str(ALPR_LIST_KIND_COVERT), "covert") == 0);
  alpr_registry_free(r);
  return true;
}

static bool test_policy_check(void) {
  const alpr_policy *base = NULL, *p = NULL;
  const alpr_registry *r = NULL;
  char buf[512];
  size_t n = 0;
  CHECK(alpr_policy_default(&base) == ALPR_STATUS_OK);
  CHECK(alpr_policy_check_json(base, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strcmp(buf, "[]") == 0);
  CHECK(alpr_policy_with_overrides_json(base, STR("{\"hot_plate_max_days\": 45}"), &p) == ALPR_STATUS_OK);
  CHECK(alpr_policy_check_json(p, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "\"code\":\"hot_plate_days_above_order\"") != NULL);
  CHECK(alpr_policy_check_json(p, NULL, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n > 0);
  CHECK(alpr_registry_new(p, &r) == ALPR_STATUS_OK);
  CHECK(alpr_registry_check_policy_json(r, (uint8_t *)buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "hot_plate_days_above_order") != NULL);
  alpr_registry_free(r);
  alpr_policy_free(p);
  alpr_policy_free(base);
  return true;
}

/* `threads` changes how a load runs, never what it gives: a CSV over two 1 MiB chunks with
 * rejected records and duplicates loads the same on 1, 0 (taken as 1) and 4 threads. */
static bool test_threads_give_the_same_load(void) {
  size_t cap = 3u << 20, len = 0;
  char *csv = malloc(cap);
  CHECK(csv != NULL);
  len += (size_t)snprintf(csv + len, cap - len, "plate,state,category,record_id\n");
  for (unsigned k = 0; len < (2u << 20) + 4096; k++) {
    unsigned n = k % 30000; /* each plate twice or more */
    if (k % 9973 == 17) {
      len += (size_t)snprintf(csv + len, cap - len, "@@@,CA,stolen_vehicle,V\n");
    } else {
      len += (size_t)snprintf(csv + len, cap - len, "%c%06u,CA,stolen_vehicle,V%u\n", 'A' + n % 26, n, n);
    }
  }
  size_t counts[3][3];
  uint32_t threads[3] = {1, 0, 4};
  char first[3][256], last[3][256];
  alpr_position pos[3];
  uint32_t code[3];
  for (int t = 0; t < 3; t++) {
    const alpr_registry *r = NULL;
    alpr_load_report *rep = NULL;
    size_t n = 0, entries = 0;
    CHECK(alpr_registry_new(NULL, &r) == ALPR_STATUS_OK);
    alpr_load_options o = svs_options(ALPR_FORMAT_CSV);
    o.threads = threads[t];
    CHECK(alpr_registry_load_bytes(r, &o, (const uint8_t *)csv, len, &rep) == ALPR_STATUS_OK);
    CHECK(alpr_load_report_counts(rep, &counts[t][0], &counts[t][1], &counts[t][2]) == ALPR_STATUS_OK);
    CHECK(alpr_load_report_rejected(rep, counts[t][2] - 1, &code[t], &pos[t]) == ALPR_STATUS_OK);
    alpr_load_report_free(rep);
    CHECK(alpr_registry_list_entry_count(r, STR("SVS"), &entries) == ALPR_STATUS_OK && entries == counts[t][0]);
    CHECK(alpr_registry_list_entry_json(r, STR("SVS"), 0, 0, (uint8_t *)first[t], sizeof first[t], &n) ==
          ALPR_STATUS_OK);
    CHECK(alpr_registry_list_entry_json(r, STR("SVS"), 0, entries - 1, (uint8_t *)last[t], sizeof last[t], &n) ==
          ALPR_STATUS_OK);
    alpr_registry_free(r);
  }
  free(csv);
  CHECK(counts[0][0] == 30000 && counts[0][1] > 0 && counts[0][2] >= 2);
  /* The last rejection is record k = 17 + 9973 j, on line k + 2 (the header is line 1), field 1,
   * in the second chunk. */
  CHECK((pos[0].line - 19) % 9973 == 0 && pos[0].line > (1 << 20) / 32 && pos[0].column == 1);
  for (int t = 1; t < 3; t++) {
    CHECK(memcmp(counts[t], counts[0], sizeof counts[0]) == 0);
    CHECK(code[t] == code[0] && code[0] == ALPR_STATUS_INVALID_CHARACTER);
    CHECK(pos[t].line == pos[0].line && pos[t].column == pos[0].column && pos[t].character == pos[0].character);
    CHECK(strcmp(first[t], first[0]) == 0 && strcmp(last[t], last[0]) == 0);
  }
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_clew_bytes_entries_and_health, test_whole_file_failures_keep_the_previous_version,
                           test_csv_rejections_and_path, test_ncic_codes_covert_and_forbidden, test_policy_check,
                           test_threads_give_the_same_load};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_hotlist: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
