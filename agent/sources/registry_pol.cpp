#include "sources/registry_pol.hpp"

#include <algorithm>
#include <cstdio>

#include "util/text.hpp"
#include "util/utf8.hpp"

namespace mpa {

std::string registryTypeName(std::uint32_t type) {
    switch (type) {
        case kRegNone:
            return "REG_NONE";
        case kRegSz:
            return "REG_SZ";
        case kRegExpandSz:
            return "REG_EXPAND_SZ";
        case kRegBinary:
            return "REG_BINARY";
        case kRegDword:
            return "REG_DWORD";
        case kRegDwordBigEndian:
            return "REG_DWORD_BIG_ENDIAN";
        case kRegLink:
            return "REG_LINK";
        case kRegMultiSz:
            return "REG_MULTI_SZ";
        case kRegQword:
            return "REG_QWORD";
        default:
            break;
    }
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "type 0x%x", type);
    return buffer;
}

std::string_view toString(PregCommand command) {
    switch (command) {
        case PregCommand::None:
            return "";
        case PregCommand::CreateKey:
            return "create key";
        case PregCommand::DeleteValue:
            return "delete value";
        case PregCommand::DeleteAllValues:
            return "delete all values";
        case PregCommand::DeleteValues:
            return "delete values";
        case PregCommand::DeleteKeys:
            return "delete keys";
        case PregCommand::SecureKey:
            return "secure key";
        case PregCommand::Unknown:
            return "unknown command";
    }
    return "";
}

namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string hexBytes(const std::vector<std::uint8_t>& bytes) {
    std::string out = "hex:";
    char buffer[4];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(buffer, sizeof buffer, "%02x", static_cast<unsigned>(bytes[i]));
        if (i) out += ' ';
        out += buffer;
    }
    return out;
}

}  // namespace

std::string RegistryData::describe() const {
    if (!decoded || type == kRegBinary || type == kRegNone) return hexBytes(bytes);
    if (isInteger()) return std::to_string(number);
    if (type == kRegMultiSz) {
        std::string out = "[";
        for (std::size_t i = 0; i < strings.size(); ++i)
            out += (i ? ", " : "") + quoted(strings[i]);
        return out + "]";
    }
    if (isString() || type == kRegLink) return quoted(text);
    return hexBytes(bytes);
}

std::string PregError::describe() const {
    return "offset " + std::to_string(offset) + ": " + message;
}

namespace {

constexpr std::uint16_t kOpenBracket = u'[';
constexpr std::uint16_t kCloseBracket = u']';
constexpr std::uint16_t kSemicolon = u';';

// Decodes `count` UTF-16LE code units starting at bytes[begin] (the caller has checked the
// bounds). An unpaired surrogate becomes U+FFFD and an error naming its file offset.
std::string decodeUtf16(std::string_view bytes, std::size_t begin, std::size_t count,
                        std::size_t fileOffset, const char* what, std::vector<PregError>& errors) {
    const auto unit = [&](std::size_t i) {
        const auto lo = static_cast<unsigned char>(bytes[begin + 2 * i]);
        const auto hi = static_cast<unsigned char>(bytes[begin + 2 * i + 1]);
        return static_cast<std::uint16_t>(lo | (hi << 8));
    };
    std::string out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint16_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < count) {
            const std::uint16_t next = unit(i + 1);
            if (next >= 0xDC00 && next <= 0xDFFF) {
                appendUtf8(&out, 0x10000u + ((u - 0xD800u) << 10) + (next - 0xDC00u));
                ++i;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "%04X", static_cast<unsigned>(u));
            errors.push_back({fileOffset + 2 * i, std::string("unpaired UTF-16 surrogate 0x") +
                                                      buffer + " in the " + what +
                                                      "; replaced with U+FFFD"});
            appendUtf8(&out, 0xFFFD);
            continue;
        }
        appendUtf8(&out, u);
    }
    return out;
}

