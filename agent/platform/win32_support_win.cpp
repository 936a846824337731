#include "platform/win32_support.hpp"

namespace mpa::platform::win32 {

std::wstring widen(std::string_view utf8) {
    if (utf8.empty()) return {};
    const int size =
        ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(size), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), size);
    return out;
}

std::string narrow(std::wstring_view utf16) {
    if (utf16.empty()) return {};
    const int size = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()),
                                           nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(size), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(),
                          size, nullptr, nullptr);
    return out;
}

std::wstring nativePath(std::string_view path) {
    std::wstring out = widen(path);
    for (wchar_t& c : out)
        if (c == L'/') c = L'\\';
    const bool drive = out.size() >= 2 && out[1] == L':';
    if (drive && out.size() == 2) out += L'\\';  // "C:" alone is the current directory there
    // Beyond MAX_PATH only the \\?\ form works (without opting in to long paths machine-wide).
    if (drive && out.size() >= MAX_PATH - 12) out = L"\\\\?\\" + out;
    return out;
}

std::string logicalPath(std::wstring_view path) {
    std::string out = narrow(path);
    for (char& c : out)
        if (c == '\\') c = '/';
    while (out.size() > 3 && out.back() == '/') out.pop_back();
    return out;
}

std::string errorText(unsigned long code) {
    wchar_t* buffer = nullptr;
    const DWORD length = ::FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
    std::string text = length && buffer ? narrow(std::wstring_view(buffer, length)) : "";
    if (buffer) ::LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    if (text.empty()) text = "system error";
    return text + " (error " + std::to_string(code) + ")";
}

}  // namespace mpa::platform::win32
