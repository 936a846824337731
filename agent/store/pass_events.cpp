#include "store/pass_events.hpp"

#include <Poco/JSON/Object.h>

#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include "store/event_kinds.hpp"
#include "store/policy_record_json.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

std::string condensed(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

Poco::Dynamic::Var policySide(const EffectivePolicy* p) {
    if (!p) return Poco::Dynamic::Var();  // null: not set
    Poco::JSON::Object side(Poco::JSON_PRESERVE_KEY_ORDER);
    side.set("value", policyValueToVar(p->value));
    side.set("source", p->from.source);
    side.set("origin", p->from.origin);
    side.set("level", std::string(toString(p->from.level)));
    if (p->keptFromLastKnownGood) side.set("kept_because", p->keptBecause);
    return side;
}

std::string describeSide(const EffectivePolicy* p) {
    if (!p) return "not set";
    std::string text = describeValue(p->value) + " (" + std::string(toString(p->from.level)) +
                       ", " + p->from.source + " " + p->from.origin;
    if (p->keptFromLastKnownGood) text += "; kept from the last known good policy";
    return text + ")";
}

bool samePolicy(const EffectivePolicy* a, const EffectivePolicy* b) {
    if (!a || !b) return a == b;
    return a->value == b->value && a->from.source == b->from.source &&
           a->from.origin == b->from.origin && a->from.level == b->from.level &&
           a->keptFromLastKnownGood == b->keptFromLastKnownGood;
}

Status addPolicyChanges(const PassReport& current, const PolicySet* previous,
                        const EventDraft& base,
                        const std::function<Status(const EventDraft&)>& out) {
    std::set<std::string> names;
    for (const auto& [name, _] : current.policy.values) names.insert(name);
    if (previous)
        for (const auto& [name, _] : previous->values) names.insert(name);
    for (const auto& name : names) {
        const auto* now = current.policy.find(name);
        const auto* before = previous ? previous->find(name) : nullptr;
        if (samePolicy(now, before)) continue;
        EventDraft e = base;
        e.kind = event_kind::kPolicyChanged;
        e.subject = name;
        e.details = name + ": " + describeSide(before) + " -> " + describeSide(now);
        Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
        data.set("policy", name);
        data.set("old", policySide(before));
        data.set("new", policySide(now));
        e.data = condensed(data);
        if (auto sent = out(e); !sent) return sent;
    }
    return Status::success();
}

const char* kindForChange(const Finding& f) {
    if (f.target == "device-id" && isChange(f.outcome)) return event_kind::kDeviceIdReset;
    switch (f.outcome) {
        case Outcome::Remediated:
            return event_kind::kRemediated;
        case Outcome::DriftRepaired:
            return event_kind::kDriftRepaired;
        case Outcome::Repaired:
            return event_kind::kRepairedMalformedFile;
        case Outcome::Restored:
            return event_kind::kRestored;
        default:
            return nullptr;
    }
}

// A lasting state is reported when it begins (or its reason changes), not at every pass.
const char* kindForState(const Finding& f, const PreviousFinding& before) {
    const bool same = before.present && before.outcome == f.outcome && before.sameReason;
    if (same) return nullptr;
    switch (f.outcome) {
        case Outcome::Failed:
            return event_kind::kFailed;
        case Outcome::Pending:
            return event_kind::kPending;
        case Outcome::NonCompliant:
            return before.present && isCompliantOutcome(before.outcome) ? event_kind::kDriftDetected
                                                                        : event_kind::kNonCompliant;
        default:
            return nullptr;
    }
}

// The details line is for people (it names what was observed and desired); the data holds only
// what tools filter on, so the hashed body stays small.
EventDraft findingEvent(const EventDraft& base, const char* kind, const Finding& f) {
    EventDraft e = base;
    e.kind = kind;
    e.subject = f.user.empty() ? f.subject : f.user + " " + f.subject;
    e.details = f.target + ": " + (f.observed.empty() ? "" : f.observed + " -> ") + f.desired;
    if (!f.reason.empty()) e.details += " (" + f.reason + ")";
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("target", f.target);
    data.set("outcome", std::string(toString(f.outcome)));
    // Another tool's setting (schema 5) names its tool; Metalama's own events stay as they were.
    if (!f.tool.empty()) data.set("tool", f.tool);
    e.data = condensed(data);
    return e;
}

}  // namespace

bool isDeviceIdReset(const Finding& finding) {
    if (!isChange(finding.outcome)) return false;
    if (finding.target == "device-id") return true;
    const auto reason = lowerAscii(finding.reason);
    return reason.find("new deviceid") != std::string::npos ||
           reason.find("device id reset") != std::string::npos;
}

Status forEachPassEvent(const PassReport& current, const PreviousPass* previous, std::int64_t runId,
                        const std::function<Status(const EventDraft&)>& sink) {
    EventDraft base;
    base.at = current.finishedAt.empty() ? current.startedAt : current.finishedAt;
    base.runId = runId;
    if (auto sent = addPolicyChanges(current, previous ? &previous->policy : nullptr, base, sink);
        !sent)
        return sent;
    const PreviousFinding none;
    std::size_t i = 0;
    for (const auto& f : current.findings) {
        const auto& before =
            previous && i < previous->findings.size() ? previous->findings[i] : none;
        ++i;
        // The per-user target resets DeviceIds as part of its write and says so in the reason;
        // when the DeviceId was all that changed, that is the one event.
        const bool reset = isDeviceIdReset(f);
        const char* kind = reset && f.observed == f.desired ? nullptr : kindForChange(f);
        if (!kind && !reset) kind = kindForState(f, before);
        if (kind)
            if (auto sent = sink(findingEvent(base, kind, f)); !sent) return sent;
        if (reset && f.target != "device-id")
            if (auto sent = sink(findingEvent(base, event_kind::kDeviceIdReset, f)); !sent)
                return sent;
    }
    if (!previous || previous->verdict != current.verdict) {
        EventDraft e = base;
        e.kind = event_kind::kVerdictChanged;
        e.details = std::string(previous ? toString(previous->verdict) : "no record") + " -> " +
                    std::string(toString(current.verdict));
        Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
        data.set("old", previous ? Poco::Dynamic::Var(std::string(toString(previous->verdict)))
                                 : Poco::Dynamic::Var());
        data.set("new", std::string(toString(current.verdict)));
        data.set("mode", std::string(toString(current.mode)));
        e.data = condensed(data);
        if (auto sent = sink(e); !sent) return sent;
    }
    return Status::success();
}

std::vector<EventDraft> eventsForPass(const PassReport& current, const PassReport* previous,
                                      std::int64_t runId) {
    // What the previous pass had for each subject, as the store works it out while recording.
    std::vector<PreviousFinding> before(current.findings.size());
    if (previous) {
        std::map<std::pair<std::string, std::string>, std::pair<Outcome, std::string>> bySubject;
        for (const auto& f : previous->findings)
            bySubject[{f.target, f.subject}] = {f.outcome, f.reason};
        std::size_t i = 0;
        for (const auto& f : current.findings) {
            const auto it = bySubject.find({f.target, f.subject});
            if (it != bySubject.end())
                before[i] = {it->second.first, true, it->second.second == f.reason};
            ++i;
        }
    }
    std::vector<EventDraft> out;
    const auto collect = [&](const EventDraft& e) {
        out.push_back(e);
        return Status::success();
    };
    if (previous) {
        const PreviousPass last{previous->policy, previous->verdict, before};
        forEachPassEvent(current, &last, runId, collect);
    } else {
        forEachPassEvent(current, nullptr, runId, collect);
    }
    return out;
}

}  // namespace mpa