class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    std::size_t pos() const { return pos_; }
    std::size_t left() const { return bytes_.size() - pos_; }
    bool atEnd() const { return pos_ >= bytes_.size(); }

    bool unit(std::uint16_t* out) {
        if (left() < 2) return false;
        *out = static_cast<std::uint16_t>(byteAt(pos_) | (byteAt(pos_ + 1) << 8));
        pos_ += 2;
        return true;
    }
    bool dword(std::uint32_t* out) {
        if (left() < 4) return false;
        *out = static_cast<std::uint32_t>(byteAt(pos_)) |
               static_cast<std::uint32_t>(byteAt(pos_ + 1)) << 8 |
               static_cast<std::uint32_t>(byteAt(pos_ + 2)) << 16 |
               static_cast<std::uint32_t>(byteAt(pos_ + 3)) << 24;
        pos_ += 4;
        return true;
    }
    void skip(std::size_t n) { pos_ += n; }
    std::string_view bytes() const { return bytes_; }

  private:
    unsigned byteAt(std::size_t i) const { return static_cast<unsigned char>(bytes_[i]); }
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

std::string describeUnit(std::uint16_t u) {
    if (u >= 0x20 && u < 0x7F) return std::string("'") + static_cast<char>(u) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(u));
    return buffer;
}

// Framing errors stop the parse; this carries the message and offset up.
struct Stop {
    std::size_t offset;
    std::string message;
};

bool expectUnit(Reader& r, std::uint16_t expected, const char* where, Stop* stop) {
    const auto at = r.pos();
    std::uint16_t u = 0;
    if (!r.unit(&u)) {
        *stop = {at, std::string("truncated record: the file ends where '") +
                         static_cast<char>(expected) + "' " + where + " was expected"};
        return false;
    }
    if (u != expected) {
        *stop = {at, std::string("expected '") + static_cast<char>(expected) + "' " + where +
                         ", found " + describeUnit(u)};
        return false;
    }
    return true;
}

// A NUL-terminated UTF-16LE name of at most maxChars units. Returns the byte offset and unit
// count of the name (NUL excluded) through begin/count. One tight scan for the NUL unit: the
// names are most of a Registry.pol file.
bool readName(Reader& r, std::size_t maxChars, const char* what, std::size_t* begin,
              std::size_t* count, Stop* stop) {
    const auto start = r.pos();
    *begin = start;
    const std::size_t available = r.left() / 2;
    const std::size_t looked = std::min(maxChars + 1, available);
    const auto* p = reinterpret_cast<const unsigned char*>(r.bytes().data()) + start;
    for (std::size_t n = 0; n < looked; ++n) {
        if ((p[2 * n] | p[2 * n + 1]) == 0) {
            *count = n;
            r.skip(2 * (n + 1));
            return true;
        }
    }
    if (looked == maxChars + 1) {
        *stop = {start + 2 * maxChars, std::string("the ") + what + " is longer than " +
                                           std::to_string(maxChars) +
                                           " characters (or its NUL terminator is missing)"};
    } else {
        *stop = {start + 2 * available, std::string("truncated record: the ") + what +
                                            " has no NUL terminator before the end of the file"};
    }
    return false;
}

std::uint64_t littleEndian(const std::vector<std::uint8_t>& b) {
    std::uint64_t v = 0;
    for (std::size_t i = b.size(); i-- > 0;) v = (v << 8) | b[i];
    return v;
}

