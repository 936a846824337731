#include "util/plist_tree.hpp"

#ifdef MPA_HAVE_PLIST
#include <plist/plist.h>

#include <cstdint>
#include <cstdlib>
#include <limits>

namespace mpa::plist {
namespace {

constexpr char kBinaryMagic[] = "bplist00";

std::string takeString(char* text) {
    std::string out = text ? text : "";
    std::free(text);
    return out;
}

}  // namespace

void TreeDeleter::operator()(void* root) const {
    plist_free(static_cast<plist_t>(root));
}

Tree parse(std::string_view data, Status* status) {
    if (data.size() > std::numeric_limits<uint32_t>::max()) {
        *status = Status::failure("too large for a property list");
        return nullptr;
    }
    plist_t root = nullptr;
    const auto size = static_cast<uint32_t>(data.size());
    const bool binary = data.substr(0, 8) == std::string_view(kBinaryMagic, 8);
    // plist_from_memory guesses by the same magic; choosing here gives a precise message.
    if (binary)
        plist_from_bin(data.data(), size, &root);
    else
        plist_from_xml(data.data(), size, &root);
    if (!root)
        *status =
            Status::failure(binary ? "not a readable binary property list (truncated or corrupt)"
                                   : "not a readable XML property list");
    return Tree(root);
}

bool isDict(Node node) {
    return node && plist_get_node_type(static_cast<plist_t>(node)) == PLIST_DICT;
}

std::vector<std::pair<std::string, Node>> dictEntries(Node dict) {
    std::vector<std::pair<std::string, Node>> out;
    if (!isDict(dict)) return out;
    auto* d = static_cast<plist_t>(dict);
    plist_dict_iter it = nullptr;
    plist_dict_new_iter(d, &it);
    for (;;) {
        char* key = nullptr;
        plist_t value = nullptr;
        plist_dict_next_item(d, it, &key, &value);
        if (!key) break;
        out.emplace_back(takeString(key), value);
    }
    std::free(it);
    return out;
}

Node dictItem(Node dict, const std::string& key) {
    if (!isDict(dict)) return nullptr;
    return plist_dict_get_item(static_cast<plist_t>(dict), key.c_str());
}

std::vector<Node> arrayItems(Node array) {
    std::vector<Node> out;
    auto* a = static_cast<plist_t>(array);
    if (!a || plist_get_node_type(a) != PLIST_ARRAY) return out;
    const auto size = plist_array_get_size(a);
    for (uint32_t i = 0; i < size; ++i) out.push_back(plist_array_get_item(a, i));
    return out;
}

std::optional<std::string> stringValue(Node node) {
    auto* n = static_cast<plist_t>(node);
    if (!n || plist_get_node_type(n) != PLIST_STRING) return std::nullopt;
    // By pointer and length: plist_get_string_val asserts (aborts the process) on a string that
    // holds a NUL character, which a malformed file can carry (found by tests/fuzz/plist_fuzz).
    std::uint64_t length = 0;
    const char* text = plist_get_string_ptr(n, &length);
    if (!text) return std::string();
    return std::string(text, static_cast<std::size_t>(length));
}

std::string typeName(Node node) {
    switch (plist_get_node_type(static_cast<plist_t>(node))) {
        case PLIST_BOOLEAN:
            return "boolean";
        case PLIST_UINT:
            return "integer";
        case PLIST_REAL:
            return "real";
        case PLIST_STRING:
            return "string";
        case PLIST_ARRAY:
            return "array";
        case PLIST_DICT:
            return "dictionary";
        case PLIST_DATE:
            return "date";
        case PLIST_DATA:
            return "data";
        case PLIST_KEY:
            return "key";
        case PLIST_UID:
            return "UID";
        default:
            return "unknown plist type";
    }
}

std::optional<bool> boolValue(Node node) {
    auto* n = static_cast<plist_t>(node);
    if (!n || plist_get_node_type(n) != PLIST_BOOLEAN) return std::nullopt;
    uint8_t value = 0;
    plist_get_bool_val(n, &value);
    return value != 0;
}

std::optional<std::int64_t> integerValue(Node node) {
    auto* n = static_cast<plist_t>(node);
    if (!n || plist_get_node_type(n) != PLIST_UINT) return std::nullopt;
    uint64_t value = 0;
    plist_get_uint_val(n, &value);
    return static_cast<std::int64_t>(value);
}

std::optional<double> realValue(Node node) {
    auto* n = static_cast<plist_t>(node);
    if (!n || plist_get_node_type(n) != PLIST_REAL) return std::nullopt;
    double value = 0;
    plist_get_real_val(n, &value);
    return value;
}

}  // namespace mpa::plist
#endif  // MPA_HAVE_PLIST
