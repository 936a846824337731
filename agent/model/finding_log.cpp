#include "model/finding_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace mpa {

// A record: its length (LEB128), then the outcome (one byte) and the eight text fields, each its
// length (LEB128) and bytes. Records move to the spill file in whole pieces of `memory`, in
// order: the file holds the segment's first records, `memory` the rest.
struct FindingLog::Segment {
    std::string memory;
    std::FILE* file = nullptr;
    std::uint64_t fileBytes = 0;
    std::size_t count = 0;

    Segment() = default;
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;
    ~Segment() {
        if (file) std::fclose(file);
    }
};

namespace {

constexpr std::size_t kReadPiece = 64 * 1024;

void putLength(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

// False when [*at, end) does not hold a whole length.
bool takeLength(const char** at, const char* end, std::uint64_t* value) {
    *value = 0;
    for (int shift = 0; *at < end && shift < 64; shift += 7) {
        const auto byte = static_cast<unsigned char>(*(*at)++);
        *value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return true;
    }
    return false;
}

// Const or not: encode reads the fields, decode assigns them.
template <typename F, typename Visit>
void forEachText(F& f, Visit&& visit) {
    for (auto* field :
         {&f.target, &f.subject, &f.user, &f.desired, &f.observed, &f.reason, &f.diff, &f.tool})
        visit(*field);
}

void encode(const Finding& f, std::string& body) {
    const auto start = body.size();
    body.push_back(static_cast<char>(f.outcome));
    forEachText(f, [&](const std::string& text) {
        putLength(body, text.size());
        body.append(text);
    });
    // The length goes before the body: encode the body first, then move it behind its length.
    std::string length;
    putLength(length, body.size() - start);
    body.insert(start, length);
}

// Decodes one record body into `f`, reusing its strings' storage.
void decode(const char* at, const char* end, Finding& f) {
    if (at == end) throw std::runtime_error("a logged finding is empty");
    f.outcome = static_cast<Outcome>(static_cast<unsigned char>(*at++));
    forEachText(f, [&](std::string& text) {
        std::uint64_t length = 0;
        if (!takeLength(&at, end, &length) || length > static_cast<std::uint64_t>(end - at))
            throw std::runtime_error("a logged finding is cut short");
        text.assign(at, static_cast<std::size_t>(length));
        at += length;
    });
}

// Spill files can pass 2 GB, where a long offset ends on Windows.
int seekTo(std::FILE* file, std::uint64_t offset) {
#ifdef _WIN32
    return _fseeki64(file, static_cast<__int64>(offset), SEEK_SET);
#else
    return fseeko(file, static_cast<off_t>(offset), SEEK_SET);
#endif
}

std::string ioError(const char* what) {
    return std::string(what) + " the pass's findings in their temporary file failed: " +
           (errno ? std::strerror(errno) : "short transfer");
}

}  // namespace

// Where an iterator reads: the segment, then within it the spilled bytes (read in pieces into
// `buffer`) and then the bytes in memory.
struct FindingLog::const_iterator::State {
    const std::vector<std::shared_ptr<Segment>>* segments = nullptr;
    std::size_t segment = 0;
    std::uint64_t fileOffset = 0;  // next spilled byte of the segment to read into buffer
    std::string buffer;            // spilled bytes read and not decoded yet, from `position`
    std::size_t position = 0;
    std::size_t memoryPosition = 0;  // within the segment's memory, once the file is read
    bool inMemory = false;
    Finding current;

    // Decodes the next record into `current`; false at the end of the log.
    bool next() {
        while (segment < segments->size()) {
            const Segment& s = *(*segments)[segment];
            if (!inMemory) {
                if (const char* body = nextSpilled(s)) {
                    decode(body, buffer.data() + position, current);
                    return true;
                }
                inMemory = true;
                memoryPosition = 0;
            }
            if (memoryPosition < s.memory.size()) {
                const char* at = s.memory.data() + memoryPosition;
                const char* end = s.memory.data() + s.memory.size();
                std::uint64_t length = 0;
                if (!takeLength(&at, end, &length) || length > static_cast<std::uint64_t>(end - at))
                    throw std::runtime_error("a logged finding is cut short");
                decode(at, at + length, current);
                memoryPosition = static_cast<std::size_t>(at + length - s.memory.data());
                return true;
            }
            ++segment;
            fileOffset = 0;
            buffer.clear();
            position = 0;
            inMemory = false;
        }
        return false;
    }

    // The next spilled record of `s`: its body starts at the pointer returned and ends at
    // buffer.data() + position. Null when the spilled part is read.
    const char* nextSpilled(const Segment& s) {
        std::uint64_t length = 0;
        for (;;) {
            const char* at = buffer.data() + position;
            const char* end = buffer.data() + buffer.size();
            if (takeLength(&at, end, &length) && length <= static_cast<std::uint64_t>(end - at)) {
                position = static_cast<std::size_t>(at + length - buffer.data());
                return at;
            }
            if (fileOffset == s.fileBytes) {
                if (position != buffer.size())
                    throw std::runtime_error("a spilled finding is cut short");
                return nullptr;
            }
            readMore(s);
        }
    }