// Decodes the data of a correctly framed record. Problems are errors on the record, not stops.
void decodeData(std::string_view file, std::size_t dataOffset, RegistryData& data,
                std::vector<PregError>& errors) {
    const auto size = data.bytes.size();
    const auto typeName = registryTypeName(data.type);
    switch (data.type) {
        case kRegSz:
        case kRegExpandSz:
        case kRegLink:
        case kRegMultiSz: {
            if (size % 2 != 0) {
                errors.push_back({dataOffset, typeName + " data has an odd byte count (" +
                                                  std::to_string(size) +
                                                  "); not UTF-16, kept as bytes"});
                return;
            }
            std::size_t units = size / 2;
            if (data.type == kRegMultiSz) {
                // Trailing NULs end the list; NULs inside separate its strings.
                while (units > 0 && data.bytes[2 * units - 2] == 0 &&
                       data.bytes[2 * units - 1] == 0)
                    --units;
                std::size_t start = 0;
                for (std::size_t i = 0; i <= units; ++i) {
                    if (i < units && (data.bytes[2 * i] != 0 || data.bytes[2 * i + 1] != 0))
                        continue;
                    if (units > 0)
                        data.strings.push_back(decodeUtf16(file, dataOffset + 2 * start, i - start,
                                                           dataOffset + 2 * start, "string data",
                                                           errors));
                    start = i + 1;
                }
            } else {
                // Up to the first NUL; a string without its terminator is accepted as written
                // (Windows and Samba both read it).
                std::size_t end = 0;
                while (end < units && (data.bytes[2 * end] != 0 || data.bytes[2 * end + 1] != 0))
                    ++end;
                data.text = decodeUtf16(file, dataOffset, end, dataOffset, "string data", errors);
            }
            data.decoded = true;
            return;
        }
        case kRegDword:
        case kRegDwordBigEndian:
        case kRegQword: {
            const std::size_t expected = data.type == kRegQword ? 8 : 4;
            if (size != expected) {
                errors.push_back({dataOffset, typeName + " data is " + std::to_string(size) +
                                                  " bytes, expected " + std::to_string(expected) +
                                                  "; kept as bytes"});
                return;
            }
            if (data.type == kRegDwordBigEndian) {
                for (const auto b : data.bytes) data.number = (data.number << 8) | b;
            } else {
                data.number = littleEndian(data.bytes);
            }
            data.decoded = true;
            return;
        }
        default:  // REG_NONE, REG_BINARY and unknown types: the bytes are the value
            data.decoded = true;
            return;
    }
}

void classifyCommand(PregRecord& record) {
    const auto& name = record.valueName;
    if (name.empty()) {
        if (record.data.bytes.empty()) record.command = PregCommand::CreateKey;
        return;
    }
    if (!startsWith(name, "**")) return;
    const auto lower = lowerAscii(name);
    // "**DeleteKeys" and "**DeleteValues" may be followed by a space (Microsoft's documentation).
    const auto trimmed = std::string(trim(lower));
    if (startsWith(lower, "**del.")) {
        record.command = PregCommand::DeleteValue;
        record.commandArgument = name.substr(6);
    } else if (trimmed == "**delvals." || trimmed == "**delvals") {
        record.command = PregCommand::DeleteAllValues;
    } else if (trimmed == "**deletevalues") {
        record.command = PregCommand::DeleteValues;
    } else if (trimmed == "**deletekeys") {
        record.command = PregCommand::DeleteKeys;
    } else if (startsWith(lower, "**securekey")) {
        record.command = PregCommand::SecureKey;
        if (const auto eq = name.find('='); eq != std::string::npos)
            record.commandArgument = std::string(trim(std::string_view(name).substr(eq + 1)));
    } else {
        record.command = PregCommand::Unknown;
    }
}

}  // namespace

