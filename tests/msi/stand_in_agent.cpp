// TEST-ONLY STAND-IN for metalama-policy-agent.exe. Never shipped.
//
// scripts/test-msi.sh builds the MSI around this program when the real Windows agent has not
// been built (issue 7), so that the installer's mechanics can be checked under Wine: the service
// the MSI registers starts, the deferred `revert` custom action runs on full removal only, and
// what the "agent" wrote to the machine environment is gone afterwards. It mimics only the
// observable contract the MSI relies on:
//   run     service entry point (the MSI's ServiceInstall passes it): sets
//           HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment
//           METALAMA_TELEMETRY_OPT_OUT=1 (as the agent enforces it) and runs until stopped;
//   revert  deletes that value (as the agent restores the machine);
//   --version
// Every invocation is appended to C:\ProgramData\Metalama\PolicyAgent\stand-in.log so the test
// can tell which commands the installer ran, and in which order.
#include <windows.h>

#include <cstdio>
#include <cwchar>

namespace {

const wchar_t kServiceName[] = L"MetalamaPolicyAgent";
const wchar_t kEnvKey[] = L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";
const wchar_t kVariable[] = L"METALAMA_TELEMETRY_OPT_OUT";

SERVICE_STATUS_HANDLE statusHandle = nullptr;
HANDLE stopEvent = nullptr;

void logLine(const wchar_t* line) {
    CreateDirectoryW(L"C:\\ProgramData\\Metalama", nullptr);
    CreateDirectoryW(L"C:\\ProgramData\\Metalama\\PolicyAgent", nullptr);
    FILE* f = _wfopen(L"C:\\ProgramData\\Metalama\\PolicyAgent\\stand-in.log", L"a");
    if (f == nullptr) return;
    fwprintf(f, L"%ls\n", line);
    fclose(f);
}

bool setVariable() {
    HKEY key = nullptr;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEnvKey, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, &key) !=
        ERROR_SUCCESS)
        return false;
    const wchar_t value[] = L"1";
    LONG rc = RegSetValueExW(key, kVariable, 0, REG_SZ, reinterpret_cast<const BYTE*>(value),
                             sizeof value);
    RegCloseKey(key);
    return rc == ERROR_SUCCESS;
}

bool deleteVariable() {
    HKEY key = nullptr;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEnvKey, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, &key) !=
        ERROR_SUCCESS)
        return false;
    LONG rc = RegDeleteValueW(key, kVariable);
    RegCloseKey(key);
    return rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND;
}

void report(DWORD state) {
    SERVICE_STATUS status = {};
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    SetServiceStatus(statusHandle, &status);
}

DWORD WINAPI control(DWORD code, DWORD, LPVOID, LPVOID) {
    if (code == SERVICE_CONTROL_STOP || code == SERVICE_CONTROL_SHUTDOWN) {
        report(SERVICE_STOP_PENDING);
        SetEvent(stopEvent);
    }
    return NO_ERROR;
}

void WINAPI serviceMain(DWORD, LPWSTR*) {
    statusHandle = RegisterServiceCtrlHandlerExW(kServiceName, control, nullptr);
    if (statusHandle == nullptr) return;
    stopEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    logLine(setVariable() ? L"service: started, variable set" : L"service: started, set FAILED");
    report(SERVICE_RUNNING);
    WaitForSingleObject(stopEvent, INFINITE);
    logLine(L"service: stopped");
    report(SERVICE_STOPPED);
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
    if (argc >= 2 && wcscmp(argv[1], L"run") == 0) {
        logLine(L"run");
        SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), serviceMain},
                                        {nullptr, nullptr}};
        return StartServiceCtrlDispatcherW(table) ? 0 : 1;
    }
    if (argc >= 2 && wcscmp(argv[1], L"revert") == 0) {
        bool ok = deleteVariable();
        logLine(ok ? L"revert: variable removed" : L"revert: FAILED");
        return ok ? 0 : 1;
    }
    if (argc >= 2 && wcscmp(argv[1], L"--version") == 0) {
        std::puts("metalama-policy-agent stand-in (test only)");
        return 0;
    }
    logLine(L"unknown command");
    return 2;
}
