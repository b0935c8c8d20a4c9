<#
.SYNOPSIS
    Generates a least-privilege policy from CloudTrail log files, with no AWS account.

.DESCRIPTION
    The logs under ./logs are a small application workload: the IAM user app-orders writes and
    reads orders in S3 (encrypted with KMS through S3), records them in DynamoDB, publishes to
    SNS, queues a retry in SQS, invokes a Lambda function and deploys another one with its role.
    It is also refused one call, signs in to the console and checks its identity; AWS services
    act around it. The script generates the policy twice (from piped events and straight from
    the files), then prints the policy and what was left out.
#>
[CmdletBinding()]
param(
    [string] $UserName = 'app-orders'
)

# [System.IO.Path] rather than Join-Path: the script also runs in minimal hosts without the Management module.
$logs = [System.IO.Path]::Combine($PSScriptRoot, 'logs')

# 1. Events first, so they can be looked at or filtered further, then the policy. -IncludeErrors
#    keeps failed calls: one that failed after it was authorised still needs its permission.
$fromEvents = Get-LPCloudTrailEvent -Path $logs -UserName $UserName -IncludeErrors | ConvertTo-LPPolicy

# 2. Straight from the files: the fast path, scoped to the resources the workload touched.
$policy = ConvertTo-LPPolicy -Path $logs -UserName $UserName -ResourceScope Observed

'--- Policy (resource scope Any, from Get-LPCloudTrailEvent) ---'
$fromEvents.Json
''
'--- Policy (resource scope Observed, from the files) ---'
$policy.Json
''
'--- Summary ---'
'Principal     : {0}' -f $policy.PrincipalArn
'Events        : {0} read, {1} granted' -f $policy.EventCount, $policy.MatchedEventCount
'Actions       : {0} in {1} services ({2})' -f $policy.Actions.Count, $policy.Services.Count, ($policy.Services -join ', ')
'Size          : {0} of 6144 characters' -f $policy.PolicySize
'Complete      : {0}' -f $policy.IsComplete
foreach ($reason in $policy.IncompleteReasons) { '  - {0}' -f $reason }
foreach ($call in $policy.DeniedCalls) { 'Denied        : {0} x{1}: {2}' -f $call.Action, $call.Count, $call.MessageSample }
foreach ($action in $policy.InferredActions) { 'Inferred      : {0} on {1} ({2})' -f $action.Action, ($action.Resources -join ', '), $action.Reason }
foreach ($action in $policy.ServiceInvokedActions) { 'Via service   : {0} by {1} x{2}' -f $action.Action, $action.InvokedBy, $action.Count }
foreach ($ignored in $policy.IgnoredEvents) { 'Not granted   : {0} x{1}' -f $ignored.Reason, $ignored.Count }
