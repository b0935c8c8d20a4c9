using System.Management.Automation;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Reliability;

/// <summary>One bad input: the script that gives it to a cmdlet and the error a user must get.</summary>
/// <param name="Name">Unique row name (the test case name).</param>
/// <param name="Script">Runs the cmdlet; <c>$d</c> is the folder of <see cref="BadInputFiles"/>, <c>@aws</c> the common AWS parameters.</param>
/// <param name="ErrorId">The documented ErrorId (the FullyQualifiedErrorId starts with it).</param>
/// <param name="Category">The error category.</param>
/// <param name="Target">Text the error's target object contains (a path, an ARN, the value given).</param>
public sealed record BadInput(string Name, string Script, string ErrorId, ErrorCategory Category, string Target);

/// <summary>
/// Bad input through the real cmdlets in a hosted PowerShell engine: each gets its documented
/// ErrorId, category and target, no AWS call is made (the AWS parameters point at an endpoint
/// that records every request), and nothing crashes or hangs.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class BadInputTests : IClassFixture<BadInputFiles>, IDisposable
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(90);

    private static readonly string Long65 = new('a', 65);
    private static readonly string Long129 = new('p', 129);

    /// <summary>
    /// The table. A cmdlet added later gets its rows appended here, one line each, e.g.
    /// <c>Row("trail in another account", "New-LPDiscoveryTrail -SessionId x -TrailArn 'arn:aws:cloudtrail:us-east-1:210987654321:trail/t' @aws", "TrailAccountMismatch", ErrorCategory.InvalidArgument, "210987654321")</c>.
    /// </summary>
    public static readonly BadInput[] Rows =
    [
        // Get-LPCloudTrailEvent
        Row("GetEvent reversed time range", "Get-LPCloudTrailEvent -Path $d/good.json -StartTime ([datetime]'2026-03-01Z') -EndTime ([datetime]'2026-01-01Z')", "CloudTrailTimeRangeInvalid", ErrorCategory.InvalidArgument, "2026-03-01"),
        Row("GetEvent principal ARN with short account", "Get-LPCloudTrailEvent -Path $d/good.json -PrincipalArn 'arn:aws:iam::12345:user/alice'", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:iam::12345:user/alice"),
        Row("GetEvent principal that is no ARN", "Get-LPCloudTrailEvent -Path $d/good.json -PrincipalArn 'alice'", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "alice"),
        Row("GetEvent principal ARN of a bucket", "Get-LPCloudTrailEvent -Path $d/good.json -PrincipalArn 'arn:aws:s3:::lp-data'", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:s3:::lp-data"),
        Row("GetEvent unknown region", "Get-LPCloudTrailEvent -Path $d/good.json -Region 'mars-north-1'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),
        Row("GetEvent user name over the IAM limit", $"Get-LPCloudTrailEvent -Path $d/good.json -UserName '{Long65}'", "CloudTrailUserNameInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("GetEvent missing path", "Get-LPCloudTrailEvent -Path $d/no-such-file.json", "CloudTrailPathNotFound", ErrorCategory.ObjectNotFound, "no-such-file.json"),
        Row("GetEvent missing literal path", "Get-LPCloudTrailEvent -LiteralPath $d/no-such-file.json", "CloudTrailPathNotFound", ErrorCategory.ObjectNotFound, "no-such-file.json"),
        Row("GetEvent corrupt gzip", "Get-LPCloudTrailEvent -Path $d/corrupt.json.gz", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "corrupt.json.gz"),
        Row("GetEvent truncated gzip", "Get-LPCloudTrailEvent -Path $d/truncated.json.gz", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "truncated.json.gz"),
        Row("GetEvent zero-byte file", "Get-LPCloudTrailEvent -Path $d/empty.json", "CloudTrailFileEmpty", ErrorCategory.InvalidData, "empty.json"),
        Row("GetEvent JSON nested 100000 deep", "Get-LPCloudTrailEvent -Path $d/bomb.json", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "bomb.json"),
        Row("GetEvent non-UTF-8 bytes", "Get-LPCloudTrailEvent -Path $d/not-utf8.json", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "not-utf8.json"),

        // ConvertTo-LPPolicy
        Row("ConvertTo missing path", "ConvertTo-LPPolicy -Path $d/no-such-folder", "CloudTrailPathNotFound", ErrorCategory.ObjectNotFound, "no-such-folder"),
        Row("ConvertTo reversed time range", "ConvertTo-LPPolicy -Path $d/good.json -StartTime ([datetime]'2026-03-01Z') -EndTime ([datetime]'2026-01-01Z')", "CloudTrailTimeRangeInvalid", ErrorCategory.InvalidArgument, "2026-03-01"),
        Row("ConvertTo malformed principal ARN", "ConvertTo-LPPolicy -Path $d/good.json -PrincipalArn 'arn:aws:iam::123456789012:usr/alice'", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "usr/alice"),
        Row("ConvertTo unknown region", "ConvertTo-LPPolicy -Path $d/good.json -Region 'us-nowhere-9x'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "us-nowhere-9x"),
        Row("ConvertTo user name over the IAM limit", $"ConvertTo-LPPolicy -Path $d/good.json -UserName '{Long65}'", "CloudTrailUserNameInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("ConvertTo corrupt gzip", "ConvertTo-LPPolicy -Path $d/corrupt.json.gz", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "corrupt.json.gz"),
        Row("ConvertTo JSON nested 100000 deep", "ConvertTo-LPPolicy -Path $d/bomb.json", "CloudTrailFileCorrupt", ErrorCategory.InvalidData, "bomb.json"),

        // Merge-LPPolicy
        Row("Merge invalid policy JSON", "Merge-LPPolicy -Policy '{\"Version\":\"2012-10-17\",\"Statement\":['", "PolicyJsonMalformed", ErrorCategory.ParserError, "2012-10-17"),
        Row("Merge unknown policy element", "Merge-LPPolicy -Policy '{\"Version\":\"2012-10-17\",\"Statment\":[]}'", "PolicyDocumentInvalid", ErrorCategory.InvalidData, "Statment"),
        Row("Merge missing policy file", "Merge-LPPolicy -Policy $d/no-such-policy.json", "PolicyFileNotFound", ErrorCategory.ObjectNotFound, "no-such-policy.json"),
        Row("Merge folder given as policy", "Merge-LPPolicy -Policy $d/folder.json", "PolicyPathIsDirectory", ErrorCategory.InvalidArgument, "folder.json"),
        Row("Merge zero-byte policy file", "Merge-LPPolicy -Policy $d/empty-policy.json", "PolicyFileEmpty", ErrorCategory.InvalidData, "empty-policy.json"),
        Row("Merge policy JSON nested 100000 deep", "Merge-LPPolicy -Policy $d/bomb-policy.json", "PolicyJsonMalformed", ErrorCategory.ParserError, "bomb-policy.json"),
        Row("Merge non-UTF-8 policy file", "Merge-LPPolicy -Policy $d/not-utf8-policy.json", "PolicyFileEncodingInvalid", ErrorCategory.InvalidData, "not-utf8-policy.json"),
        Row("Merge policy file over every IAM size", "Merge-LPPolicy -Policy $d/huge-policy.json", "PolicyFileTooLarge", ErrorCategory.LimitsExceeded, "huge-policy.json"),

        // Compare-LPPolicy
        Row("Compare principal ARN with short account", "Compare-LPPolicy -Reference $d/existing.json -PrincipalArn 'arn:aws:iam::1234:user/alice' @aws", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:iam::1234:user/alice"),
        Row("Compare user name over the IAM limit", $"Compare-LPPolicy -Reference $d/existing.json -PrincipalArn 'arn:aws:iam::123456789012:user/{Long65}' @aws", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("Compare role name over the IAM limit", $"Compare-LPPolicy -Reference $d/existing.json -PrincipalArn 'arn:aws:iam::123456789012:role/{Long65}' @aws", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("Compare assumed-role session ARN", "Compare-LPPolicy -Reference $d/existing.json -PrincipalArn 'arn:aws:sts::123456789012:assumed-role/app/s1' @aws", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "assumed-role/app/s1"),
        Row("Compare unknown region", "Compare-LPPolicy -Reference $d/existing.json -PrincipalArn 'arn:aws:iam::123456789012:user/alice' @aws -Region 'mars-north-1'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),
        Row("Compare invalid reference JSON", "Compare-LPPolicy -Reference '{\"Statement\":' -PrincipalArn 'arn:aws:iam::123456789012:user/alice' @aws", "PolicyJsonMalformed", ErrorCategory.ParserError, "Statement"),
        Row("Compare non-UTF-8 reference file", "Compare-LPPolicy -Reference $d/not-utf8-policy.json -Difference $d/existing.json", "PolicyFileEncodingInvalid", ErrorCategory.InvalidData, "not-utf8-policy.json"),

        // Test-LPPolicy
        Row("Test invalid policy JSON", "Test-LPPolicy -Policy '{\"Version\":\"2012-10-17\",' -Remote @aws", "PolicyJsonMalformed", ErrorCategory.ParserError, "2012-10-17"),
        Row("Test missing policy file", "Test-LPPolicy -Policy $d/no-such-policy.json -Remote @aws", "PolicyFileNotFound", ErrorCategory.ObjectNotFound, "no-such-policy.json"),
        Row("Test policy JSON nested 100000 deep", "Test-LPPolicy -Policy $d/bomb-policy.json -Remote @aws", "PolicyJsonMalformed", ErrorCategory.ParserError, "bomb-policy.json"),
        Row("Test remote with unknown region", "Test-LPPolicy -Policy $d/existing.json -Remote @aws -Region 'mars-north-1'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),
        Row("Test remote with a malformed endpoint", "Test-LPPolicy -Policy $d/existing.json -Remote @aws -EndpointUrl 'not a url'", "AwsEndpointInvalid", ErrorCategory.InvalidArgument, "not a url"),

        // Export-LPPolicy
        Row("Export policy name over the IAM limit", $"Export-LPPolicy -Policy $d/existing.json -Path $d/out.json -Format CloudFormation -PolicyName '{Long129}'", "PolicyNameInvalid", ErrorCategory.InvalidArgument, Long129),
        Row("Export two policies to one path", "\"$d/existing.json\", \"$d/existing.json\" | Export-LPPolicy -Path $d/out2.json", "PolicyInputMultiple", ErrorCategory.InvalidArgument, "existing.json"),
        Row("Export to a folder", "Export-LPPolicy -Policy $d/existing.json -Path $d/folder.json", "ExportPathIsDirectory", ErrorCategory.InvalidArgument, "folder.json"),
        Row("Export into a missing folder", "Export-LPPolicy -Policy $d/existing.json -Path $d/no-such-folder/out.json", "ExportFolderNotFound", ErrorCategory.ObjectNotFound, "no-such-folder"),
        Row("Export existing file with NoClobber", "Export-LPPolicy -Policy $d/existing.json -Path $d/existing.json -NoClobber", "ExportFileExists", ErrorCategory.ResourceExists, "existing.json"),
        Row("Export invalid policy JSON", "Export-LPPolicy -Policy '{\"Version\":1' -Path $d/out3.json", "PolicyJsonMalformed", ErrorCategory.ParserError, "Version"),

        // New-LPDiscoveryUser
        Row("NewUser name over the IAM limit", $"New-LPDiscoveryUser -UserName '{Long65}' @aws", "DiscoveryUserNameInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("NewUser name with a space", "New-LPDiscoveryUser -UserName 'lp user' @aws", "DiscoveryUserNameInvalid", ErrorCategory.InvalidArgument, "lp user"),
        Row("NewUser malformed policy ARN", "New-LPDiscoveryUser -UserName lp-user -PolicyArn 'arn:aws:iam::aws:ReadOnlyAccess' @aws", "DiscoveryPolicyArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:iam::aws:ReadOnlyAccess"),
        Row("NewUser malformed permissions boundary", "New-LPDiscoveryUser -UserName lp-user -PermissionsBoundary 'arn:aws:iam::12345:policy/b' @aws", "DiscoveryPolicyArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:iam::12345:policy/b"),
        Row("NewUser path without trailing slash", "New-LPDiscoveryUser -UserName lp-user -Path '/leastpriv' @aws", "DiscoveryPathInvalid", ErrorCategory.InvalidArgument, "/leastpriv"),
        Row("NewUser reserved tag prefix", "New-LPDiscoveryUser -UserName lp-user -Tag @{ 'aws:owner' = 'me' } @aws", "DiscoveryTagInvalid", ErrorCategory.InvalidArgument, "aws:owner"),
        Row("NewUser session tag set by hand", "New-LPDiscoveryUser -UserName lp-user -Tag @{ 'leastpriv:session' = 'x' } @aws", "DiscoveryTagInvalid", ErrorCategory.InvalidArgument, "leastpriv:session"),
        Row("NewUser unknown region", "New-LPDiscoveryUser -UserName lp-user @aws -Region 'mars-north-1'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),

        // New-LPDiscoveryRole
        Row("NewRole name over the IAM limit", $"New-LPDiscoveryRole -RoleName '{Long65}' @aws", "DiscoveryRoleNameInvalid", ErrorCategory.InvalidArgument, Long65),
        Row("NewRole malformed trust principal", "New-LPDiscoveryRole -RoleName lp-role -TrustPrincipal 'arn:aws:iam::123456789012:group/devs' @aws", "DiscoveryTrustPrincipalInvalid", ErrorCategory.InvalidArgument, "group/devs"),
        Row("NewRole session duration out of range", "New-LPDiscoveryRole -RoleName lp-role -MaxSessionDuration 100 @aws", "DiscoveryMaxSessionDurationInvalid", ErrorCategory.InvalidArgument, "100"),
        Row("NewRole unknown region", "New-LPDiscoveryRole -RoleName lp-role @aws -Region 'mars-north-1'", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),

        // Get-LPDiscoverySession
        Row("GetSession id with a path", "Get-LPDiscoverySession -SessionId '../../etc/passwd' -Refresh @aws", "SessionIdInvalid", ErrorCategory.InvalidArgument, "../../etc/passwd"),
        Row("GetSession unknown id", "Get-LPDiscoverySession -SessionId 'lp-20000101000000-deadbeef' -Refresh @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),

        // Remove-LPDiscoveryResources
        Row("RemoveResources unknown id", "Remove-LPDiscoveryResources -SessionId 'lp-20000101000000-deadbeef' -Force @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),
        Row("RemoveResources id with a path", "Remove-LPDiscoveryResources -SessionId 'a/../../b' -Force @aws", "SessionIdInvalid", ErrorCategory.InvalidArgument, "a/../../b"),

        // Start-LPPolicyGeneration ($g: a principal, trail and role that are well formed)
        Row("StartGen reversed time range", "Start-LPPolicyGeneration @g -StartTime ([datetime]'2026-03-01Z') -EndTime ([datetime]'2026-01-01Z') @aws", "PolicyGenerationTimeRangeInvalid", ErrorCategory.InvalidArgument, "2026-03-01"),
        Row("StartGen range over 90 days", "Start-LPPolicyGeneration @g -StartTime ([datetime]'2026-01-01Z') -EndTime ([datetime]'2026-04-02Z') @aws", "PolicyGenerationTimeRangeTooLong", ErrorCategory.InvalidArgument, "2026-01-01"),
        Row("StartGen malformed trail ARN", "Start-LPPolicyGeneration -PrincipalArn $g.PrincipalArn -AccessRoleArn $g.AccessRoleArn -Trail 'arn:aws:cloudtrail:us-east-1:123456789012:lp-trail' -StartTime ([datetime]'2026-01-01Z') -EndTime ([datetime]'2026-01-02Z') @aws", "TrailArnInvalid", ErrorCategory.InvalidArgument, "arn:aws:cloudtrail:us-east-1:123456789012:lp-trail"),
        Row("StartGen malformed access role", "Start-LPPolicyGeneration -PrincipalArn $g.PrincipalArn -Trail $g.Trail -AccessRoleArn 'arn:aws:iam::123456789012:user/not-a-role' -StartTime ([datetime]'2026-01-01Z') -EndTime ([datetime]'2026-01-02Z') @aws", "AccessRoleArnInvalid", ErrorCategory.InvalidArgument, "user/not-a-role"),
        Row("StartGen unknown trail region", "Start-LPPolicyGeneration @g -TrailRegion 'mars-north-1' -StartTime ([datetime]'2026-01-01Z') -EndTime ([datetime]'2026-01-02Z') @aws", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),
        Row("StartGen no trail at all", "Start-LPPolicyGeneration -PrincipalArn $g.PrincipalArn -StartTime ([datetime]'2026-01-01Z') -EndTime ([datetime]'2026-01-02Z') @aws", "PolicyGenerationTrailMissing", ErrorCategory.InvalidArgument, "user/lp-user"),
        Row("StartGen principal that is a group", "Start-LPPolicyGeneration -PrincipalArn 'arn:aws:iam::123456789012:group/devs' -Trail $g.Trail -AccessRoleArn $g.AccessRoleArn @aws", "PrincipalArnInvalid", ErrorCategory.InvalidArgument, "group/devs"),
        Row("StartGen unknown session id", "Start-LPPolicyGeneration @g -SessionId 'lp-20000101000000-deadbeef' @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),

        // Get-LPGeneratedPolicy, Wait-LPPolicyGeneration, Stop-LPPolicyGeneration
        Row("GetPolicy local reversed time range", "Get-LPGeneratedPolicy -Local -SessionId 'lp-20000101000000-deadbeef' -StartTime ([datetime]'2026-03-01Z') -EndTime ([datetime]'2026-01-01Z') @aws", "PolicyGenerationTimeRangeInvalid", ErrorCategory.InvalidArgument, "2026-03-01"),
        Row("GetPolicy local range over 90 days", "Get-LPGeneratedPolicy -Local -SessionId 'lp-20000101000000-deadbeef' -StartTime ([datetime]'2025-01-01Z') -EndTime ([datetime]'2025-06-01Z') @aws", "PolicyGenerationTimeRangeTooLong", ErrorCategory.InvalidArgument, "2025-01-01"),
        Row("GetPolicy local unknown session id", "Get-LPGeneratedPolicy -Local -SessionId 'lp-20000101000000-deadbeef' @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),
        Row("GetPolicy job id with a path", "Get-LPGeneratedPolicy -JobId '../../jobs/x' @aws", "PolicyGenerationJobIdInvalid", ErrorCategory.InvalidArgument, "../../jobs/x"),
        Row("WaitGen job id with spaces", "Wait-LPPolicyGeneration -JobId 'not a job' @aws", "PolicyGenerationJobIdInvalid", ErrorCategory.InvalidArgument, "not a job"),
        Row("StopGen job id with a query", "Stop-LPPolicyGeneration -JobId 'x?y=1' @aws", "PolicyGenerationJobIdInvalid", ErrorCategory.InvalidArgument, "x?y=1"),

        // New-LPDiscoveryTrail
        Row("NewTrail unknown session id", "New-LPDiscoveryTrail -SessionId 'lp-20000101000000-deadbeef' @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),
        Row("NewTrail name with a space", "New-LPDiscoveryTrail -SessionId 'lp-20000101000000-deadbeef' -TrailName 'lp trail' @aws", "DiscoveryTrailNameInvalid", ErrorCategory.InvalidArgument, "lp trail"),
        Row("NewTrail bucket name in capitals", "New-LPDiscoveryTrail -SessionId 'lp-20000101000000-deadbeef' -BucketName 'LP_Bucket' @aws", "DiscoveryTrailBucketNameInvalid", ErrorCategory.InvalidArgument, "LP_Bucket"),
        Row("NewTrail unknown region", "New-LPDiscoveryTrail -SessionId 'lp-20000101000000-deadbeef' -Region 'mars-north-1' @aws", "AwsRegionInvalid", ErrorCategory.InvalidArgument, "mars-north-1"),
        Row("NewTrail session id with a path", "New-LPDiscoveryTrail -SessionId '../x' @aws", "SessionIdInvalid", ErrorCategory.InvalidArgument, "../x"),

        // Invoke-LPDiscoveryCapture, Wait-LPCloudTrailDelivery
        Row("Capture input that is no principal", "42 | Invoke-LPDiscoveryCapture -ScriptBlock { } @aws", "CaptureInputInvalid", ErrorCategory.InvalidArgument, "42"),
        Row("Capture unknown session id", "'lp-20000101000000-deadbeef' | Invoke-LPDiscoveryCapture -ScriptBlock { } @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),
        Row("WaitDelivery unknown session id", "Wait-LPCloudTrailDelivery -SessionId 'lp-20000101000000-deadbeef' -Timeout 5 @aws", "SessionNotFound", ErrorCategory.ObjectNotFound, "lp-20000101000000-deadbeef"),
        Row("WaitDelivery zero timeout", "Wait-LPCloudTrailDelivery -SessionId 'lp-20000101000000-deadbeef' -Timeout 0 @aws", "CloudTrailDeliveryTimeoutInvalid", ErrorCategory.InvalidArgument, "0"),
        Row("WaitDelivery negative timeout", "Wait-LPCloudTrailDelivery -SessionId 'lp-20000101000000-deadbeef' -Timeout -5 @aws", "CloudTrailDeliveryTimeoutInvalid", ErrorCategory.InvalidArgument, "-5"),
    ];

    private readonly BadInputFiles _files;
    private readonly LoopbackServer _aws = new(_ => new ScriptedResponse(500, "no AWS call is expected"));

    public BadInputTests(BadInputFiles files)
    {
        _files = files;
    }

    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows)
        {
            data.Add(row.Name);
        }

        return data;
    }

    [Fact]
    public void Table_HasAtLeastFortyDistinctRows()
    {
        Assert.True(Rows.Length >= 40, $"{Rows.Length} rows");
        Assert.Equal(Rows.Length, Rows.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Cmdlet_BadInput_FailsWithDocumentedErrorBeforeAnyAwsCall(string name)
    {
        var row = Rows.Single(r => r.Name == name);
        var ps = _files.Session;
        var vars = new Dictionary<string, object?>
        {
            ["d"] = _files.Root,
            ["g"] = new System.Collections.Hashtable
            {
                ["PrincipalArn"] = "arn:aws:iam::123456789012:user/lp-user",
                ["Trail"] = "arn:aws:cloudtrail:us-east-1:123456789012:trail/lp-trail",
                ["AccessRoleArn"] = "arn:aws:iam::123456789012:role/lp-access",
            },
            ["aws"] = new System.Collections.Hashtable
            {
                ["EndpointUrl"] = _aws.Url,
                ["Region"] = "us-east-1",
                ["AccessKey"] = "AKIAIOSFODNN7EXAMPLE",
                ["SecretKey"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            },
        };

        var run = RunWithWatchdog(ps, row.Script, vars);

        var errors = run.Errors.Concat(run.TerminatingError is null ? [] : [run.TerminatingError]).ToList();
        Assert.True(errors.Count > 0, $"{row.Name}: no error was written; output: {run.Output.Count} object(s).");
        var error = errors[0];
        Assert.True(
            error.FullyQualifiedErrorId.StartsWith(row.ErrorId + ",", StringComparison.Ordinal),
            $"{row.Name}: expected {row.ErrorId}, got {error.FullyQualifiedErrorId}: {error.Exception?.Message}");
        Assert.Equal(row.Category, error.CategoryInfo.Category);
        Assert.Contains(row.Target, TargetText(error.TargetObject), StringComparison.Ordinal);
        Assert.Equal("LeastPrivException", error.Exception?.GetType().Name);
        Assert.Empty(_aws.Requests);
    }

    private static PSRun RunWithWatchdog(PowerShellSession ps, string script, Dictionary<string, object?> vars)
    {
        var work = Task.Run(() => ps.Run(script, vars));
        Assert.True(work.Wait(Watchdog), $"'{script}' did not finish within {Watchdog.TotalSeconds} s.");
        return work.Result;
    }

    private static string TargetText(object? target) => target switch
    {
        null => string.Empty,
        PSObject ps => TargetText(ps.BaseObject),
        DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt => dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        FileSystemInfo file => file.FullName,
        _ => Convert.ToString(target, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static BadInput Row(string name, string script, string errorId, ErrorCategory category, string target) =>
        new(name, script, errorId, category, target);

    public void Dispose() => _aws.Dispose();
}
