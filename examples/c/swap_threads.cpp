// swap_threads: 8 threads match batches of reads while a 9th puts 1,000 versions of a hot list in
// force, one after the other; every batch's hits must come from exactly one version, whole.
//
//   swap_threads [VERSIONS]       (default 1000; exit status 0 when every check held)
//
// Version v of list `HOT` holds the plates PLATES[i] with (i + v) % 3 != 0, and is loaded with
// `loaded_at = BASE + v`, so each hit names its version through `list_age_ms = NOW - BASE - v`.
// For every batch (alpr_registry_match_batch: one snapshot of the lists) the checks are:
//   - all hits name the same version v, and v is a version that was loaded;
//   - the hits are exactly version v's: read i hits PLATES[i] (exact, strong) iff (i + v) % 3 != 0,
//     so a half-swapped or mixed snapshot fails;
//   - a thread never sees an older version after a newer one (a swap is atomic and final).
// After the last swap every thread must see the last version.
//
// Build: c++ -std=c++11 swap_threads.cpp $(pkg-config --cflags --libs alpr) -pthread
//        or CMake's alpr::alpr with Threads::Threads. Also run under ASan and TSan (README).
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alpr.h"

namespace {

constexpr int kReaders = 8;
constexpr int64_t kBase = 1795896000000LL;  // 2026-11-28T12:00:00-08:00, Unix ms
constexpr int64_t kNow = kBase + 3600000;   // an hour later: no version is stale
// Plates with no look-alike or near relation between any two: each read hits only its own entry.
const char *const kPlates[] = {"7ACE349", "4KMN793", "9PRT347", "3UVW974", "7XYH439", "4JCK937",
                               "9MTR734", "3EPN479", "7WHU394", "4YJX973", "9CAK743", "3NEM497"};
constexpr size_t kNPlates = sizeof kPlates / sizeof kPlates[0];

std::mutex g_report;
std::atomic<int> g_failures{0};

void failure(const char *fmt, long a, long b) {
  std::lock_guard<std::mutex> lock(g_report);
  if (g_failures.fetch_add(1) < 20) {
    std::fprintf(stderr, "swap_threads: FAIL: ");
    std::fprintf(stderr, fmt, a, b);
    std::fprintf(stderr, "\n");
  }
}

bool in_version(size_t i, long v) { return (static_cast<long>(i) + v) % 3 != 0; }

std::string csv_of_version(long v) {
  std::string csv = "plate,state\n";
  for (size_t i = 0; i < kNPlates; i++) {
    if (in_version(i, v)) csv += std::string(kPlates[i]) + ",CA\n";
  }
  return csv;
}

std::string last_error() {
  char msg[256];
  size_t n = 0;
  if (alpr_last_error_message(reinterpret_cast<uint8_t *>(msg), sizeof msg, &n) != ALPR_STATUS_OK) return "";
  return msg;
}

bool load_version(const alpr_registry *reg, long v) {
  std::string csv = csv_of_version(v);
  alpr_load_report *report = nullptr;
  alpr_load_options opts = alpr_load_options_init();
  opts.format = ALPR_FORMAT_CSV;
  opts.id = reinterpret_cast<const uint8_t *>("HOT");
  opts.id_len = 3;
  opts.kind = ALPR_LIST_KIND_STANDARD;
  opts.priority = 10;
  opts.loaded_at_ms = kBase + v;
  opts.category = reinterpret_cast<const uint8_t *>("stolen_vehicle");
  opts.category_len = 14;
  alpr_status rc = alpr_registry_load_bytes(reg, &opts, reinterpret_cast<const uint8_t *>(csv.data()), csv.size(), &report);
  if (rc != ALPR_STATUS_OK) {
    std::fprintf(stderr, "swap_threads: loading version %ld: %s (%s)\n", v, alpr_status_str(rc), last_error().c_str());
    return false;
  }
  size_t accepted = 0;
  alpr_load_report_counts(report, &accepted, nullptr, nullptr);
  alpr_load_report_free(report);
  size_t expected = 0;
  for (size_t i = 0; i < kNPlates; i++) expected += in_version(i, v) ? 1 : 0;
  if (accepted != expected) {
    failure("version %ld accepted %ld entries", v, static_cast<long>(accepted));
    return false;
  }
  return true;
}

struct ReaderStats {
  long batches = 0;
  long versions_seen = 0;
  long last_version = -1;
};

// Matches one batch; returns the version it saw, or -1 after reporting a failure.
long check_batch(const alpr_registry *reg, const std::vector<alpr_read> &reads, long versions) {
  alpr_hit hits[2 * kNPlates];
  uint32_t statuses[kNPlates];
  size_t n = 0;
  alpr_status rc = alpr_registry_match_batch(reg, reads.data(), reads.size(), kNow, hits, 2 * kNPlates, &n, statuses);
  if (rc != ALPR_STATUS_OK) {
    failure("match_batch returned %ld (%ld hits)", static_cast<long>(rc), static_cast<long>(n));
    return -1;
  }
  if (n == 0) {
    failure("a batch with no hit (%ld reads, %ld)", static_cast<long>(reads.size()), 0);
    return -1;
  }
  const long v = static_cast<long>(kNow - kBase - hits[0].list_age_ms);
  if (v < 0 || v >= versions) {
    failure("hit from version %ld, outside 0..%ld", v, versions - 1);
    return -1;
  }
  size_t h = 0;
  for (size_t i = 0; i < kNPlates; i++) {
    if (statuses[i] != ALPR_STATUS_OK) {
      failure("read %ld failed with %ld", static_cast<long>(i), static_cast<long>(statuses[i]));
      return -1;
    }
    if (!in_version(i, v)) continue;
    if (h >= n || hits[h].read_index != i) {
      failure("version %ld: read %ld has no hit (a partial or mixed snapshot)", v, static_cast<long>(i));
      return -1;
    }
    const alpr_hit &hit = hits[h++];
    const long hv = static_cast<long>(kNow - kBase - hit.list_age_ms);
    if (hv != v) {
      failure("one batch saw versions %ld and %ld", v, hv);
      return -1;
    }
    if (std::strcmp(reinterpret_cast<const char *>(hit.entry), kPlates[i]) != 0 ||
        std::strcmp(reinterpret_cast<const char *>(hit.list_id), "HOT") != 0 || hit.kind != ALPR_MATCH_KIND_EXACT ||
        hit.tier != ALPR_TIER_STRONG) {
      failure("version %ld: read %ld hit the wrong entry or kind", v, static_cast<long>(i));
      return -1;
    }
  }
  if (h != n) {
    failure("version %ld: %ld hits beyond the version's entries", v, static_cast<long>(n - h));
    return -1;
  }
  return v;
}

}  // namespace