    void readMore(const Segment& s) {
        buffer.erase(0, position);
        position = 0;
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(kReadPiece, s.fileBytes - fileOffset));
        const auto had = buffer.size();
        buffer.resize(had + want);
        errno = 0;
        if (seekTo(s.file, fileOffset) != 0 ||
            std::fread(buffer.data() + had, 1, want, s.file) != want)
            throw std::runtime_error(ioError("reading"));
        fileOffset += want;
    }
};

FindingLog::FindingLog(const std::vector<Finding>& findings) {
    for (const auto& f : findings) push_back(f);
}

FindingLog::FindingLog(std::initializer_list<Finding> findings) {
    for (const auto& f : findings) push_back(f);
}

FindingLog::Segment& FindingLog::writable() {
    // A segment another log shares (a copy, or what was appended) is never written again.
    if (segments_.empty() || segments_.back().use_count() != 1)
        segments_.push_back(std::make_shared<Segment>());
    return *segments_.back();
}

void FindingLog::push_back(const Finding& finding) {
    Segment& s = writable();
    ++s.count;
    ++size_;
    if (!spill_ || !spillProblem_.empty()) {
        encode(finding, s.memory);
        return;
    }
    // Encoded aside first, so that the memory moves to the file before it would grow past the
    // budget: appended in place, a segment doubled to 240 KB to hold 128 KB. It moves when it
    // is full and at least half the budget, so it never grows again once it is that large.
    encoded_.clear();
    encode(finding, encoded_);
    const auto needed = s.memory.size() + encoded_.size();
    if (!s.memory.empty() && (needed > kMemoryBudget || (needed > s.memory.capacity() &&
                                                         s.memory.capacity() >= kMemoryBudget / 2)))
        spill(s);
    s.memory += encoded_;
}

// Moves the segment's memory to the end of its file; on failure the findings stay in memory
// and the log says why.
void FindingLog::spill(Segment& s) {
    if (!s.file) {
        s.file = spill_();
        if (!s.file) {
            spillProblem_ =
                "no temporary file for the pass's findings could be made; they are "
                "kept in memory";
            return;
        }
        std::setvbuf(s.file, nullptr, _IONBF, 0);  // written and read in whole pieces
    }
    errno = 0;
    if (std::fseek(s.file, 0, SEEK_END) != 0 ||
        std::fwrite(s.memory.data(), 1, s.memory.size(), s.file) != s.memory.size()) {
        spillProblem_ = ioError("writing") + "; the rest are kept in memory";
        // What was written may be partial: the file is read only up to fileBytes.
        return;
    }
    s.fileBytes += s.memory.size();
    s.memory.clear();
}

std::size_t FindingLog::memoryHeld() const {
    std::size_t bytes = encoded_.capacity();
    for (const auto& segment : segments_) bytes += segment->memory.capacity();
    return bytes;
}

void FindingLog::append(FindingLog&& more) {
    for (auto& segment : more.segments_) {
        // A target's finished log that already spilled moves its last piece to its file too:
        // the pass holds every target's log to its end, each with up to a budget in memory.
        if (segment.use_count() == 1 && segment->file && !segment->memory.empty() &&
            spillProblem_.empty() && more.spillProblem_.empty()) {
            spill(*segment);
            if (segment->memory.empty()) std::string().swap(segment->memory);
        }
        segments_.push_back(std::move(segment));
    }
    size_ += more.size_;
    if (spillProblem_.empty()) spillProblem_ = std::move(more.spillProblem_);
    more.segments_.clear();
    more.size_ = 0;
}

FindingLog::const_iterator FindingLog::begin() const {
    const_iterator it;
    if (size_ == 0) return it;
    it.state_ = std::make_shared<const_iterator::State>();
    it.state_->segments = &segments_;
    if (!it.state_->next()) it.state_.reset();
    return it;
}

const Finding& FindingLog::const_iterator::operator*() const {
    return state_->current;
}

FindingLog::const_iterator& FindingLog::const_iterator::operator++() {
    if (state_ && !state_->next()) state_.reset();
    return *this;
}

bool FindingLog::const_iterator::operator==(const const_iterator& other) const {
    return state_ == other.state_;
}

const Finding FindingLog::operator[](std::size_t index) const {  // NOLINT
    if (index >= size_) throw std::out_of_range("FindingLog index out of range");
    auto it = begin();
    for (std::size_t i = 0; i < index; ++i) ++it;
    return *it;
}

std::vector<Finding> FindingLog::toVector() const {
    std::vector<Finding> out;
    out.reserve(size_);
    for (const auto& f : *this) out.push_back(f);
    return out;
}

}  // namespace mpa
