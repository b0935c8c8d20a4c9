<#
.SYNOPSIS
    A whole discovery run: a throwaway user and trail, a captured AWS CLI workload, the policy
    from IAM Access Analyzer and from the local generator, a verification run, export, teardown.

.DESCRIPTION
    The workload is the AWS CLI working with S3: it creates a bucket, tags it, writes, reads and
    lists an object, then deletes both. The script

      1. creates the discovery user (AdministratorAccess, tagged with its session) and a trail
         that also records S3 data events;
      2. runs the workload once with the user's keys (the capture window);
      3. waits until CloudTrail has delivered the window's events;
      4. asks IAM Access Analyzer for a policy, and the local generator for another from the same
         log files (it also reads data events, which Access Analyzer leaves out);
      5. re-runs the workload as a temporary principal that holds only the local policy: every
         call must be allowed;
      6. writes the policy to a file and deletes everything the session created, whatever
         happened before.

    With no AWS account, run it against the local stand-in:

        dotnet run --project tools/LeastPriv.Shell -- -StandIn -File examples/discovery-demo.ps1

    Against AWS (pwsh, credentials allowed to create IAM users, trails and buckets):

        ./examples/discovery-demo.ps1 -ProfileName admin -Region eu-west-1 -OutputPath ./demo-policy.json

    CloudTrail takes 5 to 15 minutes to deliver events in AWS, and Access Analyzer a few more:
    raise -DeliveryTimeout there.
#>
[CmdletBinding()]
param(
    # The discovery user to create.
    [string] $UserName = 'leastpriv-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 6),

    # The region of the trail and the workload; AWS_REGION, else us-east-1.
    [string] $Region = $(if ($env:AWS_REGION) { $env:AWS_REGION } elseif ($env:AWS_DEFAULT_REGION) { $env:AWS_DEFAULT_REGION } else { 'us-east-1' }),

    # The profile the LeastPriv cmdlets use for the discovery resources (not the workload's).
    [string] $ProfileName,

    # The bucket the workload creates and deletes.
    [string] $BucketName = 'leastpriv-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 12),

    # Where to write the policy; by default a temporary file that is shown and then deleted.
    [string] $OutputPath,

    # How long to wait for CloudTrail to deliver the window's events.
    # Seconds to wait for CloudTrail to deliver the capture windows.
    [int] $DeliveryTimeout = 1200
)

$ErrorActionPreference = 'Stop'

$aws = @{ Region = $Region }
if ($ProfileName) { $aws.ProfileName = $ProfileName }

# The workload: plain AWS CLI calls. Invoke-LPDiscoveryCapture and Test-LPPolicy run it with the
# discovery user's (or the verification principal's) keys in the environment; a refused call
# makes the CLI exit non-zero, which stops the block.
$workload = {
    function Invoke-AwsCli {
        $output = & aws @args
        if ($LASTEXITCODE -ne 0) { throw "aws $($args -join ' ') exited with $LASTEXITCODE" }
        $output
    }

    $body = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "$BucketName-greeting.txt")
    [System.IO.File]::WriteAllText($body, 'Hello from the LeastPriv demo')
    try {
        $location = if ($Region -ne 'us-east-1') { @('--create-bucket-configuration', "LocationConstraint=$Region") } else { @() }
        $null = Invoke-AwsCli s3api create-bucket --bucket $BucketName --region $Region @location
        $null = Invoke-AwsCli s3api put-bucket-tagging --bucket $BucketName --region $Region --tagging 'TagSet=[{Key=app,Value=leastpriv-demo}]'
        $null = Invoke-AwsCli s3api get-bucket-tagging --bucket $BucketName --region $Region
        $null = Invoke-AwsCli s3api put-object --bucket $BucketName --region $Region --key greeting.txt --body $body
        $null = Invoke-AwsCli s3api get-object --bucket $BucketName --region $Region --key greeting.txt "$body.copy"
        $null = Invoke-AwsCli s3api list-objects-v2 --bucket $BucketName --region $Region
        $null = Invoke-AwsCli s3api delete-object --bucket $BucketName --region $Region --key greeting.txt
        $null = Invoke-AwsCli s3api delete-bucket --bucket $BucketName --region $Region
    }
    finally {
        foreach ($file in $body, "$body.copy") { if ([System.IO.File]::Exists($file)) { [System.IO.File]::Delete($file) } }
    }
}

