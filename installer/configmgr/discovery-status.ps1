# Configuration Manager configuration item, discovery script (setting type: Script, data type:
# String). Prints the agent's verdict from `metalama-policy-agent.exe status --json`:
# "compliant", "non-compliant" or "not managed"; or "agent not installed" / "agent failed".
# The compliance rule compares it with "compliant" (docs/deploy-configmgr.md).
# Runs as SYSTEM (the default for CI scripts), which can read the agent's compliance database;
# works in the 32-bit host as well (same approach as installer/intune/discovery-windows.ps1).
$ErrorActionPreference = 'Stop'

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess -and $PSCommandPath) {
    $native = Join-Path $env:windir 'sysnative\WindowsPowerShell\v1.0\powershell.exe'
    if (Test-Path -LiteralPath $native) {
        & $native -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $PSCommandPath
        exit $LASTEXITCODE
    }
}

$agent = $null
try {
    $image = (Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Services\MetalamaPolicyAgent' -Name ImagePath).ImagePath
    if ($image -match '^\s*"([^"]+)"' -or $image -match '^\s*(.+?\.exe)\b') {
        $agent = [Environment]::ExpandEnvironmentVariables($Matches[1])
    }
} catch { }
if (-not $agent) {
    $programFiles = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }
    $agent = Join-Path $programFiles 'Metalama\PolicyAgent\metalama-policy-agent.exe'
}
if (-not (Test-Path -LiteralPath $agent)) {
    Write-Output 'agent not installed'
    exit 0
}

# status exits 0 (compliant), 3 (non-compliant) or 4 (not managed): all are answers, only the
# JSON's verdict counts. Windows PowerShell 5.1 makes redirected stderr lines errors: 'Continue'.
try {
    $ErrorActionPreference = 'Continue'
    $json = (& $agent status --json 2>$null) -join "`n"
    $ErrorActionPreference = 'Stop'
    $verdict = ($json | ConvertFrom-Json).verdict
} catch {
    $verdict = $null
}
if ([string]::IsNullOrWhiteSpace($verdict)) { $verdict = 'agent failed' }
Write-Output $verdict
exit 0
