#include "targets/prior_record.hpp"

namespace mpa {

std::string PriorRecord::field(std::string_view name) const {
    for (const auto& [n, v] : fields)
        if (n == name) return v;
    return {};
}

void PriorRecord::setField(std::string name, std::string value) {
    for (auto& [n, v] : fields)
        if (n == name) {
            v = std::move(value);
            return;
        }
    fields.emplace_back(std::move(name), std::move(value));
}

std::string encodePriorRecord(const PriorRecord& record) {
    std::string out;
    for (const auto& [name, value] : record.fields) out += name + ": " + value + "\n";
    out += "\n";
    out += record.body;
    return out;
}

Status decodePriorRecord(std::string_view text, PriorRecord* out) {
    PriorRecord record;
    std::size_t pos = 0;
    for (;;) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            return Status::failure("prior-state record has no header end");
        }
        const auto line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) break;
        const auto colon = line.find(": ");
        if (colon == std::string_view::npos) {
            return Status::failure("prior-state record has a malformed field: " +
                                   std::string(line));
        }
        record.fields.emplace_back(std::string(line.substr(0, colon)),
                                   std::string(line.substr(colon + 2)));
    }
    record.body = std::string(text.substr(pos));
    *out = std::move(record);
    return Status::success();
}

std::string joinPaths(const std::vector<std::string>& paths) {
    std::string out;
    for (const auto& p : paths) {
        if (!out.empty()) out += '\t';
        out += p;
    }
    return out;
}

std::vector<std::string> splitPaths(std::string_view joined) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < joined.size()) {
        auto tab = joined.find('\t', start);
        if (tab == std::string_view::npos) tab = joined.size();
        if (tab > start) out.emplace_back(joined.substr(start, tab - start));
        start = tab + 1;
    }
    return out;
}

}  // namespace mpa
