#pragma once
// Registry.pol (PReg) files: the registry settings a Group Policy object carries.
//
// Format (../shared/reference/windows.md, [MS-GPREG]): "PReg" + version 1 (little-endian DWORD),
// then records [key;value;type;size;data] with '[', ';', ']' and the two names as UTF-16LE, type
// and size as little-endian DWORDs, and `size` bytes of data. No padding, no record count.
//
// parseRegistryPol is pure and bounds-checked: it never reads outside the buffer it is given and
// never throws on bad input. What it does with bad input:
//   - file larger than kMaxFileBytes, too short for a header, wrong signature or version: nothing
//     is parsed (headerValid = false) and one error at offset 0 or 4 says why. Callers skip it.
//   - a record whose framing is wrong (truncated, a missing '[', ';' or ']', a name longer than its
//     limit or without its NUL, a size field past the end of the file or above kMaxDataBytes):
//     parsing stops there with an error at that byte offset (stoppedAt); the records before it
//     are kept.
//   - a record that is framed correctly but whose data does not fit its type (a REG_DWORD that is
//     not 4 bytes, a string with an odd byte count), or a name or string with an unpaired UTF-16
//     surrogate: the record is kept (data.decoded = false for bad data, U+FFFD for the surrogate),
//     an error names the offset, and parsing goes on.
//
// Limits (stated so that a hostile file cannot make a root service allocate without bound):
//   file             at most kMaxFileBytes (16 MiB)
//   record data      at most kMaxDataBytes (1 MiB) per record
//   value name       at most kMaxValueNameChars (259) UTF-16 code units, NUL excluded
//   key path         at most kMaxKeyChars (32767) UTF-16 code units, NUL excluded
//
// applyRegistryPol replays the records in order, as the Group Policy engine does, and returns the
// values the file leaves in each key. Commands (value names, matched ignoring ASCII case):
//   **del.<name>      delete that value of the key
//   **delvals.        delete every value of the key (written before a list so the list replaces it)
//   **DeleteValues    data: REG_SZ, ';'-separated value names of the key to delete
//   **DeleteKeys      data: REG_SZ, ';'-separated subkeys of the key to delete, with their subtrees
//   **SecureKey       data: DWORD 1/0 (or "**SecureKey=1"): restrict the key's ACL; recorded only
// A record with an empty value name and no data only creates the key. Key and value names compare
// ignoring ASCII case (the registry ignores case; our keys and value names are ASCII).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpa {

inline constexpr std::size_t kMaxFileBytes = 16u * 1024u * 1024u;
inline constexpr std::size_t kMaxDataBytes = 1024u * 1024u;
inline constexpr std::size_t kMaxValueNameChars = 259;
inline constexpr std::size_t kMaxKeyChars = 32767;

// Registry value types, numbered as in winnt.h.
enum RegistryType : std::uint32_t {
    kRegNone = 0,
    kRegSz = 1,
    kRegExpandSz = 2,
    kRegBinary = 3,
    kRegDword = 4,
    kRegDwordBigEndian = 5,
    kRegLink = 6,
    kRegMultiSz = 7,
    kRegQword = 11,
};

// "REG_SZ", "REG_DWORD", ...; "type 0x1234" for a number winnt.h does not name.
std::string registryTypeName(std::uint32_t type);

// A record's data: the raw bytes, and the decoded form when the bytes fit the type.
struct RegistryData {
    std::uint32_t type = kRegNone;
    std::vector<std::uint8_t> bytes;  // exactly as in the file
    bool decoded = false;             // false: the bytes do not fit the type (see the errors)
    std::string text;                 // REG_SZ, REG_EXPAND_SZ, REG_LINK: UTF-8, up to the first NUL
    std::vector<std::string> strings;  // REG_MULTI_SZ: UTF-8, trailing NULs dropped
    std::uint64_t number = 0;          // REG_DWORD, REG_DWORD_BIG_ENDIAN, REG_QWORD

