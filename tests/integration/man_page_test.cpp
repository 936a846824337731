// The hand-written man page metalama-policy-agent(8) against the real binary's --help: every
// command, global option and exit code that --help lists must be documented in the man page,
// and the page must format without groff warnings.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/agent_process.hpp"
#include "util/text.hpp"

namespace mpa::test {
namespace {

const std::string kManPage = "/installer/linux/metalama-policy-agent.8";

std::string readManPage() {
    std::ifstream in(sourceDir() + kManPage, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// roff escapes the hyphens of options: "\-\-root". Undo that to compare with --help.
std::string unescapeHyphens(std::string text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
        out += text[i];
    }
    return out;
}

// The lines of --help between `header` and the next blank line.
std::vector<std::string> helpSection(const std::string& help, const std::string& header) {
    std::vector<std::string> lines;
    bool inside = false;
    for (const auto& line : splitLines(help)) {
        if (line == header) {
            inside = true;
        } else if (inside) {
            if (line.empty()) break;
            lines.push_back(std::string(line));
        }
    }
    return lines;
}

// The text of the man page section `.SH name` (up to the next .SH).
std::string manSection(const std::string& page, const std::string& name) {
    const auto start = page.find("\n.SH " + name + "\n");
    if (start == std::string::npos) return {};
    const auto end = page.find("\n.SH ", start + 1);
    return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Whether `section` has an item (".TP") whose tag line is ".B" or ".BR", then a space, then
// `command`, quoted or not, followed by a space, a quote or the end of the line.
bool hasItemFor(const std::string& section, const std::string& command) {
    const std::string tag = "\n.TP\n.B";
    for (auto at = section.find(tag); at != std::string::npos; at = section.find(tag, at + 1)) {
        auto i = at + tag.size();
        if (i < section.size() && section[i] == 'R') ++i;
        if (i >= section.size() || section[i] != ' ') continue;
        ++i;
        if (i < section.size() && section[i] == '"') ++i;
        if (section.compare(i, command.size(), command) != 0) continue;
        i += command.size();
        if (i < section.size() && (section[i] == ' ' || section[i] == '"' || section[i] == '\n'))
            return true;
    }
    return false;
}

// Every "--name" in `line` (two hyphens, a lower-case letter, then lower-case letters and
// hyphens), left to right.
std::vector<std::string> longOptions(const std::string& line) {
    const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    std::vector<std::string> options;
    for (std::size_t i = 0; i + 2 < line.size();) {
        if (line[i] != '-' || line[i + 1] != '-' || !lower(line[i + 2])) {
            ++i;
            continue;
        }
        auto end = i + 3;
        while (end < line.size() && (lower(line[end]) || line[end] == '-')) ++end;
        options.push_back(line.substr(i, end - i));
        i = end;
    }
    return options;
}

class ManPage : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto result = runProcess({agentBinary(), "--help"});
        ASSERT_EQ(result.exitCode, 0) << result.err;
        help = result.out;
        page = readManPage();
        ASSERT_FALSE(page.empty()) << "cannot read " << sourceDir() << kManPage;
    }
    std::string help, page;
};

TEST_F(ManPage, DocumentsEveryCommandOfHelp) {
    // Commands are the lines indented by exactly two spaces; their descriptions by six.
    std::set<std::string> commands;
    for (const auto& line : helpSection(help, "Commands:"))
        if (line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ')
            commands.insert(line.substr(2, line.find(' ', 2) - 2));
    ASSERT_GE(commands.size(), 4u) << "could not find the commands in --help:\n" << help;

    const auto section = unescapeHyphens(manSection(page, "COMMANDS"));
    const auto synopsis = unescapeHyphens(manSection(page, "SYNOPSIS"));
    for (const auto& command : commands) {
        // A command is documented when an item of COMMANDS starts with it and SYNOPSIS has it.
        EXPECT_TRUE(hasItemFor(section, command))
            << "command '" << command << "' of --help has no item in the man page's COMMANDS";
        EXPECT_NE(synopsis.find(command), std::string::npos)
            << "command '" << command << "' of --help is missing from the man page's SYNOPSIS";
    }
}

TEST_F(ManPage, DocumentsEveryGlobalOptionOfHelp) {
    const auto section = unescapeHyphens(manSection(page, "GLOBAL OPTIONS"));
    ASSERT_FALSE(section.empty()) << "the man page has no GLOBAL OPTIONS section";
    std::size_t found = 0;
    for (const auto& line : helpSection(help, "Global options:")) {
        for (const auto& option : longOptions(line)) {
            ++found;
            EXPECT_NE(section.find(option), std::string::npos)
                << "global option " << option << " of --help is missing from the man page";
        }
    }
    EXPECT_GE(found, 5u) << "could not find the global options in --help:\n" << help;
}

TEST_F(ManPage, DocumentsEveryExitCodeOfHelp) {
    const auto section = manSection(page, "EXIT STATUS");
    std::size_t found = 0;
    for (const auto& line : helpSection(help, "Exit codes:")) {
        const auto code = std::string(trim(line)).substr(0, std::string(trim(line)).find(' '));
        ++found;
        EXPECT_NE(section.find("\n.B " + code + "\n"), std::string::npos)
            << "exit code " << code << " of --help is missing from the man page's EXIT STATUS";
    }
    EXPECT_GE(found, 5u) << "could not find the exit codes in --help:\n" << help;
}

TEST_F(ManPage, FormatsWithoutGroffWarnings) {
    const auto result =
        runProcess({"/usr/bin/groff", "-man", "-ww", "-z", "-Tutf8", sourceDir() + kManPage});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err, "") << "groff warns about the man page";
}

}  // namespace
}  // namespace mpa::test
