// Registry.pol parse throughput. Writes a synthetic GPO file of a given size (a mix of the value
// types and commands real GPOs carry) and times parseRegistryPol (and applyRegistryPol) on it.
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
    std::vector<double> parseSeconds, applySeconds;
    std::size_t records = 0, errors = 0, keys = 0;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = Clock::now();
        const auto file = mpa::parseRegistryPol(bytes);
        const auto t1 = Clock::now();
        const auto state = mpa::applyRegistryPol(file);
        const auto t2 = Clock::now();
        parseSeconds.push_back(std::chrono::duration<double>(t1 - t0).count());
        applySeconds.push_back(std::chrono::duration<double>(t2 - t1).count());
        records = file.records.size();
        errors = file.errors.size();
        keys = state.keys.size();
    }
    std::sort(parseSeconds.begin(), parseSeconds.end());
    std::sort(applySeconds.begin(), applySeconds.end());
    const double parseMedian = parseSeconds[parseSeconds.size() / 2];
    const double applyMedian = applySeconds[applySeconds.size() / 2];
    std::printf("file: %.2f MB, %zu records, %zu errors, %zu keys after commands\n", mb, records,
                errors, keys);
    std::printf("parse: median %.1f ms over %d runs = %.1f MB/s (best %.1f MB/s)\n",
                parseMedian * 1000, repeat, mb / parseMedian, mb / parseSeconds.front());
    std::printf("parse + apply: median %.1f ms = %.1f MB/s\n", (parseMedian + applyMedian) * 1000,
                mb / (parseMedian + applyMedian));
    std::printf("RESULT ours_parse_mb_s=%.2f\n", mb / parseMedian);
    return errors == 0 ? 0 : 1;
}
