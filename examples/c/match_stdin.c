/*
 * match_stdin: load a CA DOJ CLEW hot list, then match plate reads from stdin in batches.
 *
 *   match_stdin LIST.tbl [NOW_MS] < reads.txt
 *
 * Each stdin line is `PLATE` or `PLATE,ST` (ST: a two-letter jurisdiction); blank lines and
 * lines starting with `#` are skipped. Reads are matched 64 at a time with
 * alpr_registry_match_batch (one snapshot of the lists per batch); an unreadable read is reported
 * with its line and does not stop the others. NOW_MS (Unix milliseconds; default: the clock) is
 * the load and match time, so a test can fix it.
 *
 * Output (stdout): one line per hit (`line PLATE -> LIST ENTRY kind tier jurisdiction`), one per
 * unreadable read (`line PLATE: status`), and a summary; the library version goes to stderr.
 * Exit status 0 unless the list cannot be loaded or a call fails as a whole.
 *
 * Build: cc match_stdin.c $(pkg-config --cflags --libs alpr)   or CMake's alpr::alpr.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alpr.h"

#define BATCH 64
#define LINE_MAX_LEN 128

/* One read of the current batch, with the text its plate pointer refers to. */
typedef struct {
  char text[LINE_MAX_LEN];
  long line;
} pending_read;

static void fail(const char *what, alpr_status rc) {
  char msg[256];
  size_t n = 0;
  if (alpr_last_error_message((uint8_t *)msg, sizeof msg, &n) != ALPR_STATUS_OK) msg[0] = '\0';
  fprintf(stderr, "match_stdin: %s: %s (%s)\n", what, alpr_status_str(rc), msg);
}

