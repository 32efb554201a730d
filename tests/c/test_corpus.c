/* The malformed-input corpus of tests/hotlist_corpus through the C ABI: every case of
 * manifest.txt (written by make_corpus.py, one line a case) gives its status and
 * alpr_last_error_position; a hot-list load that fails leaves the version loaded before it in
 * force (entry count, loaded_at, its plate still matches); an audit file that fails to open or
 * verify is left unchanged. Run from the repository root, as `make c-test` does.
 *
 * Lines: S kind name hex|- surfaces code|ok line column character index
 *        H name file format list_kind category|- policy-hex|- code|ok line column character index n
 *        J name file policy-hex|- code|ok line column character index n      (a list as JSON text)
 *        R line column character index code    (n of them after an H or J; -1 for n: none)
 *        A name file head-sequence|- head-hash|- code|ok line column character index */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "alpr.h"
#include "test_main.h"

#define DIR "tests/hotlist_corpus/"
#define GOOD_MS 1800000000000LL
#define BAD_MS 1800000001000LL

static const char GOOD_CLEW[] = "DATE11/28/2026 06:00\n1GOOD11 CA3420181105\nTOTAL RECORD 0000001\n";

static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  if (strcmp(hex, "-") == 0) return 0;
  while (hex[0] && hex[1] && n < cap) {
    unsigned v = 0;
    if (sscanf(hex, "%2x", &v) != 1) break;
    out[n++] = (uint8_t)v;
    hex += 2;
  }
  return n;
}

/* Compares a status and the last error position with the expected ones; prints a difference. */
static bool same(const char *name, alpr_status st, const char *code, const long long want[4]) {
  alpr_position p;
  const char *got = alpr_status_str(st);
  if (strcmp(got, code) != 0) {
    fprintf(stderr, "%s: status %s, expected %s\n", name, got, code);
    return false;
  }
  if (st == ALPR_STATUS_OK) return true;
  if (alpr_last_error_position(&p) != ALPR_STATUS_OK) return false;
  if (p.line != want[0] || p.column != want[1] || p.character != want[2] || p.index != want[3]) {
    fprintf(stderr, "%s: position %lld %lld %lld %lld, expected %lld %lld %lld %lld\n", name, (long long)p.line,
            (long long)p.column, (long long)p.character, (long long)p.index, want[0], want[1], want[2], want[3]);
    return false;
  }
  return true;
}

static bool string_case(const char *line) {
  static char kind[32], name[256], hex[20000], surfaces[32], code[64];
  static uint8_t raw[10000];
  long long want[4];
  uint8_t buf[64];
  size_t n = 0, len;
  alpr_status st;
  CHECK(sscanf(line, "S %31s %255s %19999s %31s %63s %lld %lld %lld %lld", kind, name, hex, surfaces, code, &want[0],
               &want[1], &want[2], &want[3]) == 9);
  if (strcmp(surfaces, "all") != 0 && strstr(surfaces, "c") == NULL) return true;
  len = unhex(hex, raw, sizeof raw);
  if (strcmp(kind, "normalize") == 0) {
    st = alpr_plate_normalize(raw, len, buf, sizeof buf, &n, NULL);
  } else if (strcmp(kind, "jurisdiction") == 0) {
    st = alpr_jurisdiction_normalize(raw, len, buf, sizeof buf, &n);
  } else {
    /* A pattern reaches the library only as a search, which goes through an agency; a bad
     * pattern is refused before the search is decided or recorded. */
    static const char *roster = "[{\"id\": \"c1\", \"agency\": \"SPD\", \"roles\": [\"investigator\"], "
                                "\"account\": \"active\", \"trained_on\": \"2026-06-01\", \"clearance\": true}]";
    static const char *query = "{\"action\": \"query_detections\", \"purpose\": \"stolen_vehicle\"}";
    const alpr_detection_store *s = NULL;
    const alpr_agency *a = NULL;
    const alpr_id_list *ids = NULL;
    alpr_detection_query q;
    memset(&q, 0, sizeof q);
    q.pattern = raw;
    q.pattern_len = len;
    q.from_ms = INT64_MIN;
    q.to_ms = INT64_MAX;
    CHECK(alpr_detection_store_new(NULL, NULL, NULL, NULL, NULL, NULL, 0, &s) == ALPR_STATUS_OK);
    CHECK(alpr_agency_open_for_tests_and_replays((const uint8_t *)"SPD", 3, NULL, NULL, 0, (const uint8_t *)roster,
                                                 strlen(roster), GOOD_MS, &a) == ALPR_STATUS_OK);
    st = alpr_agency_search(a, s, (const uint8_t *)"c1", 2, (const uint8_t *)query, strlen(query), &q, &ids);
    alpr_id_list_free(ids);
    alpr_agency_free(a);
    alpr_detection_store_free(s);
  }
  return same(name, st, code, want);
}

