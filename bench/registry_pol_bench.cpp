// Registry.pol parse throughput. Writes a synthetic GPO file of a given size (a mix of the value
// types and commands real GPOs carry, with a Metalama value every 1,000 records) and times, each
// as the median of N runs with the result freed outside the timer:
//   index: indexRegistryPol, the zero-copy list of every record (framing checked, nothing decoded);
//   service: parseMetalamaRecords, the index plus decoding the records of the Metalama keys (what
//            the agent does with a GPO file);
//   full: parseRegistryPol, every name and value decoded to UTF-8 and typed (`gpo inspect`);
//   apply: applyRegistryPol on the full parse.
//   registry_pol_bench --write FILE [--mb 10]     generate the file
//   registry_pol_bench FILE [--repeat 20]         time parsing it; prints MB/s
// bench/registry_pol_vs_samba.sh runs both, then Samba's Python parser on the same file.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "policy/definitions.hpp"
#include "sources/gpo_file_source.hpp"
#include "sources/registry_pol.hpp"

namespace {

void utf16(std::string& out, const std::string& ascii) {
    for (const char c : ascii) {
        out += c;
        out += '\0';
    }
}

void dword(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void record(std::string& out, const std::string& key, const std::string& name, std::uint32_t type,
            const std::string& data) {
    utf16(out, "[" + key);
    out.append(2, '\0');
    utf16(out, ";" + name);
    out.append(2, '\0');
    utf16(out, ";");
    dword(out, type);
    utf16(out, ";");
    dword(out, static_cast<std::uint32_t>(data.size()));
    utf16(out, ";");
    out += data;
    utf16(out, "]");
}

std::string sz(const std::string& text) {
    std::string out;
    utf16(out, text);
    out.append(2, '\0');
    return out;
}

std::string generate(std::size_t targetBytes) {
    std::string out("PReg\x01\x00\x00\x00", 8);
    std::string four;
    for (std::uint32_t i = 0; out.size() < targetBytes; ++i) {
        const std::string key = "Software\\Policies\\Vendor" + std::to_string(i % 97) +
                                "\\Product\\Setting" + std::to_string(i % 1013);
        four.clear();
        dword(four, i);
        if (i % 1000 == 0) {
            record(out, "Software\\Policies\\PostSharp\\Metalama", "TelemetryOptOut",
                   mpa::kRegDword, four);
            continue;
        }
        switch (i % 6) {
            case 0:
                record(out, key, "Enabled" + std::to_string(i), mpa::kRegDword, four);
                break;
            case 1:
                record(out, key, "Server" + std::to_string(i), mpa::kRegSz,
                       sz("https://server" + std::to_string(i) + ".example.com/path"));
                break;
            case 2:
                record(out, key, "Path" + std::to_string(i), mpa::kRegExpandSz,
                       sz("%ProgramFiles%\\Vendor\\" + std::to_string(i)));
                break;
            case 3:
                record(out, key, "**delvals.", mpa::kRegSz, sz(" "));
                record(out, key, "List" + std::to_string(i), mpa::kRegMultiSz,
                       sz("alpha") + sz("beta") + sz("gamma") + std::string(2, '\0'));
                break;
            case 4:
                record(out, key, "Blob" + std::to_string(i), mpa::kRegBinary,
                       std::string(32, static_cast<char>(i)));
                break;
            default:
                record(out, key, "**del.Old" + std::to_string(i), mpa::kRegSz, sz(" "));
        }
    }
    return out;
}

int usage() {
    std::cerr << "usage: registry_pol_bench --write FILE [--mb N] | FILE [--repeat N]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 2 && args[0] == "--write") {
        double mb = 10;
        if (args.size() == 4 && args[2] == "--mb") mb = std::stod(args[3]);
        const auto bytes = generate(static_cast<std::size_t>(mb * 1024 * 1024));
        std::ofstream(args[1], std::ios::binary) << bytes;
        std::cout << "wrote " << args[1] << ": " << bytes.size() << " bytes\n";
        return 0;
    }
    if (args.empty()) return usage();
    int repeat = 20;
    if (args.size() == 3 && args[1] == "--repeat") repeat = std::max(1, std::stoi(args[2]));
    std::ifstream in(args[0], std::ios::binary);
    if (!in) return usage();
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    const double mb = static_cast<double>(bytes.size()) / (1024.0 * 1024.0);

    using Clock = std::chrono::steady_clock;
    const auto& catalog = mpa::builtinCatalog();
    // Median seconds of `repeat` runs of `run`, which returns what it built so that freeing it
    // happens after the clock stops.
    const auto time = [&](auto run, auto* keep) {
        std::vector<double> seconds;
        for (int i = 0; i < repeat; ++i) {
            const auto t0 = Clock::now();
            *keep = run();
            seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
            *keep = {};
        }
        std::sort(seconds.begin(), seconds.end());
        return seconds[seconds.size() / 2];
    };
    mpa::PregIndex index;
    mpa::PregFile file;
    mpa::PregState state;
    const double indexS = time([&] { return mpa::indexRegistryPol(bytes); }, &index);
    const double serviceS = time([&] { return mpa::parseMetalamaRecords(catalog, bytes); }, &file);
    const auto ours = mpa::parseMetalamaRecords(catalog, bytes).records.size();
    const double fullS = time([&] { return mpa::parseRegistryPol(bytes); }, &file);
    const auto full = mpa::parseRegistryPol(bytes);
    const double applyS = time([&] { return mpa::applyRegistryPol(full); }, &state);
    const auto keys = mpa::applyRegistryPol(full).keys.size();
    std::printf(
        "file: %.2f MB, %zu records (%zu of them for the Metalama keys), %zu errors, %zu "
        "keys after commands; medians of %d runs\n",
        mb, full.records.size(), ours, full.errors.size(), keys, repeat);
    const auto line = [&](const char* what, double s) {
        std::printf("%-8s median %7.2f ms = %7.1f MB/s\n", what, s * 1000, mb / s);
    };
    line("index", indexS);
    line("service", serviceS);
    line("full", fullS);
    line("apply", applyS);
    std::printf("RESULT index_mb_s=%.2f service_mb_s=%.2f full_mb_s=%.2f\n", mb / indexS,
                mb / serviceS, mb / fullS);
    return full.errors.empty() ? 0 : 1;
}