PregIndex indexRegistryPol(std::string_view bytes) {
    PregIndex index;
    if (bytes.size() > kMaxFileBytes) {
        index.errors.push_back({0, "the file is " + std::to_string(bytes.size()) +
                                       " bytes; the limit is " + std::to_string(kMaxFileBytes) +
                                       " (16 MiB); not read"});
        return index;
    }
    if (bytes.size() < 8) {
        index.errors.push_back({0, "not a Registry.pol file: " + std::to_string(bytes.size()) +
                                       " bytes, shorter than the 8-byte header"});
        return index;
    }
    if (bytes.substr(0, 4) != std::string_view("PReg", 4)) {
        index.errors.push_back({0, "not a Registry.pol file: the signature is not \"PReg\""});
        return index;
    }
    Reader reader(bytes);
    reader.skip(4);
    std::uint32_t version = 0;
    reader.dword(&version);
    if (version != 1) {
        index.errors.push_back({4, "unsupported Registry.pol version " + std::to_string(version) +
                                       " (only 1 exists)"});
        return index;
    }
    index.headerValid = true;

    while (!reader.atEnd()) {
        PregRecordView view;
        view.offset = reader.pos();
        Stop stop;
        std::uint32_t size = 0;
        const auto framed = [&] {
            if (!expectUnit(reader, kOpenBracket, "at the start of a record", &stop)) return false;
            if (!readName(reader, kMaxKeyChars, "key", &view.keyBegin, &view.keyUnits, &stop))
                return false;
            if (!expectUnit(reader, kSemicolon, "after the key", &stop)) return false;
            if (!readName(reader, kMaxValueNameChars, "value name", &view.nameBegin,
                          &view.nameUnits, &stop))
                return false;
            if (!expectUnit(reader, kSemicolon, "after the value name", &stop)) return false;
            auto at = reader.pos();
            if (!reader.dword(&view.type)) {
                stop = {at, "truncated record: the file ends inside the type field"};
                return false;
            }
            if (!expectUnit(reader, kSemicolon, "after the type", &stop)) return false;
            at = reader.pos();
            if (!reader.dword(&size)) {
                stop = {at, "truncated record: the file ends inside the size field"};
                return false;
            }
            if (!expectUnit(reader, kSemicolon, "after the size", &stop)) return false;
            if (size > kMaxDataBytes) {
                stop = {at, "record data size " + std::to_string(size) + " exceeds the limit of " +
                                std::to_string(kMaxDataBytes) + " bytes"};
                return false;
            }
            if (size > reader.left()) {
                stop = {at, "record data size " + std::to_string(size) +
                                " runs past the end of the file (" + std::to_string(reader.left()) +
                                " bytes left)"};
                return false;
            }
            view.dataBegin = reader.pos();
            view.dataSize = size;
            reader.skip(size);
            return expectUnit(reader, kCloseBracket, "at the end of the record", &stop);
        }();
        if (!framed) {
            index.errors.push_back({stop.offset, std::move(stop.message)});
            index.stoppedAt = stop.offset;
            break;
        }
        index.records.push_back(view);
    }
    return index;
}

PregRecord decodeRecord(std::string_view bytes, const PregRecordView& view,
                        std::vector<PregError>& errors) {
    PregRecord record;
    record.offset = view.offset;
    record.data.type = view.type;
    const auto data = bytes.substr(view.dataBegin, view.dataSize);
    record.data.bytes.assign(data.begin(), data.end());
    record.key = decodeUtf16(bytes, view.keyBegin, view.keyUnits, view.keyBegin, "key", errors);
    record.valueName =
        decodeUtf16(bytes, view.nameBegin, view.nameUnits, view.nameBegin, "value name", errors);
    decodeData(bytes, view.dataBegin, record.data, errors);
    classifyCommand(record);
    if (record.command == PregCommand::Unknown)
        errors.push_back({record.offset,
                          "unknown command value name \"" + record.valueName + "\"; not applied"});
    return record;
}

