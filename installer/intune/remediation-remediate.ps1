# Intune Remediations, remediation script (Windows): runs one pass of the agent (`apply`), which
# repairs what can be repaired and records it. Runs as SYSTEM after remediation-detect.ps1 exited
# 1; Intune then runs the detection again and reports its result. Exit code: the agent's (0
# compliant, 3 not compliant, 4 no policy, 1 error), so a failure shows as "remediation failed".
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
    Write-Output 'the Metalama policy agent is not installed: reinstall the app (its assignment)'
    exit 1
}
# The service normally does this within seconds; a stopped service is started again first.
Start-Service -Name MetalamaPolicyAgent -ErrorAction SilentlyContinue
$ErrorActionPreference = 'Continue'
$out = & $agent apply 2>&1 | Select-Object -Last 3
$code = $LASTEXITCODE
Write-Output (($out | ForEach-Object { "$_" }) -join ' / ')
exit $code
