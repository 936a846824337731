#include "targets/json_settings_key.hpp"

#include "util/json_document.hpp"

namespace mpa {
namespace {

bool isBlank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// An object of the document: where it is ('{' to one past '}') and its members, all offsets in
// the whole text.
struct ObjectAt {
    std::size_t begin = 0, end = 0;
    std::vector<json::MemberRange> members;
};

// The objects from the top down to the member of `path` that is missing or last: objects[i]
// holds path[i], found[i] its member index there.
struct Walk {
    std::vector<ObjectAt> objects;
    std::vector<std::size_t> found;
};

std::string prefixOf(const std::vector<std::string>& path, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += (i ? "." : "") + path[i];
    return out;
}

Status parseAt(std::string_view text, std::size_t begin, std::size_t end, ObjectAt* out) {
    json::ParseError error;
    auto members = json::parseObjectRanges(text.substr(begin, end - begin), &error);
    if (!members) return Status::failure("not valid JSON: " + error.describe());
    out->begin = text.find('{', begin);
    out->end = text.find_last_of('}', end - 1) + 1;
    for (auto& m : *members) {
        m.keyBegin += begin;
        m.valueBegin += begin;
        m.valueEnd += begin;
    }
    out->members = std::move(*members);
    return Status::success();
}

Status walk(std::string_view text, const std::vector<std::string>& path, Walk* out) {
    if (path.empty()) return Status::failure("empty key");
    if (isBlank(text)) return Status::success();
    ObjectAt object;
    if (auto status = parseAt(text, 0, text.size(), &object); !status) return status;
    for (std::size_t i = 0; i < path.size(); ++i) {
        out->objects.push_back(object);
        const auto& members = out->objects.back().members;
        std::size_t index = members.size();
        for (std::size_t m = 0; m < members.size(); ++m)
            if (members[m].key == path[i]) index = m;  // the last repeat counts
        if (index == members.size()) break;
        out->found.push_back(index);
        if (i + 1 == path.size()) break;
        const auto& member = members[index];
        if (text[member.valueBegin] != '{')
            return Status::failure(prefixOf(path, i + 1) + " is not an object");
        if (auto status = parseAt(text, member.valueBegin, member.valueEnd, &object); !status)
            return status;
    }
    return Status::success();
}

std::string lineIndent(std::string_view text, std::size_t pos) {
    const auto nl = text.rfind('\n', pos);
    const auto start = nl == std::string_view::npos ? 0 : nl + 1;
    auto end = start;
    while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
    return std::string(text.substr(start, end - start));
}

bool sameLine(std::string_view text, std::size_t a, std::size_t b) {
    return text.substr(a, b - a).find('\n') == std::string_view::npos;
}

// "name": value, where value holds the objects still to create down to the key itself.
std::string memberText(const std::vector<std::string>& path, std::size_t k, std::string_view raw,
                       const std::string& indent, const std::string& unit, const std::string& nl) {
    std::string out = json::quote(path[k]) + ": ";
    if (k + 1 == path.size()) return out + std::string(raw);
    return out + "{" + nl + indent + unit + memberText(path, k + 1, raw, indent + unit, unit, nl) +
           nl + indent + "}";
}

}  // namespace

Status readJsonKey(std::string_view text, const std::vector<std::string>& path,
                   std::optional<std::string>* raw) {
    Walk w;
    if (auto status = walk(text, path, &w); !status) return status;
    raw->reset();
    if (w.found.size() == path.size()) {
        const auto& m = w.objects.back().members[w.found.back()];
        *raw = std::string(text.substr(m.valueBegin, m.valueEnd - m.valueBegin));
    }
    return Status::success();
}

Status setJsonKey(std::string* text, const std::vector<std::string>& path,
                  std::string_view rawValue, std::size_t* firstCreated) {
    Walk w;
    if (auto status = walk(*text, path, &w); !status) return status;
    const std::string nl = text->find("\r\n") != std::string::npos ? "\r\n" : "\n";
    const auto found = w.found.size();
    *firstCreated = found;
    if (found == path.size()) {
        const auto& m = w.objects.back().members[w.found.back()];
        text->replace(m.valueBegin, m.valueEnd - m.valueBegin, rawValue);
        return Status::success();
    }
    // The indentation step the file uses (its top level's), else two spaces as the tools write.
    std::string unit = "  ";
    if (!w.objects.empty()) {
        const auto& top = w.objects.front();
        if (!top.members.empty() && !sameLine(*text, top.begin, top.members.front().keyBegin) &&
            !lineIndent(*text, top.members.front().keyBegin).empty())
            unit = lineIndent(*text, top.members.front().keyBegin);
    }
    if (w.objects.empty()) {  // no file yet, or an empty one
        *text = "{" + nl + unit + memberText(path, 0, rawValue, unit, unit, nl) + nl + "}" + nl;
        return Status::success();
    }
    const auto& object = w.objects[found];
    if (object.members.empty()) {
        const auto outer = lineIndent(*text, object.begin);
        const auto indent = outer + unit;
        text->replace(object.begin, object.end - object.begin,
                      "{" + nl + indent + memberText(path, found, rawValue, indent, unit, nl) + nl +
                          outer + "}");
        return Status::success();
    }
    const auto& first = object.members.front();
    const auto& last = object.members.back();
    if (sameLine(*text, object.begin, first.keyBegin)) {  // {"a": 1, "b": 2}
        const auto indent = lineIndent(*text, first.keyBegin) + unit;
        text->insert(last.valueEnd, ", " + memberText(path, found, rawValue, indent, unit, nl));
        return Status::success();
    }
    const auto indent = lineIndent(*text, first.keyBegin);
    text->insert(last.valueEnd,
                 "," + nl + indent + memberText(path, found, rawValue, indent, unit, nl));
    return Status::success();
}

Status removeJsonKey(std::string* text, const std::vector<std::string>& path,
                     std::size_t firstCreated) {
    Walk w;
    if (auto status = walk(*text, path, &w); !status) return status;
    if (w.found.size() != path.size()) return Status::success();
    // The outermost object the agent created goes as a whole while it holds only the way down.
    auto level = path.size() - 1;
    if (firstCreated < level) {
        bool onlyTheWayDown = true;
        for (auto i = firstCreated + 1; i <= level; ++i)
            onlyTheWayDown = onlyTheWayDown && w.objects[i].members.size() == 1;
        if (onlyTheWayDown) level = firstCreated;
    }
    const auto& members = w.objects[level].members;
    const auto j = w.found[level];
    if (members.size() == 1) {
        const auto& object = w.objects[level];
        text->erase(object.begin + 1, object.end - 1 - (object.begin + 1));
    } else if (j > 0) {
        text->erase(members[j - 1].valueEnd, members[j].valueEnd - members[j - 1].valueEnd);
    } else {
        text->erase(members[0].keyBegin, members[1].keyBegin - members[0].keyBegin);
    }
    return Status::success();
}

bool isEmptyJsonObject(std::string_view text) {
    const auto members = json::parseObjectRanges(text, nullptr);
    return members && members->empty();
}

std::string jsonValueFor(std::string_view catalogValue) {
    if (!catalogValue.empty() && json::validate(catalogValue, nullptr))
        return std::string(catalogValue);
    return json::quote(catalogValue);
}

}  // namespace mpa