$temporary = $null
if (-not $OutputPath) {
    $temporary = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'leastpriv-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = [System.IO.Directory]::CreateDirectory($temporary)
    $OutputPath = [System.IO.Path]::Combine($temporary, 'demo-policy.json')
}

if ($env:AWS_ENDPOINT_URL) { "Endpoint        : $env:AWS_ENDPOINT_URL" }
"Region          : $Region"

$user = $null
$exitCode = 0
try {
    # 1. The discovery principal and its trail (with S3 data events, for the local generator).
    $user = New-LPDiscoveryUser -UserName $UserName @aws
    "Discovery user  : $($user.PrincipalArn) (session $($user.SessionId))"
    $trail = $user | New-LPDiscoveryTrail -IncludeDataEvents S3 @aws
    "Trail           : $($trail.TrailName) -> s3://$($trail.BucketName)"

    # 2. The capture: the workload runs once with the discovery user's keys.
    $window = $user | Invoke-LPDiscoveryCapture -Label workload -ScriptBlock $workload @aws
    "Capture         : {0:HH:mm:ss} - {1:HH:mm:ss} UTC, succeeded: {2}" -f $window.StartTime, $window.EndTime, $window.Succeeded
    if (-not $window.Succeeded) { throw "The workload failed under the discovery user: $($window.Error)" }

    # 3. CloudTrail delivers log files some minutes after the calls.
    $delivery = $user | Wait-LPCloudTrailDelivery -Timeout $DeliveryTimeout @aws
    "Delivery        : {0} log file(s), delivered: {1}" -f $delivery.LogFileCount, $delivery.Delivered

    # 4. Two generators over the same log files.
    $job = $user | Start-LPPolicyGeneration -Trail $trail @aws
    $analyzer = $job | Wait-LPPolicyGeneration @aws | Get-LPGeneratedPolicy -Generalize Region, Account @aws
    $local = $user | Get-LPGeneratedPolicy -Local @aws
    "Access Analyzer : {0} action(s): {1}" -f $analyzer.Actions.Count, ($analyzer.Actions -join ', ')
    "Local generator : {0} action(s): {1}" -f $local.Actions.Count, ($local.Actions -join ', ')
    # What only the local generator granted: typically S3 object calls, which are data events.
    $onlyLocal = @(Compare-LPPolicy -Reference $analyzer -Difference $local | Where-Object SideIndicator -eq '=>' | ForEach-Object Action)
    if ($onlyLocal.Count -gt 0) {
        "Only local      : $($onlyLocal -join ', ')"
    }

    # 5. Proof: the workload again, as a principal holding only the local policy.
    $verification = $local | Test-LPPolicy -ScriptBlock $workload @aws
    if ($verification.Passed) {
        'Verification    : passed (every call of the workload was allowed by the policy alone)'
    }
    else {
        "Verification    : FAILED, denied: $($verification.DeniedActions -join ', ')"
        $exitCode = 1
    }

    # 6. The policy file.
    $file = $local | Export-LPPolicy -Path $OutputPath -Force
    "Policy file     : $($file.FullName) ($($file.Length) bytes)"
    if ($temporary) {
        ''
        [System.IO.File]::ReadAllText($file.FullName)
        ''
    }
}
catch {
    "Failed          : $($_.Exception.Message)"
    $exitCode = 1
}
finally {
    # Teardown always runs: keys, user, trail, bucket, role, from the session's manifest and by tag.
    if ($user) {
        $cleanup = @($user | Remove-LPDiscoveryResources -Force @aws)
        $deleted = @($cleanup | Where-Object { "$($_.Action)" -in 'Deleted', 'AlreadyGone' }).Count
        $failed = @($cleanup | Where-Object { "$($_.Action)" -eq 'Failed' })
        "Cleanup         : {0} resource(s) removed, {1} failed" -f $deleted, $failed.Count
        foreach ($f in $failed) { "  - {0} {1}: {2}" -f $f.ResourceType, $f.Name, $f.Error }
        if ($failed.Count -gt 0) { $exitCode = 1 }
    }

    if ($temporary -and [System.IO.Directory]::Exists($temporary)) {
        [System.IO.Directory]::Delete($temporary, $true)
    }
}

exit $exitCode
