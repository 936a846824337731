#pragma once
// Shared by the *_win.cpp files only: the Windows headers at the API level the agent needs
// (Windows 7 and later: GetFileInformationByHandleEx, RegGetValueW), UTF-8 <-> UTF-16 and error
// text. Poco exports WINVER=0x500 to every consumer, which would hide those APIs.
#undef WINVER
#undef _WIN32_WINNT
#define WINVER 0x0601
#define _WIN32_WINNT 0x0601
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <string>
#include <string_view>

namespace mpa::platform::win32 {

std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);

// "C:/Users/bob" or "C:\Users\bob" -> L"C:\Users\bob" (with the \\?\ prefix when too long for
// MAX_PATH); other paths are only widened with '/' turned into '\'.
std::wstring nativePath(std::string_view path);
// L"C:\Users\bob" -> "C:/Users/bob": the agent's logical spelling of Windows paths.
std::string logicalPath(std::wstring_view path);

// "Access is denied. (error 5)" for a Win32 error code (GetLastError, LSTATUS).
std::string errorText(unsigned long code);

// Closes a HANDLE on scope exit unless released.
class HandleGuard {
  public:
    explicit HandleGuard(HANDLE handle = INVALID_HANDLE_VALUE) : handle_(handle) {}
    ~HandleGuard() { reset(); }
    HandleGuard(const HandleGuard&) = delete;
    HandleGuard& operator=(const HandleGuard&) = delete;
    HANDLE get() const { return handle_; }
    bool valid() const { return handle_ != INVALID_HANDLE_VALUE && handle_ != nullptr; }
    void reset(HANDLE handle = INVALID_HANDLE_VALUE) {
        if (valid()) ::CloseHandle(handle_);
        handle_ = handle;
    }
    HANDLE release() {
        HANDLE h = handle_;
        handle_ = INVALID_HANDLE_VALUE;
        return h;
    }

  private:
    HANDLE handle_;
};

// Closes a registry key on scope exit.
class KeyGuard {
  public:
    KeyGuard() = default;
    ~KeyGuard() {
        if (key_) ::RegCloseKey(key_);
    }
    KeyGuard(const KeyGuard&) = delete;
    KeyGuard& operator=(const KeyGuard&) = delete;
    HKEY* out() { return &key_; }
    HKEY get() const { return key_; }

  private:
    HKEY key_ = nullptr;
};

}  // namespace mpa::platform::win32
