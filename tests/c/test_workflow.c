/* The hit workflow, hot plates, operations and public-records referrals from C. */
#include <stdint.h>
#include <stdlib.h>

#include "alpr.h"
#include "test_main.h"

static bool status_is(const alpr_hit_workflow *hit, const char *want) {
  uint8_t buf[16];
  size_t n = 0;
  if (alpr_hit_workflow_status(hit, buf, sizeof buf, &n) != ALPR_STATUS_OK) return false;
  return strcmp((const char *)buf, want) == 0 && n == strlen(want);
}

static bool test_car_hit_to_stop(void) {
  alpr_hit_workflow *hit = NULL;
  uint8_t buf[64];
  size_t n = 0;
  uint32_t codes[4];
  CHECK(alpr_hit_workflow_new(NULL, STR("standard"), STR("stolen_vehicle"), STR("vehicle"), &hit) == ALPR_STATUS_OK);
  CHECK(status_is(hit, "alerted"));
  CHECK(alpr_hit_workflow_broadcast(hit) == ALPR_STATUS_NOT_ACKNOWLEDGED);
  CHECK(alpr_hit_workflow_acknowledge(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_mdc_query(hit) == ALPR_STATUS_OK); /* recorded, not refused */
  CHECK(alpr_hit_workflow_stop(hit) == ALPR_STATUS_CONFIRMATION_REQUIRED);
  CHECK(status_is(hit, "acknowledged"));
  CHECK(alpr_hit_workflow_broadcast(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_confirm(hit, true, true, true, true) == ALPR_STATUS_OK);
  CHECK(status_is(hit, "confirmed"));
  CHECK(alpr_hit_workflow_stop(hit) == ALPR_STATUS_INDEPENDENT_BASIS_REQUIRED);
  CHECK(alpr_hit_workflow_record_basis(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_stop(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_violations(hit, codes, 4, &n) == ALPR_STATUS_OK && n == 1);
  CHECK(codes[0] == ALPR_STATUS_MDC_QUERY_BEFORE_BROADCAST);
  CHECK(strcmp(alpr_status_str(codes[0]), "mdc_query_before_broadcast") == 0);
  CHECK(alpr_hit_workflow_violations(hit, NULL, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n == 1);
  CHECK(alpr_hit_workflow_call_types_json(hit, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strcmp((const char *)buf, "[\"POD\",\"503P/503T\"]") == 0);
  CHECK(alpr_hit_workflow_close(hit, STR("recovered")) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_close(hit, STR("recovered")) == ALPR_STATUS_INVALID_TRANSITION);
  CHECK(alpr_hit_workflow_close(hit, STR("lost")) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(status_is(hit, "closed"));
  alpr_hit_workflow_free(hit);
  alpr_hit_workflow_free(NULL);
  return true;
}

static bool test_desk_hit_and_rejection(void) {
  alpr_hit_workflow *hit = NULL;
  uint8_t buf[32];
  size_t n = 0;
  CHECK(alpr_hit_workflow_new(NULL, STR("hot_plate"), STR("felony_vehicle"), STR("desktop"), &hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_acknowledge(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_broadcast(hit) == ALPR_STATUS_CONFIRMATION_REQUIRED);
  CHECK(alpr_hit_workflow_confirm(hit, true, false, true, false) == ALPR_STATUS_OK);
  CHECK(status_is(hit, "rejected"));
  CHECK(alpr_hit_workflow_disposition(hit, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strcmp((const char *)buf, "incorrect_read") == 0);
  CHECK(alpr_hit_workflow_record_basis(hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_stop(hit) == ALPR_STATUS_CONFIRMATION_REQUIRED);
  CHECK(alpr_hit_workflow_reject(hit, STR("duplicate")) == ALPR_STATUS_INVALID_TRANSITION);
  alpr_hit_workflow_free(hit);
  return true;
}

static bool test_bad_arguments(void) {
  alpr_hit_workflow *hit = NULL;
  size_t n = 0;
  CHECK(alpr_hit_workflow_new(NULL, STR("nope"), STR("stolen_vehicle"), STR("vehicle"), &hit) == ALPR_STATUS_INVALID_ARGUMENT);
  CHECK(alpr_hit_workflow_new(NULL, STR("standard"), STR("nope"), STR("vehicle"), &hit) == ALPR_STATUS_INVALID_CATEGORY);
  CHECK(alpr_hit_workflow_new(NULL, STR("standard"), STR("stolen_vehicle"), STR("vehicle"), NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(hit == NULL);
  CHECK(alpr_hit_workflow_acknowledge(NULL) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_workflow_status(NULL, NULL, 0, &n) == ALPR_STATUS_NULL_PARAMETER);
  CHECK(alpr_hit_workflow_new_json(NULL, STR("{\"list_kind\": 7}"), &hit) == ALPR_STATUS_INVALID_ARGUMENT);
  return true;
}

static bool test_dispatch_packet(void) {
  alpr_hit_workflow *hit = NULL;
  size_t n = 0;
  char *buf;
  const char *input =
      "{\"list_id\": \"SVS\", \"list_kind\": \"standard\", \"category\": \"stolen_vehicle\", "
      "\"origin\": \"fixed\", \"match_kind\": \"confusable\", \"positions\": [3], \"tier\": \"moderate\", "
      "\"vehicle\": {\"make\": \"HOND\", \"color\": \"BLK\"}, \"caution\": {\"armed_dangerous\": true}}";
  CHECK(alpr_hit_workflow_new_json(NULL, STR(input), &hit) == ALPR_STATUS_OK);
  CHECK(alpr_hit_workflow_dispatch_packet_json(hit, NULL, 0, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n > 100);
  buf = malloc(n + 1);
  CHECK(buf != NULL);
  CHECK(alpr_hit_workflow_dispatch_packet_json(hit, (uint8_t *)buf, n + 1, &n) == ALPR_STATUS_OK);
  CHECK(strstr(buf, "\"call_type\":\"POD\"") != NULL);
  CHECK(strstr(buf, "\"priority\":4") != NULL);
  CHECK(strstr(buf, "\"requires_confirmation\":true") != NULL);
  CHECK(strstr(buf, "\"confirm_before_broadcast\":true") != NULL);
  CHECK(strstr(buf, "\"armed_dangerous\":true") != NULL);
  CHECK(strstr(buf, "\"positions\":[3]") != NULL);
  free(buf);
  alpr_hit_workflow_free(hit);
  return true;
}

static bool test_hot_plate(void) {
  uint32_t codes[16];
  size_t n = 0;
  const char *ok = "{\"plate\": \"7ABC123\", \"jurisdiction\": \"CA\", \"entered_at\": \"2026-10-15T10:00:00-07:00\", "
                   "\"expires_at\": \"2026-11-14T10:00:00-08:00\"}";
  const char *bad = "{\"plate\": \"UNK\", \"entered_at\": \"2026-11-28T09:00:00-08:00\", "
                    "\"expires_at\": \"2027-01-07T09:00:00-08:00\", \"distribution\": \"all\", \"also_entered_in\": [\"SFR\"]}";
  CHECK(alpr_hot_plate_validate_json(NULL, STR(ok), codes, 16, &n) == ALPR_STATUS_OK && n == 0);
  CHECK(alpr_hot_plate_validate_json(NULL, STR(bad), codes, 16, &n) == ALPR_STATUS_OK && n == 8);
  CHECK(codes[0] == ALPR_STATUS_PLACEHOLDER_PLATE && codes[1] == ALPR_STATUS_MISSING_JURISDICTION);
  CHECK(codes[2] == ALPR_STATUS_EXPIRY_EXCEEDS_30_DAYS && codes[3] == ALPR_STATUS_EXPIRY_EXCEEDS_24_HOURS);
  CHECK(alpr_hot_plate_validate_json(NULL, STR(bad), codes, 2, &n) == ALPR_STATUS_INSUFFICIENT_SIZE && n == 8);
  CHECK(alpr_hot_plate_validate_json(NULL, STR("{\"plate\": "), codes, 16, &n) == ALPR_STATUS_INVALID_ARGUMENT);
  return true;
}

static bool test_operations_and_records(void) {
  bool due = false, overdue = false;
  uint8_t buf[512];
  size_t n = 0;
  CHECK(alpr_inspection_check(NULL, STR("2026-08-28"), STR("2026-11-28"), &due, &overdue) == ALPR_STATUS_OK);
  CHECK(due && !overdue);
  CHECK(alpr_inspection_check(NULL, STR("2026-08-27"), STR("2026-11-28"), &due, &overdue) == ALPR_STATUS_OK);
  CHECK(overdue);
  CHECK(alpr_inspection_check(NULL, STR("2026-02-30"), STR("2026-11-28"), &due, &overdue) == ALPR_STATUS_INVALID_DATE);
  CHECK(alpr_shift_start_json(NULL, STR("{\"gps_green\": false}"), buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "\"ready\":false") != NULL && strstr((const char *)buf, "\"gps_green\"") != NULL);
  CHECK(alpr_damaged_equipment_json(true, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "\"crime_report_required\":true") != NULL);
  CHECK(alpr_pra_request_json(NULL, true, NULL, 0, buf, sizeof buf, &n) == ALPR_STATUS_OK);
  CHECK(strstr((const char *)buf, "missing_citizen_name") != NULL);
  CHECK(strstr((const char *)buf, "(916) 808-5002") != NULL);
  return true;
}

int main(void) {
  int failed = 0, passed = 0;
  bool (*tests[])(void) = {test_car_hit_to_stop, test_desk_hit_and_rejection, test_bad_arguments,
                           test_dispatch_packet, test_hot_plate, test_operations_and_records};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    if (tests[i]()) passed++; else failed++;
  }
  printf("test_workflow: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