    bool isString() const { return type == kRegSz || type == kRegExpandSz; }
    bool isInteger() const {
        return type == kRegDword || type == kRegDwordBigEndian || type == kRegQword;
    }
    // Human-readable: 1, "text", ["a", "b"], hex:01 02 (REG_BINARY, unknown or undecodable data).
    std::string describe() const;
};

enum class PregCommand {
    None,             // an ordinary value
    CreateKey,        // empty value name, no data: only creates the key
    DeleteValue,      // **del.<name>
    DeleteAllValues,  // **delvals.
    DeleteValues,     // **DeleteValues
    DeleteKeys,       // **DeleteKeys
    SecureKey,        // **SecureKey
    Unknown,          // another "**" name: reported, not applied
};
std::string_view toString(PregCommand command);

struct PregRecord {
    std::size_t offset = 0;  // byte offset of the record's '['
    std::string key;         // UTF-8, as written (no hive prefix)
    std::string valueName;   // UTF-8, as written
    RegistryData data;
    PregCommand command = PregCommand::None;
    std::string commandArgument;  // **del.<name>: the name; **SecureKey=N: "N"
};

struct PregError {
    std::size_t offset = 0;
    std::string message;
    std::string describe() const;  // "offset 42: expected ';' after the key"
};

struct PregFile {
    bool headerValid = false;
    std::optional<std::size_t> stoppedAt;  // set when a framing error ended parsing early
    std::vector<PregRecord> records;
    std::vector<PregError> errors;

    bool complete() const { return headerValid && !stoppedAt; }
};

PregFile parseRegistryPol(std::string_view bytes);

// One record found in the file, nothing decoded or copied: byte offsets into the buffer that was
// indexed (which must outlive the index). Names are UTF-16LE code units, NUL excluded.
struct PregRecordView {
    std::size_t offset = 0;  // of the record's '['
    std::size_t keyBegin = 0, keyUnits = 0;
    std::size_t nameBegin = 0, nameUnits = 0;
    std::uint32_t type = kRegNone;
    std::size_t dataBegin = 0, dataSize = 0;
};

// The zero-copy walk: the same header and framing checks and errors as parseRegistryPol, which
// is this walk followed by decodeRecord on every record. A caller that needs a few keys of a
// large file decodes only the records that concern them (recordConcernsKey).
struct PregIndex {
    bool headerValid = false;
    std::optional<std::size_t> stoppedAt;
    std::vector<PregRecordView> records;
    std::vector<PregError> errors;  // header and framing errors only

    bool complete() const { return headerValid && !stoppedAt; }
};
PregIndex indexRegistryPol(std::string_view bytes);

// Names and data in UTF-8, typed, the command classified; problems with the names or the data
// are appended to `errors` (as parseRegistryPol reports them).
PregRecord decodeRecord(std::string_view bytes, const PregRecordView& view,
                        std::vector<PregError>& errors);

// The record's key is `key` (ASCII, '\'-separated), one of its ancestors, or below it, ignoring
// ASCII case, compared on the UTF-16 units without decoding: the records that can change what
// the file leaves in `key` (an ancestor's **DeleteKeys removes it).
bool recordConcernsKey(std::string_view bytes, const PregRecordView& view, std::string_view key);

// parseRegistryPol, keeping (and decoding) only the records that concern one of `keys`; the
// errors are those of the header, the framing and the kept records.
PregFile parseRegistryPolFor(std::string_view bytes, const std::vector<std::string>& keys);

// The state a file leaves after every record is applied in order.
struct PregValue {
    std::string name;  // as last written
    RegistryData data;
    std::size_t offset = 0;  // of the record that set it
};

struct PregKey {
    std::string name;                         // as first written
    std::map<std::string, PregValue> values;  // by lower-cased name
    std::optional<bool> secured;              // **SecureKey, when the file says
};

struct PregState {
    std::map<std::string, PregKey> keys;  // by lower-cased key path

    const PregKey* findKey(std::string_view path) const;  // ignoring ASCII case
};

PregState applyRegistryPol(const PregFile& file);

}  // namespace mpa
