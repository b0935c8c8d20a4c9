<#
.SYNOPSIS
    Unattended IaC capture for a build server: the least-privilege policy of a deployment.

.DESCRIPTION
    Creates a discovery user and trail, runs the deployment and its teardown as two capture
    windows with the discovery user's keys, waits for CloudTrail, generates the policy with IAM
    Access Analyzer (or the local generator with -Generator Local, which also reads data events),
    optionally proves it with a verification run, writes it to -OutputPath and removes
    everything the session created — also when a step fails. Any failure ends the script with
    exit code 1, so a build step fails with it.

    The IaC commands are parameters: script blocks, or script files run with -FilePath.

        # Terraform, against AWS, from a CI job (pwsh):
        ./examples/iac-capture.ps1 -Region eu-west-1 -OutputPath ./deployer-policy.json `
            -Deploy { terraform apply -auto-approve } -Teardown { terraform destroy -auto-approve }

        # Any tool, from files, against the local stand-in:
        dotnet run --project tools/LeastPriv.Shell -- -StandIn -File examples/iac-capture.ps1 `
            -DeployFile ./deploy.ps1 -TeardownFile ./teardown.ps1 -OutputPath ./policy.json -Verify
#>
[CmdletBinding(DefaultParameterSetName = 'Blocks')]
param(
    # The deployment (e.g. { terraform apply -auto-approve }).
    [Parameter(Mandatory, ParameterSetName = 'Blocks')]
    [scriptblock] $Deploy,

    # The teardown (e.g. { terraform destroy -auto-approve }); optional.
    [Parameter(ParameterSetName = 'Blocks')]
    [scriptblock] $Teardown,

    # A script file that deploys.
    [Parameter(Mandatory, ParameterSetName = 'Files')]
    [string] $DeployFile,

    # A script file that tears the deployment down; optional.
    [Parameter(ParameterSetName = 'Files')]
    [string] $TeardownFile,

    # Where to write the policy.
    [Parameter(Mandatory)]
    [string] $OutputPath,

    # JSON, CloudFormation or Terraform (Export-LPPolicy -Format).
    [string] $Format = 'Json',

    # The discovery user to create.
    [string] $UserName = 'iac-discovery-' + [guid]::NewGuid().ToString('N').Substring(0, 6),

    [string] $Region = $(if ($env:AWS_REGION) { $env:AWS_REGION } elseif ($env:AWS_DEFAULT_REGION) { $env:AWS_DEFAULT_REGION } else { 'us-east-1' }),

    # The profile the LeastPriv cmdlets use to create and remove the discovery resources.
    [string] $ProfileName,

    # Which generator writes the policy: Access Analyzer (management events) or Local (also data events).
    [ValidateSet('AccessAnalyzer', 'Local')]
    [string] $Generator = 'AccessAnalyzer',

    # Data events the trail records (S3, Lambda, DynamoDB).
    [string[]] $IncludeDataEvents = @('S3', 'Lambda'),

    # Re-run deploy and teardown as a principal holding only the policy; fail when a call is denied.
    [switch] $Verify,

    # Seconds to wait for CloudTrail to deliver the capture windows.
    [int] $DeliveryTimeout = 1800
)

$ErrorActionPreference = 'Stop'

$aws = @{ Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }

if ($PSCmdlet.ParameterSetName -eq 'Files') {
    foreach ($file in @($DeployFile, $TeardownFile) | Where-Object { $_ }) {
        if (-not [System.IO.File]::Exists([System.IO.Path]::GetFullPath($file))) { throw "The script file '$file' does not exist." }
    }

    $deployPath = [System.IO.Path]::GetFullPath($DeployFile)
    $Deploy = [scriptblock]::Create("& '$($deployPath.Replace("'", "''"))'")
    if ($TeardownFile) {
        $teardownPath = [System.IO.Path]::GetFullPath($TeardownFile)
        $Teardown = [scriptblock]::Create("& '$($teardownPath.Replace("'", "''"))'")
    }
}

$user = $null
$exitCode = 0
try {
    $user = New-LPDiscoveryUser -UserName $UserName @aws
    "discovery user $($user.PrincipalArn) (session $($user.SessionId))"
    $trail = $user | New-LPDiscoveryTrail -IncludeDataEvents $IncludeDataEvents @aws
    "trail $($trail.TrailName) -> s3://$($trail.BucketName)"

    $windows = @($user | Invoke-LPDiscoveryCapture -Label deploy -ScriptBlock $Deploy @aws)
    if ($windows[-1].Succeeded -and $Teardown) {
        $windows += $user | Invoke-LPDiscoveryCapture -Label teardown -ScriptBlock $Teardown @aws
    }

    foreach ($window in $windows) {
        "capture {0}: {1:u} - {2:u}, succeeded: {3}" -f $window.Label, $window.StartTime, $window.EndTime, $window.Succeeded
        if (-not $window.Succeeded) { throw "The $($window.Label) step failed (exit code $($window.ExitCode)): $($window.Error)" }
    }

    $delivery = $user | Wait-LPCloudTrailDelivery -Timeout $DeliveryTimeout @aws
    if (-not $delivery.Delivered) { throw "CloudTrail did not deliver the capture windows within $DeliveryTimeout seconds." }

    if ($Generator -eq 'Local') {
        $policy = $user | Get-LPGeneratedPolicy -Local @aws
    }
    else {
        $job = $user | Start-LPPolicyGeneration -Trail $trail @aws
        $policy = $job | Wait-LPPolicyGeneration @aws | Get-LPGeneratedPolicy -Generalize Region, Account @aws
    }

    "policy: $($policy.Actions.Count) action(s) in $($policy.Services.Count) service(s), complete: $($policy.IsComplete)"
    foreach ($reason in $policy.IncompleteReasons) { "  incomplete: $reason" }

    if ($Verify) {
        $replay = if ($Teardown) { [scriptblock]::Create("& { $Deploy }; & { $Teardown }") } else { $Deploy }
        $verification = $policy | Test-LPPolicy -ScriptBlock $replay @aws
        if (-not $verification.Passed) { throw "Verification failed; denied: $($verification.DeniedActions -join ', ')" }
        'verification passed'
    }

    $file = $policy | Export-LPPolicy -Path $OutputPath -Format $Format -Force
    "policy written to $($file.FullName)"
}
catch {
    [Console]::Error.WriteLine("iac-capture failed: $($_.Exception.Message)")
    $exitCode = 1
}
finally {
    if ($user) {
        $cleanup = @($user | Remove-LPDiscoveryResources -Force @aws)
        $failed = @($cleanup | Where-Object { "$($_.Action)" -eq 'Failed' })
        "cleanup: {0} resource(s) handled, {1} failed" -f $cleanup.Count, $failed.Count
        foreach ($f in $failed) { [Console]::Error.WriteLine("cleanup failed: $($f.ResourceType) $($f.Name): $($f.Error)") }
        if ($failed.Count -gt 0) { $exitCode = 1 }
    }
}

exit $exitCode