int main(int argc, char **argv) {
  const long versions = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1000;
  if (versions < 2) {
    std::fprintf(stderr, "usage: %s [VERSIONS >= 2]\n", argv[0]);
    return 2;
  }
  const alpr_registry *reg = nullptr;
  if (alpr_registry_new(nullptr, &reg) != ALPR_STATUS_OK || !load_version(reg, 0)) return 1;

  std::vector<alpr_read> reads(kNPlates);
  for (size_t i = 0; i < kNPlates; i++) {
    alpr_read &r = reads[i];
    r = alpr_read_init();  // every optional field "unknown"
    r.plate = reinterpret_cast<const uint8_t *>(kPlates[i]);
    r.plate_len = std::strlen(kPlates[i]);
    r.jurisdiction[0] = 'C';
    r.jurisdiction[1] = 'A';
    r.origin = ALPR_ORIGIN_FIXED;
    r.observed_at_ms = kNow;
  }

  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::vector<ReaderStats> stats(kReaders);
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; t++) {
    threads.emplace_back([&, t] {
      ReaderStats &s = stats[t];
      for (;;) {
        // Read the flag first: a batch started after the writer finished must see the last version.
        const bool finished = done.load(std::memory_order_acquire);
        const long v = check_batch(reg, reads, versions);
        if (v < 0) return;
        if (s.batches++ == 0) started.fetch_add(1);
        if (v < s.last_version) failure("a thread saw version %ld after version %ld", v, s.last_version);
        if (v != s.last_version) s.versions_seen++;
        s.last_version = v;
        if (finished) {
          if (v != versions - 1) failure("after the last swap a thread saw version %ld, not %ld", v, versions - 1);
          return;
        }
      }
    });
  }
  std::thread writer([&] {
    // Swap only once every reader is matching, and pause between swaps so that, even on two
    // cores, the readers run between them.
    while (started.load() < kReaders && g_failures.load() == 0) std::this_thread::yield();
    for (long v = 1; v < versions; v++) {
      if (!load_version(reg, v)) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    done.store(true, std::memory_order_release);
  });
  writer.join();
  for (std::thread &t : threads) t.join();

  long batches = 0, seen = 0;
  for (const ReaderStats &s : stats) {
    batches += s.batches;
    seen += s.versions_seen;
  }
  size_t lists = 0;
  alpr_registry_list_count(reg, &lists);
  alpr_registry_free(reg);
  if (lists != 1) failure("%ld lists in force, not %ld", static_cast<long>(lists), 1);
  std::printf("swap_threads: %d threads, %ld versions swapped, %ld batches checked, %ld version changes seen, "
              "%d failures\n",
              kReaders, versions, batches, seen, g_failures.load());
  return g_failures.load() == 0 ? 0 : 1;
}
