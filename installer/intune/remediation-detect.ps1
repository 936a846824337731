# Intune Remediations, detection script (Windows): exit 0 when the device complies, exit 1 when
# it does not, so that Intune runs remediation-remediate.ps1. Runs as SYSTEM (Run this script
# using the logged-on credentials: No). The one line it prints shows in Intune's "pre-remediation
# detection output" column. Compliant means what compliance-rules.json requires: the agent is
# healthy, its latest pass was less than a day ago and found the device compliant.
# Self-contained on purpose: Intune uploads each script alone, so each finds the agent itself.
$ErrorActionPreference = 'Stop'
$service = 'HKLM:\SYSTEM\CurrentControlSet\Services\MetalamaPolicyAgent'
$agent = $env:METALAMA_POLICY_AGENT
if (-not $agent) {
    try {
        $image = (Get-ItemProperty -LiteralPath $service -Name ImagePath).ImagePath
        if ($image -match '^\s*"([^"]+)"' -or $image -match '^\s*(.+?\.exe)\b') {
            $agent = [Environment]::ExpandEnvironmentVariables($Matches[1])
        }
    } catch { }
}
if (-not $agent -or -not (Test-Path -LiteralPath $agent)) {
    Write-Output 'not compliant: the Metalama policy agent is not installed'
    exit 1
}
$ErrorActionPreference = 'Continue'
$line = & $agent compliance --format intune 2>$null | Where-Object { $_ -match '^\s*\{' } | Select-Object -Last 1
$ErrorActionPreference = 'Stop'
try { $s = $line | ConvertFrom-Json } catch { $s = $null }
if (-not $s) {
    Write-Output 'not compliant: the agent printed no compliance summary'
    exit 1
}
if ($s.AgentHealthy -eq $true -and $s.Verdict -eq 'compliant' -and $s.LastPassWithinDay -eq $true -and
    $s.TelemetryOptOutEnforced -eq $true) {
    Write-Output "compliant (last pass $($s.LastPassAgeMinutes) min ago)"
    exit 0
}
Write-Output "not compliant: verdict $($s.Verdict), agent healthy $($s.AgentHealthy), last pass $($s.LastPassAgeMinutes) min ago"
exit 1