static uint32_t format_of(const char *f) {
  if (strcmp(f, "csv") == 0) return ALPR_FORMAT_CSV;
  if (strcmp(f, "ca_doj_clew") == 0) return ALPR_FORMAT_CA_DOJ_CLEW;
  return ALPR_FORMAT_NCIC_EXTRACT;
}

static uint32_t kind_of(const char *k) {
  if (strcmp(k, "special") == 0) return ALPR_LIST_KIND_SPECIAL;
  if (strcmp(k, "hot_plate") == 0) return ALPR_LIST_KIND_HOT_PLATE;
  if (strcmp(k, "covert") == 0) return ALPR_LIST_KIND_COVERT;
  return ALPR_LIST_KIND_STANDARD;
}

/* A registry under the built-in policy changed by the case's overrides (and lenient ones). */
static const alpr_registry *registry(const uint8_t *overrides, size_t len, bool lenient) {
  const alpr_policy *p = NULL, *q = NULL;
  const alpr_registry *r = NULL;
  if (alpr_policy_default(&p) != ALPR_STATUS_OK) return NULL;
  if (len > 0) {
    if (alpr_policy_with_overrides_json(p, overrides, len, &q) != ALPR_STATUS_OK) q = NULL;
    alpr_policy_free(p);
    p = q;
  }
  if (p != NULL && lenient) {
    if (alpr_policy_with_overrides_json(p, STR("{\"max_rejected_fraction\": 1.0}"), &q) != ALPR_STATUS_OK) q = NULL;
    alpr_policy_free(p);
    p = q;
  }
  if (p != NULL && alpr_registry_new(p, &r) != ALPR_STATUS_OK) r = NULL;
  alpr_policy_free(p);
  return r;
}

static alpr_status load(const alpr_registry *r, uint32_t format, uint32_t kind, const char *category,
                        const char *path, int64_t ms, alpr_load_report **rep) {
  bool none = strcmp(category, "-") == 0;
  alpr_load_options o = alpr_load_options_init();
  o.format = format;
  o.id = (const uint8_t *)"L";
  o.id_len = 1;
  o.kind = kind;
  o.priority = 10;
  o.loaded_at_ms = ms;
  o.category = (const uint8_t *)(none ? NULL : category);
  o.category_len = none ? 0 : strlen(category);
  o.source = (const uint8_t *)"corpus";
  o.source_len = 6;
  return alpr_registry_load_path(r, &o, STR(path), rep);
}

/* The good version is still in force: one entry, its loaded_at, its plate matches. */
static bool previous_in_force(const char *name, const alpr_registry *r) {
  size_t count = 0, n = 0;
  alpr_list_health h;
  alpr_hit hit;
  alpr_read read;
  memset(&read, 0, sizeof read);
  read.plate = (const uint8_t *)"1GOOD11";
  read.plate_len = 7;
  read.origin = ALPR_ORIGIN_VEHICLE;
  read.observed_at_ms = GOOD_MS;
  read.lat = NAN;
  read.confidence = -1.0f;
  if (alpr_registry_list_entry_count(r, STR("L"), &count) != ALPR_STATUS_OK || count != 1 ||
      alpr_registry_list_health(r, STR("L"), GOOD_MS, &h) != ALPR_STATUS_OK || h.loaded_at_ms != GOOD_MS ||
      alpr_registry_match(r, &read, GOOD_MS, &hit, 1, &n) != ALPR_STATUS_OK || n != 1 ||
      strcmp((const char *)hit.list_id, "L") != 0) {
    fprintf(stderr, "%s: the failed load changed the version in force\n", name);
    return false;
  }
  return true;
}

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *data = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = malloc((size_t)n + 1);
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    }
    *len = (size_t)n;
  }
  fclose(f);
  return data;
}