bool recordConcernsKey(std::string_view bytes, const PregRecordView& view, std::string_view key) {
    const auto unit = [&](std::size_t i) {
        return static_cast<std::uint16_t>(
            static_cast<unsigned char>(bytes[view.keyBegin + 2 * i]) |
            static_cast<unsigned char>(bytes[view.keyBegin + 2 * i + 1]) << 8);
    };
    const auto lower = [](std::uint32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
    std::size_t units = view.keyUnits;
    while (units > 0 && unit(units - 1) == '\\') --units;
    while (!key.empty() && key.back() == '\\') key.remove_suffix(1);
    const auto common = std::min(units, key.size());
    for (std::size_t i = 0; i < common; ++i)
        if (lower(unit(i)) != lower(static_cast<unsigned char>(key[i]))) return false;
    if (units == key.size()) return true;
    if (units < key.size()) return units == 0 || key[units] == '\\';  // an ancestor
    return key.empty() || unit(key.size()) == '\\';                   // below it
}

PregFile parseRegistryPol(std::string_view bytes) {
    auto index = indexRegistryPol(bytes);
    PregFile file;
    file.headerValid = index.headerValid;
    file.stoppedAt = index.stoppedAt;
    file.records.reserve(index.records.size());
    for (const auto& view : index.records)
        file.records.push_back(decodeRecord(bytes, view, file.errors));
    for (auto& error : index.errors) file.errors.push_back(std::move(error));
    return file;
}

PregFile parseRegistryPolFor(std::string_view bytes, const std::vector<std::string>& keys) {
    auto index = indexRegistryPol(bytes);
    PregFile file;
    file.headerValid = index.headerValid;
    file.stoppedAt = index.stoppedAt;
    for (const auto& view : index.records) {
        const bool wanted = std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
            return recordConcernsKey(bytes, view, key);
        });
        if (wanted) file.records.push_back(decodeRecord(bytes, view, file.errors));
    }
    for (auto& error : index.errors) file.errors.push_back(std::move(error));
    return file;
}

namespace {

std::string keyId(std::string_view path) {
    auto id = lowerAscii(path);
    while (!id.empty() && id.back() == '\\') id.pop_back();
    return id;
}

// Splits a ';'-separated list from REG_SZ (or REG_MULTI_SZ) data; blank entries are dropped.
std::vector<std::string> listArgument(const RegistryData& data) {
    std::vector<std::string> out;
    const auto add = [&](std::string_view text) {
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find(';', start);
            if (end == std::string_view::npos) end = text.size();
            const auto item = trim(text.substr(start, end - start));
            if (!item.empty()) out.emplace_back(item);
            start = end + 1;
        }
    };
    if (!data.decoded) return out;
    if (data.type == kRegMultiSz)
        for (const auto& s : data.strings) add(s);
    else if (data.isString())
        add(data.text);
    return out;
}

}  // namespace

const PregKey* PregState::findKey(std::string_view path) const {
    const auto it = keys.find(keyId(path));
    return it == keys.end() ? nullptr : &it->second;
}

PregState applyRegistryPol(const PregFile& file) {
    PregState state;
    for (const auto& record : file.records) {
        const auto id = keyId(record.key);
        const auto keyFor = [&]() -> PregKey& {
            auto& key = state.keys[id];
            if (key.name.empty()) key.name = record.key;
            return key;
        };
        switch (record.command) {
            case PregCommand::None: {
                auto& key = keyFor();
                key.values[lowerAscii(record.valueName)] =
                    PregValue{record.valueName, record.data, record.offset};
                break;
            }
            case PregCommand::CreateKey:
                keyFor();
                break;
            case PregCommand::DeleteValue:
                keyFor().values.erase(lowerAscii(record.commandArgument));
                break;
            case PregCommand::DeleteAllValues:
                keyFor().values.clear();
                break;
            case PregCommand::DeleteValues: {
                auto& key = keyFor();
                for (const auto& name : listArgument(record.data))
                    key.values.erase(lowerAscii(name));
                break;
            }
            case PregCommand::DeleteKeys:
                for (const auto& sub : listArgument(record.data)) {
                    const auto target = keyId(record.key.empty() ? sub : record.key + "\\" + sub);
                    const auto prefix = target + "\\";
                    for (auto it = state.keys.begin(); it != state.keys.end();) {
                        if (it->first == target || startsWith(it->first, prefix))
                            it = state.keys.erase(it);
                        else
                            ++it;
                    }
                }
                break;
            case PregCommand::SecureKey: {
                auto& key = keyFor();
                if (!record.commandArgument.empty())
                    key.secured = record.commandArgument != "0";
                else if (record.data.decoded && record.data.isInteger())
                    key.secured = record.data.number != 0;
                break;
            }
            case PregCommand::Unknown:
                break;
        }
    }
    return state;
}

}  // namespace mpa
