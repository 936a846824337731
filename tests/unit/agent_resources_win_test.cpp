// The resources of the built metalama-policy-agent.exe, read through the Win32 API under Wine:
// its version (what File Explorer, Intune and ConfigMgr file-version detection rules read) is
// the project version, and its Event Log message table resolves every id to its text.
#include <gtest/gtest.h>
#include <windows.h>

#include <string>
#include <vector>

#include "platform/win32_support.hpp"
#include "support/message_table.hpp"
#include "version.hpp"

namespace mpa {
namespace {

std::wstring agentPath() {
    return platform::win32::widen(MPA_AGENT_BINARY);
}

TEST(AgentResources, VersionInfoIsTheProjectVersion) {
    const auto path = agentPath();
    DWORD handle = 0;
    const DWORD size = ::GetFileVersionInfoSizeW(path.c_str(), &handle);
    ASSERT_GT(size, 0u) << "no VERSIONINFO in " << MPA_AGENT_BINARY << " (" << ::GetLastError()
                        << ")";
    std::vector<char> data(size);
    ASSERT_TRUE(::GetFileVersionInfoW(path.c_str(), 0, size, data.data()));
    VS_FIXEDFILEINFO* fixed = nullptr;
    UINT length = 0;
    ASSERT_TRUE(::VerQueryValueW(data.data(), L"\\", reinterpret_cast<void**>(&fixed), &length));
    ASSERT_NE(fixed, nullptr);
    const auto fileVersion = std::to_string(HIWORD(fixed->dwFileVersionMS)) + "." +
                             std::to_string(LOWORD(fixed->dwFileVersionMS)) + "." +
                             std::to_string(HIWORD(fixed->dwFileVersionLS));
    EXPECT_EQ(fileVersion, kVersion);
    EXPECT_EQ(LOWORD(fixed->dwFileVersionLS), 0);
    EXPECT_EQ(fixed->dwProductVersionMS, fixed->dwFileVersionMS);
    for (const auto* name : {L"\\StringFileInfo\\040904B0\\ProductVersion",
                             L"\\StringFileInfo\\040904B0\\FileVersion"}) {
        wchar_t* text = nullptr;
        ASSERT_TRUE(::VerQueryValueW(data.data(), name, reinterpret_cast<void**>(&text), &length))
            << platform::win32::narrow(name);
        EXPECT_EQ(platform::win32::narrow(text), kVersion);
    }
    wchar_t* product = nullptr;
    ASSERT_TRUE(::VerQueryValueW(data.data(), L"\\StringFileInfo\\040904B0\\ProductName",
                                 reinterpret_cast<void**>(&product), &length));
    EXPECT_EQ(platform::win32::narrow(product), "Metalama Policy Agent");
}

// As Event Viewer does: the registered EventMessageFile loaded as data, each event's id
// formatted with its insertion string.
TEST(AgentResources, EveryEventLogIdResolvesToItsTextInTheExecutable) {
    const auto table = test::readMessageTable(std::string(MPA_SOURCE_DIR) +
                                              "/agent/platform/event_messages_win.mc");
    ASSERT_FALSE(table.empty());
    HMODULE module = ::LoadLibraryExW(agentPath().c_str(), nullptr, LOAD_LIBRARY_AS_DATAFILE);
    ASSERT_NE(module, nullptr) << ::GetLastError();
    const std::wstring insertion = L"the agent's log line";
    for (const auto& [id, text] : table) {
        DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>(insertion.c_str())};
        wchar_t buffer[2048];
        const DWORD n =
            ::FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, module,
                             id, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), buffer, 2048,
                             reinterpret_cast<va_list*>(args));
        ASSERT_GT(n, 0u) << "id " << id << " not in the message table (" << ::GetLastError() << ")";
        const auto formatted = platform::win32::narrow(std::wstring(buffer, n));
        EXPECT_NE(formatted.find("the agent's log line"), std::string::npos) << id;
        // The fixed text before %1 (the first line of the .mc message) is there too.
        const auto lead = text.substr(0, text.find("%"));
        EXPECT_NE(formatted.find(lead), std::string::npos) << id << ": " << formatted;
    }
    DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>(insertion.c_str())};
    wchar_t buffer[64];
    EXPECT_EQ(::FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, module,
                               4242, 0, buffer, 64, reinterpret_cast<va_list*>(args)),
              0u)
        << "an id that was never defined must not resolve";
    ::FreeLibrary(module);
}

}  // namespace
}  // namespace mpa