/* Reads the n R lines after a case and compares them with the report's rejections. */
static bool rejections(const char *name, const alpr_load_report *rep, int nrej, FILE *manifest) {
  static char rline[256], rcode[64];
  long long want[4];
  size_t nrep = 0;
  bool ok = true;
  if (rep != NULL) {
    CHECK(alpr_load_report_counts(rep, NULL, NULL, &nrep) == ALPR_STATUS_OK);
    if ((int)nrep != nrej) {
      fprintf(stderr, "%s: %zu rejections, expected %d\n", name, nrep, nrej);
      ok = false;
    }
  }
  for (int i = 0; i < nrej; i++) {
    uint32_t c = 0;
    alpr_position p;
    CHECK(fgets(rline, sizeof rline, manifest) != NULL);
    CHECK(sscanf(rline, "R %lld %lld %lld %lld %63s", &want[0], &want[1], &want[2], &want[3], rcode) == 5);
    if (rep == NULL || (size_t)i >= nrep) continue;
    CHECK(alpr_load_report_rejected(rep, (size_t)i, &c, &p) == ALPR_STATUS_OK);
    if (strcmp(alpr_status_str(c), rcode) != 0 || p.line != want[0] || p.column != want[1] ||
        p.character != want[2] || p.index != want[3]) {
      fprintf(stderr, "%s: rejection %d is %s at %lld:%lld:%lld:%lld, expected %s at %lld:%lld:%lld:%lld\n", name, i,
              alpr_status_str(c), (long long)p.line, (long long)p.column, (long long)p.character, (long long)p.index,
              rcode, want[0], want[1], want[2], want[3]);
      ok = false;
    }
  }
  return ok;
}

static bool load_good(const alpr_registry *r) {
  alpr_load_options o = alpr_load_options_init();
  o.format = ALPR_FORMAT_CA_DOJ_CLEW;
  o.id = (const uint8_t *)"L";
  o.id_len = 1;
  o.kind = ALPR_LIST_KIND_STANDARD;
  o.priority = 10;
  o.loaded_at_ms = GOOD_MS;
  o.category = (const uint8_t *)"stolen_vehicle";
  o.category_len = 14;
  return alpr_registry_load_bytes(r, &o, (const uint8_t *)GOOD_CLEW, strlen(GOOD_CLEW), NULL) == ALPR_STATUS_OK;
}

static bool hotlist_case(const char *line, FILE *manifest) {
  static char name[256], file[256], format[32], kind[32], category[64], polhex[512], code[64], path[512];
  uint8_t pol[256];
  long long want[4];
  int nrej = 0;
  size_t pol_len;
  bool ok = true;
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  alpr_status st;
  CHECK(sscanf(line, "H %255s %255s %31s %31s %63s %511s %63s %lld %lld %lld %lld %d", name, file, format, kind,
               category, polhex, code, &want[0], &want[1], &want[2], &want[3], &nrej) == 12);
  snprintf(path, sizeof path, DIR "%s", file);
  pol_len = unhex(polhex, pol, sizeof pol);

  r = registry(pol, pol_len, false);
  CHECK(r != NULL && load_good(r));
  st = load(r, format_of(format), kind_of(kind), category, path, BAD_MS, &rep);
  ok = same(name, st, code, want);
  if (st != ALPR_STATUS_OK) ok = previous_in_force(name, r) && ok;
  alpr_load_report_free(rep);
  rep = NULL;
  alpr_registry_free(r);

  if (nrej < 0) return ok;
  r = registry(pol, pol_len, true);
  CHECK(r != NULL);
  st = load(r, format_of(format), kind_of(kind), category, path, BAD_MS, &rep);
  if (st != ALPR_STATUS_OK) {
    fprintf(stderr, "%s: lenient load gave %s\n", name, alpr_status_str(st));
    ok = false;
  }
  ok = rejections(name, rep, nrej, manifest) && ok;
  alpr_load_report_free(rep);
  alpr_registry_free(r);
  return ok;
}

