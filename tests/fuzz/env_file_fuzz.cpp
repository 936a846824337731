// libFuzzer target for the environment-file reader (/etc/environment and /etc/zshenv lines),
// driven through the real target on a scratch root: any bytes as the file, then enforce and
// revert. Invariants: no crash or undefined behaviour; after an enforce that changed it the file
// holds the agent's line exactly once; after a successful revert of a change it made, the file is
// byte for byte what it was.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "model/ledger.hpp"
#include "targets/env_line_file.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

// Never destroyed: the exit handler that removes the directory runs after static destructors.
const std::string& scratchRoot() {
    static const std::string* root = [] {
        char templ[] = "/tmp/mpa-env-fuzz.XXXXXX";
        check(::mkdtemp(templ) != nullptr);
        auto* dir = new std::string(templ);
        check(::mkdir((*dir + "/etc").c_str(), 0755) == 0);
        std::atexit([] { std::filesystem::remove_all(scratchRoot()); });
        return dir;
    }();
    return *root;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::size_t countLines(const std::string& text, const std::string& line) {
    std::size_t count = 0, start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        auto current = text.substr(start, end - start);
        if (!current.empty() && current.back() == '\r') current.pop_back();
        if (current == line) ++count;
        start = end + 1;
    }
    return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto path = scratchRoot() + "/etc/environment";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << input;
    }
    mpa::AgentContext context;
    context.settings.root = scratchRoot();
    context.platform = mpa::PlatformProfile::Linux;
    mpa::MemoryLedger ledger;
    const std::string ours = "METALAMA_TELEMETRY_OPT_OUT=1";
    auto target = mpa::makeEnvLineTarget(
        {"etc-environment", "/etc/environment", "METALAMA_TELEMETRY_OPT_OUT", "1"});
    mpa::DesiredState desired;
    desired.managed = true;
    desired.environment.push_back(
        {"METALAMA_TELEMETRY_OPT_OUT", "1", mpa::kMetalamaTool, "TelemetryOptOut"});
    mpa::TargetRun run{context, ledger, mpa::RunMode::Enforce};
    const auto enforced = target->reconcile(run, desired);
    if (enforced.empty() || enforced[0].outcome == mpa::Outcome::Failed) return 0;
    // Compliant leaves the file as it is (the value may be spelled `KEY = "1"`); a change
    // leaves exactly one assignment, the agent's own line.
    const bool changed = enforced[0].outcome != mpa::Outcome::Compliant;
    if (changed) check(countLines(readAll(path), ours) == 1);
    const auto reverted = target->revert(run);
    if (!changed || reverted.empty() || reverted[0].outcome != mpa::Outcome::Restored) return 0;
    check(readAll(path) == input);
    return 0;
}
