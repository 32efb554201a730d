/* The C ABI seen from C: versions, status text, normalization, hostile input. */
#include "alpr.h"
#include "test_main.h"

static bool test_version(void) {
  CHECK(alpr_version_number() == ALPR_VERSION_NUMBER);
  CHECK(alpr_version_string() != NULL);
  CHECK(strlen(alpr_version_string()) >= 5);
  return true;
}

static bool test_status_str(void) {
  CHECK(strcmp(alpr_status_str(ALPR_STATUS_OK), "ok") == 0);
  CHECK(strcmp(alpr_status_str(ALPR_STATUS_INVALID_CHARACTER), "invalid_character") == 0);
  CHECK(strcmp(alpr_status_str(123456u), "unknown_status") == 0);
  CHECK(ALPR_STATUS_TIME_REGRESSION == 424);
  CHECK(strcmp(alpr_status_str(ALPR_STATUS_TIME_REGRESSION), "time_regression") == 0);
  return true;
}

/* R-NORM-1: white space, dashes and invisible format characters are separators; R-NORM-5: other
 * controls (U+001C) fail at their character position. */
static bool test_separators(void) {
  static const char *const pasted[] = {
      "7ABC123\n",             /* trailing line feed */
      "7ABC\r\n123",          /* two-line stacked text */
      "7ABC\xc2\xa0" "123",   /* no-break space */
      "7ABC\xe2\x80\x93" "123", /* en dash */
      "7AB\xc2\xad" "C123",   /* soft hyphen */
      "\xef\xbb\xbf" "7ABC123", /* U+FEFF */
      "7ABC\xe2\x80\xa8" "123", /* U+2028 line separator */
  };
  uint8_t buf[ALPR_PLATE_BUF_LEN];
  size_t n = 0;
  bool folded = true;
  const uint8_t info_sep[] = {'A', 'B', 0x1c, '1'};
  alpr_position pos;
  for (size_t i = 0; i < sizeof pasted / sizeof pasted[0]; i++) {
    folded = true;
    CHECK(alpr_plate_normalize(STR(pasted[i]), buf, sizeof buf, &n, &folded) == ALPR_STATUS_OK);
    CHECK(strcmp((const char *)buf, "7ABC123") == 0 && !folded);
  }
  /* The fullwidth space is a fold of R-NORM-3. */
  CHECK(alpr_plate_normalize(STR("7ABC\xe3\x80\x80" "123"), buf, sizeof buf, &n, &folded) == ALPR_STATUS_OK);
  CHECK(strcmp((const char *)buf, "7ABC123") == 0 && folded);
  CHECK(alpr_plate_normalize(info_sep, sizeof info_sep, buf, sizeof buf, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK && pos.character == 2);
  return true;
}

static bool test_normalize(void) {
  uint8_t buf[ALPR_PLATE_BUF_LEN];
  size_t n = 0;
  bool folded = true;
  CHECK(alpr_plate_normalize(STR(" 7abc-123 "), buf, sizeof buf, &n, &folded) == ALPR_STATUS_OK);
  CHECK(n == 7 && strcmp((const char *)buf, "7ABC123") == 0 && !folded);
  /* Fullwidth digits and letters fold. */
  CHECK(alpr_plate_normalize(STR("\xef\xbc\x97\xef\xbc\xa1"), buf, sizeof buf, &n, &folded) == ALPR_STATUS_OK);
  CHECK(strcmp((const char *)buf, "7A") == 0 && folded);
  return true;
}

static bool test_errors_and_last_error(void) {
  uint8_t buf[ALPR_PLATE_BUF_LEN];
  char msg[256];
  size_t n = 0;
  const uint8_t with_nul[] = {'A', 'B', 0, 'C'};
  const uint8_t bad_utf8[] = {'A', 0xff};
  CHECK(alpr_plate_normalize(with_nul, sizeof with_nul, buf, sizeof buf, &n, NULL) == ALPR_STATUS_INVALID_CHARACTER);
  CHECK(alpr_last_error_message((uint8_t *)msg, sizeof msg, &n) == ALPR_STATUS_OK);
  CHECK(strstr(msg, "character 2") != NULL);
  {
    alpr_position pos;
    CHECK(alpr_last_error_position(&pos) == ALPR_STATUS_OK);
    CHECK(pos.character == 2 && pos.line == -1 && pos.column == -1 && pos.index == -1);
  }
  CHECK(alpr_plate_normalize(bad_utf8, sizeof bad_utf8, buf, sizeof buf, &n, NULL) == ALPR_STATUS_INVALID_UTF8);
  CHECK(alpr_plate_normalize(NULL, 5, buf, sizeof buf, &n, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_plate_normalize(STR("ABC"), buf, sizeof buf, NULL, NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_plate_normalize(STR("ABCDEFGHIJK"), buf, sizeof buf, &n, NULL) == ALPR_STATUS_TOO_LONG);
  CHECK(alpr_plate_normalize(STR(""), buf, sizeof buf, &n, NULL) == ALPR_STATUS_EMPTY);
  return true;
}

static bool test_buffer_too_small(void) {
  uint8_t small[4];
  size_t n = 0;
  CHECK(alpr_plate_normalize(STR("7ABC123"), small, sizeof small, &n, NULL) == ALPR_STATUS_INSUFFICIENT_SIZE);
  CHECK(n == 7);
  CHECK(alpr_plate_normalize(STR("7ABC123"), NULL, 0, &n, NULL) == ALPR_STATUS_INSUFFICIENT_SIZE);
  return true;
}

static bool test_huge_input(void) {
  static uint8_t big[1 << 20];
  uint8_t buf[ALPR_PLATE_BUF_LEN];
  size_t n = 0;
  memset(big, 'A', sizeof big);
  CHECK(alpr_plate_normalize(big, sizeof big, buf, sizeof buf, &n, NULL) == ALPR_STATUS_TOO_LONG);
  return true;
}

static bool test_jurisdiction(void) {
  uint8_t buf[3];
  size_t n = 0;
  CHECK(alpr_jurisdiction_normalize(STR(" qc "), buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(n == 2 && strcmp((const char *)buf, "QC") == 0);
  CHECK(alpr_jurisdiction_normalize(STR("XX"), buf, sizeof buf, &n) == ALPR_STATUS_INVALID_JURISDICTION);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_version,       test_status_str, test_normalize, test_separators,
                           test_errors_and_last_error, test_buffer_too_small, test_huge_input, test_jurisdiction};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_plate: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