static bool json_list_case(const char *line, FILE *manifest) {
  static char name[256], file[256], polhex[512], code[64], path[512];
  uint8_t pol[256];
  uint8_t *text;
  long long want[4];
  int nrej = 0;
  size_t pol_len, len = 0;
  bool ok;
  const alpr_registry *r = NULL;
  alpr_load_report *rep = NULL;
  alpr_status st;
  CHECK(sscanf(line, "J %255s %255s %511s %63s %lld %lld %lld %lld %d", name, file, polhex, code, &want[0], &want[1],
               &want[2], &want[3], &nrej) == 9);
  snprintf(path, sizeof path, DIR "%s", file);
  pol_len = unhex(polhex, pol, sizeof pol);
  text = slurp(path, &len);
  CHECK(text != NULL);
  r = registry(pol, pol_len, false);
  CHECK(r != NULL && load_good(r));
  st = alpr_registry_load_json(r, text, len, &rep);
  ok = same(name, st, code, want);
  if (st != ALPR_STATUS_OK) ok = previous_in_force(name, r) && ok;
  alpr_load_report_free(rep);
  rep = NULL;
  alpr_registry_free(r);
  if (nrej >= 0) {
    r = registry(pol, pol_len, true);
    CHECK(r != NULL);
    st = alpr_registry_load_json(r, text, len, &rep);
    if (st != ALPR_STATUS_OK) {
      fprintf(stderr, "%s: lenient load gave %s\n", name, alpr_status_str(st));
      ok = false;
    }
    ok = rejections(name, rep, nrej, manifest) && ok;
    alpr_load_report_free(rep);
    alpr_registry_free(r);
  }
  free(text);
  return ok;
}

static bool audit_case(const char *line) {
  static char name[256], file[256], seq[32], hash[80], code[64], path[512];
  static const char copy[] = "target/c/test_corpus_audit.jsonl";
  long long want[4];
  size_t len = 0, len2 = 0;
  uint8_t *before, *after;
  const alpr_audit_log *log = NULL;
  alpr_audit_head head;
  alpr_status st;
  FILE *f;
  bool ok;
  CHECK(sscanf(line, "A %255s %255s %31s %79s %63s %lld %lld %lld %lld", name, file, seq, hash, code, &want[0],
               &want[1], &want[2], &want[3]) == 9);
  snprintf(path, sizeof path, DIR "%s", file);
  before = slurp(path, &len);
  CHECK(before != NULL);
  f = fopen(copy, "wb");
  CHECK(f != NULL);
  CHECK(len == 0 || fwrite(before, 1, len, f) == len);
  fclose(f);
  st = alpr_audit_log_open_file(STR(copy), &log);
  if (st == ALPR_STATUS_OK) {
    bool with_head = strcmp(seq, "-") != 0;
    if (with_head) {
      head.sequence = strtoull(seq, NULL, 10);
      CHECK(unhex(hash, head.hash, sizeof head.hash) == 32);
    }
    st = alpr_audit_log_verify(log, with_head ? &head : NULL, NULL);
  }
  ok = same(name, st, code, want);
  alpr_audit_log_free(log);
  after = slurp(copy, &len2);
  if (after == NULL || len2 != len || (len > 0 && memcmp(before, after, len) != 0)) {
    fprintf(stderr, "%s: opening or verifying changed the file\n", name);
    ok = false;
  }
  free(before);
  free(after);
  remove(copy);
  return ok;
}

static bool test_every_corpus_case(void) {
  static char line[20000];
  int cases = 0, failed = 0;
  FILE *m = fopen(DIR "manifest.txt", "r");
  CHECK(m != NULL);
  while (fgets(line, sizeof line, m) != NULL) {
    bool ok = true;
    switch (line[0]) {
      case 'S': ok = string_case(line); break;
      case 'H': ok = hotlist_case(line, m); break;
      case 'J': ok = json_list_case(line, m); break;
      case 'A': ok = audit_case(line); break;
      default: continue;
    }
    cases++;
    if (!ok) failed++;
  }
  fclose(m);
  printf("test_corpus: %d cases, %d differ\n", cases, failed);
  CHECK(cases >= 500);
  return failed == 0;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_every_corpus_case};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_corpus: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
