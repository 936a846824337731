// The Windows half of support/agent_process.hpp: runProcess and runAgent through CreateProcessW,
// so integration tests run the real metalama-policy-agent.exe (under Wine on the build
// machine). stdout and stderr go to temporary files (no pipe to drain while waiting). The
// background process (the service) is POSIX-only: the MSI test runs the service on Windows.
#include <windows.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "platform/win32_support.hpp"
#include "support/agent_process.hpp"

namespace mpa::test {

std::string agentBinary() {
#ifdef MPA_AGENT_BINARY
    return MPA_AGENT_BINARY;
#else
    throw std::logic_error("MPA_AGENT_BINARY is only defined for integration tests");
#endif
}

std::string sourceDir() {
    return MPA_SOURCE_DIR;
}

namespace {

// One argument as CommandLineToArgvW reads it back: quoted when needed, backslashes before a
// quote doubled.
std::wstring quoted(const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\"") == std::wstring::npos) return arg;
    std::wstring out = L"\"";
    std::size_t backslashes = 0;
    for (const wchar_t c : arg) {
        if (c == L'\\') {
            ++backslashes;
            continue;
        }
        out.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
        backslashes = 0;
        out += c;
    }
    out.append(backslashes * 2, L'\\');
    return out + L"\"";
}

HANDLE inheritableFile(const std::filesystem::path& path) {
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    return ::CreateFileW(path.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                         CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY, nullptr);
}

std::string readAndRemove(const std::filesystem::path& path) {
    std::string text;
    {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return text;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, double timeoutSeconds) {
    ProcessResult result;
    std::wstring commandLine;
    for (const auto& arg : argv)
        commandLine += (commandLine.empty() ? L"" : L" ") + quoted(platform::win32::widen(arg));
    const auto base = std::filesystem::temp_directory_path() /
                      ("mpa-process-" + std::to_string(::GetCurrentProcessId()) + "-" +
                       std::to_string(::GetTickCount64()));
    const auto outPath = base.wstring() + L".out";
    const auto errPath = base.wstring() + L".err";
    HANDLE out = inheritableFile(outPath);
    HANDLE err = inheritableFile(errPath);
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE in = ::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                              OPEN_EXISTING, 0, nullptr);
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = in;
    startup.hStdOutput = out;
    startup.hStdError = err;
    PROCESS_INFORMATION process{};
    const BOOL started = ::CreateProcessW(nullptr, commandLine.data(), nullptr, nullptr, TRUE,
                                          CREATE_NO_WINDOW, nullptr, nullptr, &startup, &process);
    for (HANDLE h : {in, out, err})
        if (h != INVALID_HANDLE_VALUE) ::CloseHandle(h);
    if (!started) {
        result.err = "CreateProcessW failed (" + std::to_string(::GetLastError()) + ")";
        readAndRemove(outPath);
        readAndRemove(errPath);
        return result;
    }
    const auto ms = static_cast<DWORD>(timeoutSeconds * 1000);
    if (::WaitForSingleObject(process.hProcess, ms) == WAIT_TIMEOUT) {
        ::TerminateProcess(process.hProcess, 1);
        ::WaitForSingleObject(process.hProcess, INFINITE);
    } else {
        DWORD code = 0;
        if (::GetExitCodeProcess(process.hProcess, &code)) result.exitCode = static_cast<int>(code);
    }
    ::CloseHandle(process.hThread);
    ::CloseHandle(process.hProcess);
    result.out = readAndRemove(outPath);
    result.err = readAndRemove(errPath);
    return result;
}

ProcessResult runAgent(const std::string& root, const std::vector<std::string>& args) {
    std::vector<std::string> argv{agentBinary(), "--root", root};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv);
}

}  // namespace mpa::test