static int64_t clock_ms(void) {
  struct timespec ts;
  if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t cap = 0;
  *len = 0;
  if (f == NULL) return NULL;
  for (;;) {
    if (*len == cap) {
      size_t ncap = cap ? cap * 2 : 65536;
      unsigned char *nbuf = realloc(buf, ncap);
      if (nbuf == NULL) break;
      buf = nbuf;
      cap = ncap;
    }
    size_t got = fread(buf + *len, 1, cap - *len, f);
    *len += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

/* Matches `n` pending reads; grows `*hits` as the library asks. Returns 0 or -1. */
static int match_batch(const alpr_registry *reg, pending_read *pending, size_t n, int64_t now_ms,
                       alpr_hit **hits, size_t *hits_cap, size_t *total_hits, size_t *unreadable) {
  alpr_read reads[BATCH];
  uint32_t statuses[BATCH];
  size_t hits_n = 0;
  alpr_status rc;
  for (size_t i = 0; i < n; i++) {
    char *text = pending[i].text;
    char *comma = strchr(text, ',');
    reads[i] = alpr_read_init(); /* every optional field "unknown" */
    reads[i].plate = (const uint8_t *)text;
    reads[i].plate_len = comma ? (size_t)(comma - text) : strlen(text);
    if (comma != NULL && strlen(comma + 1) == 2) {
      reads[i].jurisdiction[0] = (uint8_t)comma[1];
      reads[i].jurisdiction[1] = (uint8_t)comma[2];
    }
    reads[i].origin = ALPR_ORIGIN_FIXED;
    reads[i].observed_at_ms = now_ms;
  }
  /* The first call may report that more hit slots are needed; the second then fits. */
  rc = alpr_registry_match_batch(reg, reads, n, now_ms, *hits, *hits_cap, &hits_n, statuses);
  if (rc == ALPR_STATUS_INSUFFICIENT_SIZE) {
    alpr_hit *grown = realloc(*hits, hits_n * sizeof **hits);
    if (grown == NULL) return -1;
    *hits = grown;
    *hits_cap = hits_n;
    rc = alpr_registry_match_batch(reg, reads, n, now_ms, *hits, *hits_cap, &hits_n, statuses);
  }
  if (rc != ALPR_STATUS_OK) {
    fail("alpr_registry_match_batch", rc);
    return -1;
  }
  /* Hits come grouped by read, in input order: walk reads and hits together. */
  size_t h = 0;
  for (size_t i = 0; i < n; i++) {
    int plate_len = (int)reads[i].plate_len;
    if (statuses[i] != ALPR_STATUS_OK) {
      printf("%ld %.*s: %s\n", pending[i].line, plate_len, pending[i].text, alpr_status_str(statuses[i]));
      (*unreadable)++;
    }
    for (; h < hits_n && (*hits)[h].read_index == i; h++) {
      const alpr_hit *hit = &(*hits)[h];
      printf("%ld %.*s -> %s %s %s %s %s%s\n", pending[i].line, plate_len, pending[i].text,
             (const char *)hit->list_id, (const char *)hit->entry, alpr_match_kind_str(hit->kind),
             alpr_tier_str(hit->tier), alpr_jurisdiction_outcome_str(hit->jurisdiction),
             (hit->flags & ALPR_HIT_STALE) ? " stale" : "");
    }
  }
  *total_hits += hits_n;
  return 0;
}

int main(int argc, char **argv) {
  const alpr_registry *reg = NULL;
  alpr_load_report *report = NULL;
  pending_read *pending = NULL;
  alpr_hit *hits = NULL;
  size_t hits_cap = 0, n = 0, reads_total = 0, total_hits = 0, unreadable = 0;
  size_t accepted = 0, merged = 0, rejected = 0, len = 0;
  unsigned char *bytes;
  int64_t now_ms;
  char line[LINE_MAX_LEN];
  long line_no = 0;
  int status = 1;
  alpr_status rc;

  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s LIST.tbl [NOW_MS] < reads\n", argv[0]);
    return 2;
  }
  now_ms = argc == 3 ? strtoll(argv[2], NULL, 10) : clock_ms();
  bytes = read_file(argv[1], &len);
  if (bytes == NULL) {
    fprintf(stderr, "match_stdin: cannot read %s\n", argv[1]);
    return 1;
  }
  fprintf(stderr, "libalpr %s (header %d.%d.%d)\n", alpr_version_string(), ALPR_VERSION_MAJOR, ALPR_VERSION_MINOR,
         ALPR_VERSION_PATCH);
  if ((rc = alpr_registry_new(NULL, &reg)) != ALPR_STATUS_OK) {
    fail("alpr_registry_new", rc);
    goto out;
  }
  alpr_load_options opts = alpr_load_options_init();
  opts.format = ALPR_FORMAT_CA_DOJ_CLEW;
  opts.id = (const uint8_t *)"SVS";
  opts.id_len = 3;
  opts.kind = ALPR_LIST_KIND_STANDARD;
  opts.priority = 10;
  opts.loaded_at_ms = now_ms;
  opts.category = (const uint8_t *)"stolen_vehicle";
  opts.category_len = 14;
  opts.source = (const uint8_t *)"CA DOJ";
  opts.source_len = 6;
  rc = alpr_registry_load_bytes(reg, &opts, bytes, len, &report);
  if (rc != ALPR_STATUS_OK) {
    alpr_position pos;
    alpr_last_error_position(&pos);
    fail("loading the list", rc);
    fprintf(stderr, "match_stdin: at line %lld\n", (long long)pos.line);
    goto out;
  }
  alpr_load_report_counts(report, &accepted, &merged, &rejected);
  printf("list SVS: %zu entries, %zu merged, %zu rejected\n", accepted, merged, rejected);

  pending = calloc(BATCH, sizeof *pending);
  if (pending == NULL) goto out;
  while (fgets(line, sizeof line, stdin) != NULL) {
    size_t l = strcspn(line, "\r\n");
    line_no++;
    line[l] = '\0';
    if (l == 0 || line[0] == '#') continue;
    memcpy(pending[n].text, line, l + 1);
    pending[n].line = line_no;
    n++;
    reads_total++;
    if (n == BATCH) {
      if (match_batch(reg, pending, n, now_ms, &hits, &hits_cap, &total_hits, &unreadable) != 0) goto out;
      n = 0;
    }
  }
  if (n > 0 && match_batch(reg, pending, n, now_ms, &hits, &hits_cap, &total_hits, &unreadable) != 0) goto out;
  printf("%zu reads, %zu hits, %zu unreadable\n", reads_total, total_hits, unreadable);
  status = 0;
out:
  free(hits);
  free(pending);
  free(bytes);
  alpr_load_report_free(report);
  alpr_registry_free(reg);
  return status;
}
