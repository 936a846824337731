#include "targets/effective_value_target.hpp"

#include <filesystem>

#include "platform/safe_fs.hpp"
#include "targets/environment_variables.hpp"
#include "targets/target_common.hpp"

namespace mpa {
namespace {

// Directories in the reader's precedence order: a name in an earlier one hides the same name in
// a later one.
const std::vector<std::string> kEnvironmentDDirs = {"/etc/environment.d", "/run/environment.d",
                                                    "/usr/local/lib/environment.d",
                                                    "/usr/lib/environment.d"};
const std::vector<std::string> kSystemConfDirs = {
    "/etc/systemd/system.conf.d", "/run/systemd/system.conf.d",
    "/usr/local/lib/systemd/system.conf.d", "/usr/lib/systemd/system.conf.d"};
constexpr const char* kProfileD = "/etc/profile.d";

std::string baseName(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
}

// One file the reader reads. Distribution drop-ins are often links (Debian's
// /usr/lib/environment.d/99-environment.conf -> /etc/environment; a link to /dev/null masks a
// name): a link is resolved once, under the root, and read, never written.
std::optional<EnvSourceFile> readSource(const AgentContext& context, const std::string& logical,
                                        Status* status) {
    std::string path = logical;
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(context.resolve(logical), ec);
    if (!ec) {
        const std::string t = target.generic_string();
        if (t == "/dev/null") return EnvSourceFile{logical, ""};
        path = !t.empty() && t.front() == '/' ? t : logical.substr(0, logical.rfind('/') + 1) + t;
    }
    const auto read = platform::readFileNoFollow(context.resolve(path), kMaxEtcFileBytes);
    if (read.missing) return std::nullopt;
    if (!read.status) {
        if (status && *status) *status = read.status;  // the first file that failed
        return std::nullopt;
    }
    return EnvSourceFile{logical, read.data};
}

std::vector<std::string> namesIn(const AgentContext& context, const std::string& dir) {
    bool missing = false;
    auto opened = platform::SafeDir::open(context.resolve(dir), nullptr, &missing);
    if (!opened) return {};
    return opened->list(nullptr);
}

std::vector<EnvSourceFile> dropIns(const AgentContext& context,
                                   const std::vector<std::string>& dirs, const std::string& suffix,
                                   Status* status) {
    std::vector<std::vector<std::string>> names;
    names.reserve(dirs.size());
    for (const auto& dir : dirs) names.push_back(namesIn(context, dir));
    std::vector<EnvSourceFile> files;
    for (const auto& entry : systemdDropInOrder(names, suffix))
        if (auto f = readSource(context, dirs[entry.dir] + "/" + entry.name, status))
            files.push_back(std::move(*f));
    return files;
}

std::string describeValue(const EffectiveValue& v, const std::string& key) {
    if (!v.value) return key + " unset";
    return key + "=" + *v.value + (v.computed ? " (an expression)" : "");
}

// Metalama opts out with any value but 0 and false; another tool's opt-out is the exact value its
// catalog entry documents.
bool optsOut(const EffectiveValue& v, const EnvironmentAssignment& variable) {
    if (isMetalamaVariable(variable.name)) return optsOutEverywhere(v);
    return v.value && !v.computed && *v.value == variable.value;
}

const char* whoGetsIt(EnvironmentReader reader) {
    switch (reader) {
        case EnvironmentReader::PamEnv:
            return "PAM logins (console, ssh, su -l, display managers)";
        case EnvironmentReader::UserManager:
            return "systemd user sessions";
        case EnvironmentReader::SystemManager:
            return "system services";
        case EnvironmentReader::LoginShell:
            return "login shells";
    }
    return "";
}

class EffectiveValueTarget final : public Target {
  public:
    EffectiveValueTarget(std::unique_ptr<Target> inner, EnvironmentReader reader, std::string ours)
        : inner_(std::move(inner)), reader_(reader), ours_(std::move(ours)) {}
    std::string name() const override { return inner_->name(); }
    bool stagesWrites() const override { return inner_->stagesWrites(); }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        wanted_ = desired.environment;
        auto findings = inner_->reconcile(run, desired);
        // Staged: judged once the files are written.
        if (run.shareWrites && inner_->stagesWrites()) return findings;
        return judged(run, findings);
    }
    FindingLog settle(TargetRun& run) override { return judged(run, inner_->settle(run)); }
    FindingLog revert(TargetRun& run) override { return inner_->revert(run); }
    // The inner target watches its file and the directory holding it, which is where other
    // drop-ins of the same mechanism appear (environment.d, system.conf.d, profile.d); the
    // reader's other places are read at every pass.
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return inner_->watchPaths(context);
    }

