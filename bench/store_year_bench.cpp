// A simulated year of hourly passes over 100 user profiles, recorded in a real compliance store:
// how large the database grows and how long a pass spends in the store. Targets (issue 3): under
// 5 MB after a year, under 5 ms per no-op pass.
//
// The store's part of a pass is timed as the agent does it (engine/reconcile.cpp and the
// per-user target): the last known good policy, then inside one shared read the per-profile
// look-ups (the ledger entries of each telemetry.json, its DeviceIdResetToken state), the
// prior states and states written when a profile is changed (in one batch), then recordPass.
//
// The change model (fixed seed, so runs compare): every hour a 10 % chance that one profile's
// settings drift (a user re-enables a report) and are repaired, then compliant again at the next
// pass; once a week one home is unreadable for three hours (a failed finding); once a month the
// DeviceIdResetToken policy changes and every profile gets a new DeviceId; the agent restarts
// weekly (started/stopped events). Usage: store_year_bench [DIR] (default: a new temp dir);
// bench/store_year_bench.sh runs it the documented way.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "store/event_kinds.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "util/time_text.hpp"

namespace {

using namespace mpa;
using Clock = std::chrono::steady_clock;

constexpr int kProfiles = 100;
constexpr int kHours = 365 * 24;
const char* const kActions =
    "ExceptionReportingAction=2, PerformanceProblemReportingAction=2, UsageReportingAction=2, "
    "DeviceId set";

EffectivePolicy policyValue(PolicyValue value, const std::string& file, int line) {
    EffectivePolicy p;
    p.value = std::move(value);
    p.from = {"Linux policy file",
              "/etc/metalama/policies/managed/" + file + ":" + std::to_string(line),
              PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 0};
    return p;
}

PolicySet policyForMonth(int month) {
    PolicySet set;
    set.values.emplace("TelemetryOptOut", policyValue(true, "10-telemetry.json", 2));
    set.values.emplace("DisableUsageReporting", policyValue(true, "10-telemetry.json", 3));
    set.values.emplace(
        "DeviceIdResetToken",
        policyValue(std::string("2026-") + std::to_string(month + 1), "10-telemetry.json", 4));
    set.values.emplace("ComplianceRetentionDays",
                       policyValue(std::int64_t{365}, "20-agent.yaml", 1));
    return set;
}

std::string profileDir(int user) {
    char name[16];
    std::snprintf(name, sizeof name, "u%03d", user);
    return std::string("/home/") + name + "/.local/share/Metalama";
}

std::string settingsSubject(int user) {
    return profileDir(user) + "/telemetry.json";
}

// What the per-user target asks the ledger for each profile in a pass: the entries of its
// telemetry.json (subject#key) and, with a DeviceIdResetToken, the token it last applied.
bool lookUpProfiles(const Ledger& ledger, const std::string& token) {
    std::size_t found = 0;
    for (int u = 0; u < kProfiles; ++u) {
        const auto subject = settingsSubject(u);
        found += ledger.listPrefix("telemetry-json", subject + "#").size();
        const auto seen = ledger.state("deviceid-token:" + subject);
        if (seen && *seen == token) ++found;
    }
    return found > 0;
}

// What the target records when it changes profiles (the first pass: every profile's prior
// state; a new token: every profile's token), in one batch as it does.
Status recordChanges(Ledger& ledger, bool firstPass, const std::string& token,
                     const std::vector<int>& changed) {
    if (changed.empty()) return Status::success();
    if (auto begun = ledger.beginBatch(); !begun) return begun;
    for (const int u : changed) {
        const auto subject = settingsSubject(u);
        if (firstPass) {
            for (const char* key : {"ExceptionReportingAction", "PerformanceProblemReportingAction",
                                    "UsageReportingAction", "DeviceId"})
                if (auto recorded =
                        ledger.record({"telemetry-json", subject + "#" + key, true, "1", ""});
                    !recorded)
                    return recorded;
            if (auto recorded =
                    ledger.record({"telemetry-json", subject + "#file", true, "{}", ""});
                !recorded)
                return recorded;
        }
        if (auto set = ledger.setState("deviceid-token:" + subject, token); !set) return set;
    }
    return ledger.commitBatch();
}

struct Hour {
    int drifted = -1;     // profile whose settings drifted this hour
    int unreadable = -1;  // profile whose home cannot be read
    bool tokenChanged = false;
};

PassReport makePass(std::chrono::system_clock::time_point when, int month, const Hour& hour) {
    PassReport r;
    r.startedAt = isoUtc(when);
    r.finishedAt = r.startedAt;
    r.trigger = hour.drifted >= 0 ? "drift" : "timer";
    r.policy = policyForMonth(month);
    r.desired.complianceRetentionDays = 365;
    const std::string env = "METALAMA_TELEMETRY_OPT_OUT=1";
    r.findings.push_back(
        {"etc-environment", "/etc/environment", "", env, env, Outcome::Compliant, "", "", ""});
    r.findings.push_back({"environment-d", "/etc/environment.d/90-metalama-telemetry.conf", "", env,
                          env, Outcome::Compliant, "", "", ""});
    r.findings.push_back(
        {"systemd-manager", "/etc/systemd/system.conf.d/90-metalama-telemetry.conf", "",
         "DefaultEnvironment=" + env, "DefaultEnvironment=" + env, Outcome::Compliant, "", "", ""});
    r.findings.push_back({"profile-d", "/etc/profile.d/metalama-telemetry.sh", "", "export " + env,
                          "export " + env, Outcome::Compliant, "", "", ""});
    for (int u = 0; u < kProfiles; ++u) {
        const auto dir = profileDir(u);
        const auto user = dir.substr(6, 4);
        Finding f{"telemetry-json",
                  dir + "/telemetry.json",
                  user,
                  kActions,
                  kActions,
                  Outcome::Compliant,
                  "",
                  "",
                  ""};
        if (hour.tokenChanged) {
            f.outcome = Outcome::Remediated;
            f.reason = "new DeviceId: DeviceIdResetToken changed to \"2026-" +
                       std::to_string(month + 1) + "\"";
        } else if (u == hour.drifted) {
            f.outcome = Outcome::DriftRepaired;
            f.observed =
                "ExceptionReportingAction=2, PerformanceProblemReportingAction=2, "
                "UsageReportingAction=1, DeviceId set";
        } else if (u == hour.unreadable) {
            f.outcome = Outcome::Failed;
            f.observed = "unknown";
            f.reason = dir + ": Permission denied";
        }
        r.findings.push_back(f);
        r.findings.push_back({"license-audit", dir, user, "informational",
                              u % 10 == 0 ? "license key registered" : "no license key",
                              Outcome::NotApplicable,
                              "the telemetry opt-out does not stop Metalama's license audit; no "
                              "policy can",
                              "", ""});
    }
    r.verdict = computeVerdict(r.policy, r.findings);
    return r;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

std::uintmax_t fileSize(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    if (argc > 1) {
        dir = argv[1];
        std::filesystem::create_directories(dir);
        ::chmod(dir.c_str(), 0700);
    } else {
        char pattern[] = "/tmp/store-year-bench-XXXXXX";
        if (!::mkdtemp(pattern)) return 1;
        dir = pattern;
    }
    const std::string path = dir + "/compliance.db";
    std::filesystem::remove(path);
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(), &opened);
    if (!store) {
        std::fprintf(stderr, "%s\n", opened.error.c_str());
        return 1;
    }
    std::mt19937 random(20260101);
    std::uniform_int_distribution<int> profile(0, kProfiles - 1);
    std::uniform_real_distribution<double> chance(0, 1);
    auto when = *parseIsoUtc("2026-01-01T00:00:00Z");
    std::vector<double> noOpMs, changeMs, lookUpMs, recordPassMs;
    int unreadable = -1, unreadableHours = 0, month = 0;
    const auto started = Clock::now();
    for (int h = 0; h < kHours; ++h, when += std::chrono::hours(1)) {
        Hour hour;
        const int day = h / 24;
        const int newMonth = std::min(11, day * 12 / 365);
        hour.tokenChanged = newMonth != month;
        month = newMonth;
        if (chance(random) < 0.10) hour.drifted = profile(random);
        if (h % (24 * 7) == 10) {
            unreadable = profile(random);
            unreadableHours = 3;
        }
        if (unreadableHours > 0) {
            hour.unreadable = unreadable;
            --unreadableHours;
        }
        if (h % (24 * 7) == 0 && h > 0) {
            store->recordEvent(event_kind::kAgentStopped, "", "service stopping (SIGTERM)");
            store->recordEvent(event_kind::kAgentStarted, "", "service started, version 0.1.0");
        }
        const auto pass = makePass(when, month, hour);
        const auto token = std::string("2026-") + std::to_string(month + 1);
        std::vector<int> changed;
        if (h == 0 || hour.tokenChanged)
            for (int u = 0; u < kProfiles; ++u) changed.push_back(u);
        const auto t0 = Clock::now();
        if (!store->lastKnownGoodPolicy() && h > 0) {
            std::fprintf(stderr, "hour %d: no last known good policy\n", h);
            return 1;
        }
        store->beginSharedReads();
        const bool known = lookUpProfiles(*store, token);
        store->endSharedReads();
        const auto looked = Clock::now();
        if (h > 0 && !known) {
            std::fprintf(stderr, "hour %d: the ledger look-ups found nothing\n", h);
            return 1;
        }
        if (const auto recorded = recordChanges(*store, h == 0, token, changed); !recorded) {
            std::fprintf(stderr, "hour %d: %s\n", h, recorded.error.c_str());
            return 1;
        }
        const auto recording = Clock::now();
        if (const auto recorded = store->recordPass(pass); !recorded) {
            std::fprintf(stderr, "hour %d: %s\n", h, recorded.error.c_str());
            return 1;
        }
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        lookUpMs.push_back(std::chrono::duration<double, std::milli>(looked - t0).count());
        if (changed.empty())
            recordPassMs.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - recording).count());
        // A no-op pass is one the store recorded as a repeat of the previous run.
        const bool repeat =
            store->connection()
                .queryInt("SELECT same_as IS NOT NULL FROM runs ORDER BY id DESC LIMIT 1", nullptr)
                .value_or(0) != 0;
        (repeat ? noOpMs : changeMs).push_back(ms);
    }
    const double totalSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    const std::string head = store->chainHead();
    store.reset();  // closes: SQLite checkpoints the WAL into the file
    const auto t0 = Clock::now();
    auto reopened = SqliteComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(),
                                                &opened, IntegrityCheck::Full);
    const double openMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!reopened) {
        std::fprintf(stderr, "reopen: %s\n", opened.error.c_str());
        return 1;
    }
    auto counts = [&](const char* sql) {
        return reopened->connection().queryInt(sql, nullptr).value_or(-1);
    };
    std::printf("store_year_bench: %d hourly passes, %d profiles (%d findings per pass)\n", kHours,
                kProfiles, 4 + 2 * kProfiles);
    std::printf("database size after a year: %.2f MB (%ju bytes; -wal %ju bytes)\n",
                static_cast<double>(fileSize(path)) / 1e6, fileSize(path), fileSize(path + "-wal"));
    std::printf(
        "rows: runs %lld (repeats %lld), finding rows %lld, policy rows %lld, events %lld\n",
        static_cast<long long>(counts("SELECT count(*) FROM runs")),
        static_cast<long long>(counts("SELECT count(*) FROM runs WHERE same_as IS NOT NULL")),
        static_cast<long long>(counts("SELECT count(*) FROM findings")),
        static_cast<long long>(counts("SELECT count(*) FROM effective_policy")),
        static_cast<long long>(counts("SELECT count(*) FROM events")));
    std::printf(
        "store time per no-op pass (look-ups, changes, recordPass): median %.3f ms, p95 %.3f ms, "
        "max %.3f ms (%zu passes)\n",
        percentile(noOpMs, 0.5), percentile(noOpMs, 0.95), percentile(noOpMs, 1.0), noOpMs.size());
    std::printf(
        "store time per changed pass: median %.3f ms, p95 %.3f ms, max %.3f ms (%zu passes)\n",
        percentile(changeMs, 0.5), percentile(changeMs, 0.95), percentile(changeMs, 1.0),
        changeMs.size());
    std::printf(
        "of which the look-ups (last known good policy, %d profiles' ledger entries and token): "
        "median %.3f ms, p95 %.3f ms\n",
        kProfiles, percentile(lookUpMs, 0.5), percentile(lookUpMs, 0.95));
    std::printf("recordPass alone, passes that changed no profile: median %.3f ms, p95 %.3f ms\n",
                percentile(recordPassMs, 0.5), percentile(recordPassMs, 0.95));
    std::printf("open with quick_check after a year: %.1f ms; whole simulation %.1f s\n", openMs,
                totalSeconds);
    std::printf("chain head: %s\n", head.c_str());
    return 0;
}
