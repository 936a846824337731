# Intune custom-compliance discovery script (Windows): prints ONE line of compressed JSON, the
# flat setting-name/value object that compliance-rules.json evaluates. Intune runs it as SYSTEM,
# which can read the agent's compliance database. Keep the output to that single line.
#
# Works in the 32-bit PowerShell host too (Windows PowerShell 5.1, x86, on 64-bit Windows): there
# $env:ProgramFiles is "Program Files (x86)" and System32 is redirected, so the script re-runs
# itself in the 64-bit host through %windir%\sysnative; when that is not possible (no script
# path) it still finds the 64-bit agent through the service's registration and ProgramW6432.
$ErrorActionPreference = 'Stop'

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess -and $PSCommandPath) {
    $native = Join-Path $env:windir 'sysnative\WindowsPowerShell\v1.0\powershell.exe'
    if (Test-Path -LiteralPath $native) {
        & $native -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $PSCommandPath
        exit $LASTEXITCODE
    }
}

# Where the MSI installed the agent: the service's ImagePath (right even when INSTALLDIR was
# changed at install time; HKLM\SYSTEM is the same in the 32- and 64-bit registry views), else
# the default folder under the 64-bit Program Files.
function Find-Agent {
    if ($env:METALAMA_POLICY_AGENT) { return $env:METALAMA_POLICY_AGENT }
    try {
        $image = (Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Services\MetalamaPolicyAgent' -Name ImagePath).ImagePath
        if ($image -match '^\s*"([^"]+)"' -or $image -match '^\s*(.+?\.exe)\b') {
            return [Environment]::ExpandEnvironmentVariables($Matches[1])
        }
    } catch { }
    $programFiles = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
    return Join-Path $programFiles 'Metalama\PolicyAgent\metalama-policy-agent.exe'
}

$agent = Find-Agent
if (-not (Test-Path -LiteralPath $agent)) {
    Write-Output '{"AgentHealthy":false,"Verdict":"agent not installed"}'
    exit 0
}

# Windows PowerShell 5.1 turns a native command's redirected stderr lines into errors, which
# 'Stop' would make fatal even though stdout holds the answer: run the agent under 'Continue'.
$output = $null
try {
    $ErrorActionPreference = 'Continue'
    $lines = & $agent compliance --format intune 2>$null
    $ErrorActionPreference = 'Stop'
    $output = @($lines) | Where-Object { $_ -match '^\s*\{' } | Select-Object -Last 1
} catch {
    $output = $null
}
$ErrorActionPreference = 'Stop'
if ([string]::IsNullOrWhiteSpace($output)) {
    Write-Output '{"AgentHealthy":false,"Verdict":"agent failed"}'
    exit 0
}
# Re-emit compressed, so a stray space or BOM never reaches Intune.
try {
    Write-Output ($output | ConvertFrom-Json | ConvertTo-Json -Compress)
} catch {
    Write-Output '{"AgentHealthy":false,"Verdict":"agent output is not JSON"}'
}
exit 0