  private:
    // A drop-in's few findings, judged in place.
    FindingLog judged(const TargetRun& run, const FindingLog& log) const {
        auto findings = log.toVector();
        for (const auto& variable : wanted_) {
            const std::string subject = variableSubject(ours_, variable.name);
            for (auto& f : findings)
                if (f.subject == subject) judge(run, f, variable);
        }
        return findings;
    }
    // Only a file that is in place can be judged on what its reader makes of it; a dry run or
    // an audit already reports the file itself as not compliant.
    void judge(const TargetRun& run, Finding& f, const EnvironmentAssignment& variable) const {
        if (!isCompliantOutcome(f.outcome) && f.outcome != Outcome::Pending) return;
        Status read;
        const auto v = readEffectiveValue(run.context, reader_, ours_, &read, variable.name);
        if (optsOut(v, variable)) return;
        const bool ourLine = v.origin.rfind(ours_ + ":", 0) == 0;
        const std::string value = describeValue(v, variable.name);
        f.outcome = Outcome::NonCompliant;
        f.observed =
            "effective " + value + (v.origin.empty() ? std::string() : " from " + v.origin);
        f.reason = std::string(whoGetsIt(reader_)) + " get " + value +
                   (v.origin.empty() || ourLine ? std::string()
                                                : ": overridden by " + v.origin +
                                                      ", which the reader applies after " + ours_) +
                   (!v.value || v.computed ? std::string()
                    : isMetalamaVariable(variable.name)
                        ? " (0 and false do not opt out from Metalama 2025.1)"
                        : " (the opt-out is " + variable.name + "=" + variable.value + ")") +
                   (read ? std::string() : "; not read: " + read.error);
    }

    std::unique_ptr<Target> inner_;
    EnvironmentReader reader_;
    std::string ours_;
    std::vector<EnvironmentAssignment> wanted_;  // this pass's, for settle
};

}  // namespace

EffectiveValue readEffectiveValue(const AgentContext& context, EnvironmentReader reader,
                                  const std::string& ours, Status* status, const std::string& key) {
    switch (reader) {
        case EnvironmentReader::PamEnv: {
            PamEnvFiles files;
            files.environment = readSource(context, "/etc/environment", status);
            files.conf = readSource(context, "/etc/security/pam_env.conf", status);
            files.locale = readSource(context, "/etc/default/locale", status);
            return pamEnvValue(files, key);
        }
        case EnvironmentReader::UserManager:
            return environmentDValue(dropIns(context, kEnvironmentDDirs, ".conf", status), key);
        case EnvironmentReader::SystemManager: {
            std::vector<EnvSourceFile> files;
            if (auto main = readSource(context, "/etc/systemd/system.conf", status))
                files.push_back(std::move(*main));
            for (auto& f : dropIns(context, kSystemConfDirs, ".conf", status))
                files.push_back(std::move(f));
            return systemdDefaultEnvironmentValue(files, key);
        }
        case EnvironmentReader::LoginShell: {
            // Scripts that may run after ours (in any locale's glob order) follow it; the others
            // ran before and cannot override it.
            const std::string oursName = baseName(ours);
            std::vector<EnvSourceFile> before, after;
            std::optional<EnvSourceFile> mine;
            for (const auto& name : namesIn(context, kProfileD)) {
                if (name.size() < 4 || name.compare(name.size() - 3, 3, ".sh") != 0) continue;
                auto f = readSource(context, std::string(kProfileD) + "/" + name, status);
                if (!f) continue;
                if (name == oursName)
                    mine = std::move(f);
                else
                    (mayRunAfter(name, oursName) ? after : before).push_back(std::move(*f));
            }
            if (mine) before.push_back(std::move(*mine));
            for (auto& f : after) before.push_back(std::move(f));
            return profileDValue(before, key);
        }
    }
    return {};
}

std::unique_ptr<Target> withEffectiveValue(std::unique_ptr<Target> inner, EnvironmentReader reader,
                                           std::string ours) {
    return std::make_unique<EffectiveValueTarget>(std::move(inner), reader, std::move(ours));
}

}  // namespace mpa
