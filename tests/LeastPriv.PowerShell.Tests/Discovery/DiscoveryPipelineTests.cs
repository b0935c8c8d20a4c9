using System.Management.Automation;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// The DESIGN §1 pipeline as users write it, with the AWS CLI as the workload instead of
/// terraform, against the enforcing stand-in: user, trail, two capture windows, delivery, IAM
/// Access Analyzer generation, the local generator, a verification run, export and teardown.
/// </summary>
[Trait("Category", "Pipeline")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoveryPipelineTests
{
    // The management calls of the workload (what Access Analyzer reads) and the S3 object calls,
    // which CloudTrail records as data events (what the local generator reads as well).
    private static readonly string[] ManagementActions = ["s3:CreateBucket", "s3:PutBucketTagging", "s3:DeleteBucket"];
    private static readonly string[] DataActions = ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"];

    private const string Pipeline = """
        $ErrorActionPreference = 'Stop'
        $deploy = {
            $body = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "$bucket.txt")
            [System.IO.File]::WriteAllText($body, 'pipeline')
            foreach ($call in @(
                    @('s3api', 'create-bucket', '--bucket', $bucket),
                    @('s3api', 'put-bucket-tagging', '--bucket', $bucket, '--tagging', 'TagSet=[{Key=app,Value=pipeline}]'),
                    @('s3api', 'put-object', '--bucket', $bucket, '--key', 'a.txt', '--body', $body),
                    @('s3api', 'get-object', '--bucket', $bucket, '--key', 'a.txt', "$body.copy"),
                    @('s3api', 'list-objects-v2', '--bucket', $bucket))) {
                $null = & $awsCli --endpoint-url $endpoint --region us-east-1 @call
                if ($LASTEXITCODE -ne 0) { throw "aws $($call -join ' ') exited with $LASTEXITCODE" }
            }
        }
        $teardown = {
            foreach ($call in @(
                    @('s3api', 'delete-object', '--bucket', $bucket, '--key', 'a.txt'),
                    @('s3api', 'delete-bucket', '--bucket', $bucket))) {
                $null = & $awsCli --endpoint-url $endpoint --region us-east-1 @call
                if ($LASTEXITCODE -ne 0) { throw "aws $($call -join ' ') exited with $LASTEXITCODE" }
            }
        }

        $user = $null
        try {
            $user  = New-LPDiscoveryUser -UserName $name -Region us-east-1 @aws
            $trail = $user | New-LPDiscoveryTrail -IncludeDataEvents S3,Lambda @aws
            $null  = $user | Invoke-LPDiscoveryCapture -Label deploy   -ScriptBlock $deploy @aws
            $null  = $user | Invoke-LPDiscoveryCapture -Label teardown -ScriptBlock $teardown @aws
            $delivery = $user | Wait-LPCloudTrailDelivery -Timeout 120 @aws
            $job    = $user | Start-LPPolicyGeneration -Trail $trail @aws
            $policy = $job  | Wait-LPPolicyGeneration @aws | Get-LPGeneratedPolicy -Generalize Region,Account @aws
            $file   = $policy | Export-LPPolicy -Path $policyPath
            $local  = $user | Get-LPGeneratedPolicy -Local @aws
            $verification = $local | Test-LPPolicy -ScriptBlock { & $deploy; & $teardown } @aws
        }
        finally {
            if ($user) { $cleanup = @($user | Remove-LPDiscoveryResources -Force @aws) }
        }

        [pscustomobject]@{
            User = $user; Trail = $trail; Delivery = $delivery; Analyzer = $policy; Local = $local
            Verification = $verification; File = $file; Cleanup = $cleanup
        }
        """;

    private readonly DiscoveryStandInFixture _fx;

    public DiscoveryPipelineTests(DiscoveryStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task Pipeline_AwsCliWorkload_BothGeneratorsFindItsActions_VerificationPasses_AndTeardownLeavesNothing()
    {
        using var cli = _fx.OperatorCli();
        var before = await InventoryAsync(cli);
        var name = "lp-pipeline-" + Guid.NewGuid().ToString("N")[..6];
        var bucket = "lp-pipeline-workload-" + Guid.NewGuid().ToString("N")[..8];
        var policyPath = Path.Combine(Directory.CreateTempSubdirectory("lp-pipeline-").FullName, "deployer-policy.json");
        var vars = _fx.AwsVariables();
        vars["name"] = name;
        vars["bucket"] = bucket;
        vars["policyPath"] = policyPath;
        vars["endpoint"] = _fx.EndpointText;
        vars["awsCli"] = cli.Path;
        using var ps = PowerShellSession.Open();

        var run = ps.Run(Pipeline, vars);

        run.ThrowIfFailed();
        var result = run.Output.Single();
        PSObject Prop(string n) => (PSObject)result.Properties[n].Value;
        // The module's types live in its own load context: read them as PowerShell does, by property.
        var trail = Prop("Trail");
        var trailName = (string)trail.Properties["TrailName"].Value;
        var trailBucket = (string)trail.Properties["BucketName"].Value;
        var accessRoleArn = (string)trail.Properties["AccessRoleArn"].Value;
        var sessionId = (string)Prop("User").Properties["SessionId"].Value;
        Assert.True((bool)Prop("Delivery").Properties["Delivered"].Value, "CloudTrail never delivered the capture windows");

        // Access Analyzer saw the workload's management calls; the local generator saw those and
        // the S3 object calls (data events) too.
        var analyzer = Actions(Prop("Analyzer"));
        var local = Actions(Prop("Local"));
        Assert.All(ManagementActions, a => Assert.Contains(a, analyzer, StringComparer.OrdinalIgnoreCase));
        Assert.All(ManagementActions.Concat(DataActions), a => Assert.Contains(a, local, StringComparer.OrdinalIgnoreCase));
        var exported = File.ReadAllText(policyPath);
        Assert.All(ManagementActions, a => Assert.Contains(a, exported, StringComparison.OrdinalIgnoreCase));

        // The workload again, as a principal holding only the local policy: nothing denied.
        var verification = Prop("Verification");
        var denied = ((System.Collections.IEnumerable)verification.Properties["DeniedActions"].Value).Cast<object>().Select(o => o.ToString()).ToList();
        Assert.True((bool)verification.Properties["Passed"].Value, "denied: " + string.Join(", ", denied));
        Assert.Empty(denied);

        // Teardown: nothing failed, and moto holds nothing of the session any more.
        var cleanup = ((object[])result.Properties["Cleanup"].Value).Select(PSObject.AsPSObject).ToList();
        Assert.NotEmpty(cleanup);
        Assert.DoesNotContain(cleanup, c => c.Properties["Action"].Value.ToString() == "Failed");
        var after = await InventoryAsync(cli);
        Assert.DoesNotContain(name, after.Users);
        Assert.Equal(before.Users, after.Users);
        Assert.Equal(before.Roles, after.Roles);
        Assert.DoesNotContain(after.Roles, r => accessRoleArn.EndsWith("/" + r, StringComparison.Ordinal));
        Assert.Equal(before.Policies, after.Policies);
        Assert.DoesNotContain(trailName, after.Trails);
        Assert.Equal(before.Trails, after.Trails);
        Assert.DoesNotContain(trailBucket, after.Buckets);
        Assert.DoesNotContain(bucket, after.Buckets);
        Assert.Equal(before.Buckets, after.Buckets);
        var keys = await cli.RunAsync("iam", "list-access-keys", "--user-name", name);
        Assert.Contains("NoSuchEntity", keys.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(sessionId, (await cli.RunAsync("iam", "list-users")).StandardOutput, StringComparison.Ordinal);
    }

    private static string[] Actions(PSObject policy) =>
        [.. ((System.Collections.IEnumerable)policy.Properties["Actions"].Value).Cast<object>().Select(o => o.ToString() ?? string.Empty)];

    private sealed record Inventory(string[] Users, string[] Roles, string[] Policies, string[] Trails, string[] Buckets);

    /// <summary>What moto holds that a session could have created, read as the operator.</summary>
    private static async Task<Inventory> InventoryAsync(LeastPriv.Emulator.Testing.AwsCli cli)
    {
        async Task<string[]> List(string query, params string[] args)
        {
            var result = await cli.RunAsync([.. args, "--query", query, "--output", "json"]);
            Assert.True(result.Succeeded, result.ToString());
            return result.Json.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [.. result.Json.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Order(StringComparer.Ordinal)]
                : [];
        }

        return new Inventory(
            await List("Users[].UserName", "iam", "list-users"),
            await List("Roles[].RoleName", "iam", "list-roles"),
            await List("Policies[].Arn", "iam", "list-policies", "--scope", "Local"),
            await List("trailList[].Name", "cloudtrail", "describe-trails"),
            await List("Buckets[].Name", "s3api", "list-buckets"));
    }
}
