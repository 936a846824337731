# Intune custom-compliance discovery script (Windows): prints ONE line of compressed JSON, the
# flat setting-name/value object that compliance-rules.json evaluates. Intune runs it as SYSTEM,
# which can read the agent's compliance database. Keep the output to that single line.
$ErrorActionPreference = 'Stop'
$agent = Join-Path $env:ProgramFiles 'Metalama Policy Agent\metalama-policy-agent.exe'
if ($env:METALAMA_POLICY_AGENT) { $agent = $env:METALAMA_POLICY_AGENT }
if (-not (Test-Path -LiteralPath $agent)) {
    Write-Output '{"AgentHealthy":false,"Verdict":"agent not installed"}'
    exit 0
}
try {
    $output = & $agent compliance --format intune 2>$null | Select-Object -First 1
} catch {
    $output = $null
}
if ([string]::IsNullOrWhiteSpace($output)) {
    Write-Output '{"AgentHealthy":false,"Verdict":"agent failed"}'
    exit 0
}
# Re-emit compressed, so a stray space or BOM never reaches Intune.
Write-Output ($output | ConvertFrom-Json | ConvertTo-Json -Compress)
