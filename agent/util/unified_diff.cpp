#include "util/unified_diff.hpp"

#include <algorithm>
#include <vector>

namespace mpa {
namespace {

struct Line {
    std::string_view text;  // without "\n" (a "\r" stays part of the text)
    bool terminated = true;
};

std::vector<Line> splitKeepingEnds(std::string_view text) {
    std::vector<Line> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back({text.substr(start), false});
            break;
        }
        lines.push_back({text.substr(start, nl - start), true});
        start = nl + 1;
    }
    return lines;
}

bool sameLine(const Line& a, const Line& b) {
    return a.text == b.text && a.terminated == b.terminated;
}

enum class Op { Keep, Remove, Add };
struct Step {
    Op op;
    std::size_t before;  // index in `before` (Keep, Remove)
    std::size_t after;   // index in `after` (Keep, Add)
};

// Longest common subsequence on lines: quadratic, fine for configuration files.
std::vector<Step> editScript(const std::vector<Line>& a, const std::vector<Line>& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<Step> steps;
    constexpr std::size_t kMaxCells = 4'000'000;
    if (n * m > kMaxCells) {
        for (std::size_t i = 0; i < n; ++i) steps.push_back({Op::Remove, i, 0});
        for (std::size_t j = 0; j < m; ++j) steps.push_back({Op::Add, n, j});
        return steps;
    }
    std::vector<std::size_t> table((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return table[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) =
                sameLine(a[i], b[j]) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && sameLine(a[i], b[j])) {
            steps.push_back({Op::Keep, i++, j++});
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            steps.push_back({Op::Remove, i++, j});  // removals first, as diff(1) shows them
        } else {
            steps.push_back({Op::Add, i, j++});
        }
    }
    return steps;
}

void appendLine(std::string& out, char marker, const Line& line) {
    out += marker;
    for (char c : line.text) {
        if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    out += '\n';
    if (!line.terminated) out += "\\ No newline at end of file\n";
}

std::string range(std::size_t start, std::size_t count) {
    // Unified diff numbers lines from 1; an empty range names the line before it.
    const std::size_t first = count == 0 ? start : start + 1;
    return std::to_string(first) + "," + std::to_string(count);
}

}  // namespace

std::string unifiedDiff(std::string_view before, std::string_view after, std::string_view fromLabel,
                        std::string_view toLabel, std::size_t context) {
    if (before == after) return {};
    const auto a = splitKeepingEnds(before);
    const auto b = splitKeepingEnds(after);
    const auto steps = editScript(a, b);

    std::string out;
    out.append("--- ").append(fromLabel).append("\n");
    out.append("+++ ").append(toLabel).append("\n");

    std::size_t k = 0;
    while (k < steps.size()) {
        // Find the next change, then grow the hunk while changes are within 2*context lines.
        while (k < steps.size() && steps[k].op == Op::Keep) ++k;
        if (k == steps.size()) break;
        std::size_t first = k >= context ? k - context : 0;
        while (first < k && steps[first].op != Op::Keep) ++first;
        std::size_t last = k;  // one past the last step of the hunk
        std::size_t keeps = 0;
        for (std::size_t s = k; s < steps.size(); ++s) {
            if (steps[s].op == Op::Keep) {
                if (++keeps > 2 * context) break;
            } else {
                keeps = 0;
                last = s + 1;
            }
        }
        last = std::min(steps.size(), last + context);

        std::size_t beforeCount = 0, afterCount = 0;
        for (std::size_t s = first; s < last; ++s) {
            if (steps[s].op != Op::Add) ++beforeCount;
            if (steps[s].op != Op::Remove) ++afterCount;
        }
        out += "@@ -" + range(steps[first].before, beforeCount) + " +" +
               range(steps[first].after, afterCount) + " @@\n";
        for (std::size_t s = first; s < last; ++s) {
            switch (steps[s].op) {
                case Op::Keep:
                    appendLine(out, ' ', a[steps[s].before]);
                    break;
                case Op::Remove:
                    appendLine(out, '-', a[steps[s].before]);
                    break;
                case Op::Add:
                    appendLine(out, '+', b[steps[s].after]);
                    break;
            }
        }
        k = last;
    }
    return out;
}

}  // namespace mpa
