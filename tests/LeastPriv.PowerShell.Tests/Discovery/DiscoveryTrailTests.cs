using System.Management.Automation;
using System.Text.Json;
using LeastPriv.Emulator.Testing;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// New-LPDiscoveryTrail and the teardown of what it creates, end to end: the cmdlets in a real
/// PowerShell engine against the enforcing stand-in, checked with the AWS CLI as a user would.
/// </summary>
[Trait("Category", "Integration")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoveryTrailTests
{
    private readonly DiscoveryStandInFixture _fx;

    public DiscoveryTrailTests(DiscoveryStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task NewLPDiscoveryTrail_FromUserPipeline_BucketTrailAndRoleConfigured_LogsArrive_RemoveLeavesNothing()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-user-" + Guid.NewGuid().ToString("N")[..6];

        var created = ps.Run(
            "$u = New-LPDiscoveryUser -UserName $name @aws; $t = $u | New-LPDiscoveryTrail -IncludeDataEvents s3,Lambda @awsNoRegion -Verbose; $t; [System.Net.NetworkCredential]::new('', $u.SecretAccessKey).Password",
            Vars(("name", name)));

        created.ThrowIfFailed();
        var trail = created.Output[0];
        var secret = (string)created.Output[1].BaseObject;
        var sessionId = (string)trail.Properties["SessionId"].Value;
        var bucket = (string)trail.Properties["BucketName"].Value;
        var trailName = (string)trail.Properties["TrailName"].Value;
        var roleArn = (string)trail.Properties["AccessRoleArn"].Value;
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        Assert.Equal("leastpriv-" + sessionId, trailName);
        Assert.Equal($"leastpriv-{_fx.StandIn.Account}-{sessionId}", bucket);
        Assert.True((bool)trail.Properties["IsMultiRegionTrail"].Value);
        Assert.True((bool)trail.Properties["AllRegions"].Value);
        Assert.True((bool)trail.Properties["IsLogging"].Value);
        Assert.Equal("us-east-1", trail.Properties["HomeRegion"].Value);
        Assert.Equal(new[] { "S3", "Lambda" }, ((IEnumerable<string>)trail.Properties["DataEvents"].Value).ToArray());
        Assert.Equal($"arn:aws:cloudtrail:us-east-1:{_fx.StandIn.Account}:trail/{trailName}", trail.Properties["TrailArn"].Value);
        Assert.Empty(created.Warnings);

        using var cli = _fx.OperatorCli();

        // The bucket: CloudTrail's bucket policy for this trail only, private, owner-enforced, encrypted, tagged.
        var policy = await MustAsync(cli, "s3api", "get-bucket-policy", "--bucket", bucket);
        using (var doc = JsonDocument.Parse(policy.Json.GetProperty("Policy").GetString()!))
        {
            var statements = doc.RootElement.GetProperty("Statement").EnumerateArray().ToList();
            Assert.Equal(2, statements.Count);
            Assert.All(statements, s => Assert.Equal("cloudtrail.amazonaws.com", s.GetProperty("Principal").GetProperty("Service").GetString()));
            Assert.All(statements, s => Assert.Equal(trail.Properties["TrailArn"].Value, s.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceArn").GetString()));
            var write = statements.Single(s => s.GetProperty("Action").GetString() == "s3:PutObject");
            Assert.Equal($"arn:aws:s3:::{bucket}/AWSLogs/{_fx.StandIn.Account}/*", write.GetProperty("Resource").GetString());
            Assert.Equal("bucket-owner-full-control", write.GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:x-amz-acl").GetString());
            Assert.Contains(statements, s => s.GetProperty("Action").GetString() == "s3:GetBucketAcl" && s.GetProperty("Resource").GetString() == $"arn:aws:s3:::{bucket}");
        }

        var block = (await MustAsync(cli, "s3api", "get-public-access-block", "--bucket", bucket)).Json.GetProperty("PublicAccessBlockConfiguration");
        foreach (var setting in new[] { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" })
        {
            Assert.True(block.GetProperty(setting).GetBoolean(), setting);
        }

        var ownership = await MustAsync(cli, "s3api", "get-bucket-ownership-controls", "--bucket", bucket);
        Assert.Equal("BucketOwnerEnforced", ownership.Json.GetProperty("OwnershipControls").GetProperty("Rules")[0].GetProperty("ObjectOwnership").GetString());
        var encryption = await MustAsync(cli, "s3api", "get-bucket-encryption", "--bucket", bucket);
        Assert.Equal("AES256", encryption.Json.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        var bucketTags = await MustAsync(cli, "s3api", "get-bucket-tagging", "--bucket", bucket);
        Assert.Contains(bucketTags.Json.GetProperty("TagSet").EnumerateArray(), t => t.GetProperty("Key").GetString() == "leastpriv:session" && t.GetProperty("Value").GetString() == sessionId);

        // The trail: logging, multi-region, management events plus the asked data events (not the trail's own bucket).
        var status = await MustAsync(cli, "cloudtrail", "get-trail-status", "--name", trailName);
        Assert.True(status.Json.GetProperty("IsLogging").GetBoolean());
        var got = await MustAsync(cli, "cloudtrail", "get-trail", "--name", trailName);
        Assert.True(got.Json.GetProperty("Trail").GetProperty("IsMultiRegionTrail").GetBoolean());
        Assert.Equal(bucket, got.Json.GetProperty("Trail").GetProperty("S3BucketName").GetString());
        var selectors = (await MustAsync(cli, "cloudtrail", "get-event-selectors", "--trail-name", trailName)).Json.GetProperty("AdvancedEventSelectors").EnumerateArray().ToList();
        Assert.Equal(3, selectors.Count);
        var fields = selectors.Select(s => s.GetProperty("FieldSelectors").EnumerateArray().ToDictionary(f => f.GetProperty("Field").GetString()!, f => f)).ToList();
        Assert.Contains(fields, f => f.Count == 1 && f["eventCategory"].GetProperty("Equals")[0].GetString() == "Management");
        var s3Data = fields.Single(f => f.ContainsKey("resources.type") && f["resources.type"].GetProperty("Equals")[0].GetString() == "AWS::S3::Object");
        Assert.Equal($"arn:aws:s3:::{bucket}/", s3Data["resources.ARN"].GetProperty("NotStartsWith")[0].GetString());
        Assert.Contains(fields, f => f.ContainsKey("resources.type") && f["resources.type"].GetProperty("Equals")[0].GetString() == "AWS::Lambda::Function");
        var trailTags = await MustAsync(cli, "cloudtrail", "list-tags", "--resource-id-list", (string)trail.Properties["TrailArn"].Value);
        Assert.Contains(trailTags.Json.GetProperty("ResourceTagList")[0].GetProperty("TagsList").EnumerateArray(), t => t.GetProperty("Key").GetString() == "leastpriv:session" && t.GetProperty("Value").GetString() == sessionId);

        // The Access Analyzer role: trusted by the service only, reading this bucket only.
        var role = (await MustAsync(cli, "iam", "get-role", "--role-name", roleName)).Json.GetProperty("Role");
        Assert.Equal("/service-role/", role.GetProperty("Path").GetString());
        var trust = role.GetProperty("AssumeRolePolicyDocument");
        var trustStatement = trust.GetProperty("Statement")[0];
        Assert.Equal("access-analyzer.amazonaws.com", trustStatement.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("sts:AssumeRole", trustStatement.GetProperty("Action").GetString());
        var inline = (await MustAsync(cli, "iam", "get-role-policy", "--role-name", roleName, "--policy-name", "LeastPrivTrailAccess")).Json.GetProperty("PolicyDocument");
        var grants = inline.GetProperty("Statement").EnumerateArray()
            .SelectMany(s => Strings(s.GetProperty("Action")).SelectMany(a => Strings(s.GetProperty("Resource")).Select(r => a + " " + r)))
            .OrderBy(g => g, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            new[]
            {
                "cloudtrail:GetTrail *",
                "iam:GenerateServiceLastAccessedDetails *",
                "iam:GetServiceLastAccessedDetails *",
                $"s3:GetObject arn:aws:s3:::{bucket}/AWSLogs/{_fx.StandIn.Account}/*",
                $"s3:ListBucket arn:aws:s3:::{bucket}",
            },
            grants);

        // The manifest tells the later cmdlets where everything is.
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_fx.SessionsDirectory, sessionId + ".json"))))
        {
            var recorded = manifest.RootElement.GetProperty("trail");
            Assert.Equal(trailName, recorded.GetProperty("trailName").GetString());
            Assert.Equal(bucket, recorded.GetProperty("bucketName").GetString());
            Assert.Equal(roleArn, recorded.GetProperty("accessRoleArn").GetString());
            Assert.Equal(0, recorded.GetProperty("regions").GetArrayLength());
            var types = manifest.RootElement.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("type").GetString() + ":" + r.GetProperty("state").GetString()).ToList();
            Assert.Contains("TrailBucket:Created", types);
            Assert.Contains("ServiceRole:Created", types);
            Assert.Contains("RoleInlinePolicy:Created", types);
            Assert.Contains("Trail:Created", types);
        }

        // The discovery user works; the stand-in delivers its call into the bucket.
        using (var asUser = new AwsCli(_fx.StandIn.Endpoint, UserKey(ps), secret))
        {
            var list = await asUser.RunAsync("s3api", "list-buckets");
            Assert.True(list.Succeeded, list.ToString());
        }

        await _fx.StandIn.FlushDeliveryAsync();
        var files = await _fx.StandIn.ReadLogFilesAsync(bucket);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.StartsWith($"AWSLogs/{_fx.StandIn.Account}/CloudTrail/", f.Key, StringComparison.Ordinal));
        var userArn = (string)ps.Run("$u.Arn").ThrowIfFailed().Output[0].BaseObject;
        Assert.Contains(
            files.SelectMany(f => f.Records),
            r => r.GetProperty("eventName").GetString() == "ListBuckets" && r.GetProperty("userIdentity").GetProperty("arn").GetString() == userArn);

        // IAM Access Analyzer accepts the role and reads the trail's bucket through it.
        var details = JsonSerializer.Serialize(new
        {
            trails = new[] { new { cloudTrailArn = (string)trail.Properties["TrailArn"].Value, allRegions = true } },
            accessRole = roleArn,
            startTime = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            endTime = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        });
        var start = await MustAsync(cli, "accessanalyzer", "start-policy-generation", "--policy-generation-details", $"principalArn={userArn}", "--cloud-trail-details", details);
        var jobId = start.Json.GetProperty("jobId").GetString()!;
        string? jobStatus = null;
        AwsCliResult generated = start;
        for (var attempt = 0; attempt < 60 && jobStatus is null or "IN_PROGRESS"; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            generated = await MustAsync(cli, "accessanalyzer", "get-generated-policy", "--job-id", jobId);
            jobStatus = generated.Json.GetProperty("jobDetails").GetProperty("status").GetString();
        }

        Assert.True(jobStatus == "SUCCEEDED", generated.ToString());
        Assert.Contains("s3:ListAllMyBuckets", generated.StandardOutput, StringComparison.Ordinal);

        var removed = ps.Run("$t | Remove-LPDiscoveryResources -Force @aws", Vars());

        removed.ThrowIfFailed();
        var actions = removed.Output.Select(o => $"{o.Properties["ResourceType"].Value}:{o.Properties["Action"].Value}").ToList();
        Assert.Contains("Trail:Deleted", actions);
        Assert.Contains("TrailBucket:Deleted", actions);
        Assert.Contains("ServiceRole:Deleted", actions);
        Assert.Contains("RoleInlinePolicy:Deleted", actions);
        Assert.DoesNotContain(actions, a => a.EndsWith(":Failed", StringComparison.Ordinal) || a.EndsWith(":Skipped", StringComparison.Ordinal));
        Assert.True(actions.IndexOf("Trail:Deleted") < actions.IndexOf("TrailBucket:Deleted"), string.Join(", ", actions));
        await AssertSessionGoneAsync(trailName, bucket, roleName);
        var session = ps.Run("Get-LPDiscoverySession -SessionId $t.SessionId @aws", Vars()).ThrowIfFailed();
        Assert.Equal("Removed", session.Output.Single().Properties["State"].Value);
    }

    [Fact]
    public async Task RemoveLPDiscoveryResources_KeepTrail_KeepsTrailBucketAndRole_ThenSecondRunRemovesThem()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-keep-" + Guid.NewGuid().ToString("N")[..6];
        var created = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $t = $u | New-LPDiscoveryTrail @aws; $t", Vars(("name", name))).ThrowIfFailed();
        var trail = created.Output.Single();
        var trailName = (string)trail.Properties["TrailName"].Value;
        var bucket = (string)trail.Properties["BucketName"].Value;
        var roleArn = (string)trail.Properties["AccessRoleArn"].Value;
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        Assert.False((bool)trail.Properties["IsMultiRegionTrail"].Value);
        Assert.Equal(new[] { "us-east-1" }, ((IEnumerable<string>)trail.Properties["Regions"].Value).ToArray());

        var kept = ps.Run("$t | Remove-LPDiscoveryResources -KeepTrail -Force @aws", Vars()).ThrowIfFailed();

        var skipped = kept.Output.Where(o => o.Properties["Action"].Value.ToString() == "Skipped").ToList();
        Assert.Equal(
            new[] { "RoleInlinePolicy", "ServiceRole", "Trail", "TrailBucket" },
            skipped.Select(o => o.Properties["ResourceType"].Value.ToString()).OrderBy(t => t, StringComparer.Ordinal).ToArray());
        Assert.All(skipped, o => Assert.Contains("KeepTrail", (string)o.Properties["Error"].Value, StringComparison.Ordinal));
        Assert.Contains(kept.Output, o => o.Properties["ResourceType"].Value.ToString() == "User" && o.Properties["Action"].Value.ToString() == "Deleted");
        using var cli = _fx.OperatorCli();
        Assert.True((await MustAsync(cli, "cloudtrail", "get-trail-status", "--name", trailName)).Json.GetProperty("IsLogging").GetBoolean());
        await MustAsync(cli, "s3api", "head-bucket", "--bucket", bucket);
        await MustAsync(cli, "iam", "get-role-policy", "--role-name", roleName, "--policy-name", "LeastPrivTrailAccess");

        var removed = ps.Run("$t | Remove-LPDiscoveryResources -Force @aws", Vars()).ThrowIfFailed();

        Assert.DoesNotContain(removed.Output, o => o.Properties["Action"].Value.ToString() is "Failed" or "Skipped");
        await AssertSessionGoneAsync(trailName, bucket, roleName);
    }

    [Fact]
    public async Task NewLPDiscoveryTrail_WhatIf_CreatesNothingAndLeavesManifestUnchanged()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-whatif-" + Guid.NewGuid().ToString("N")[..6];
        var user = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $u.SessionId", Vars(("name", name))).ThrowIfFailed();
        var sessionId = (string)user.Output.Single().BaseObject;
        var manifestPath = Path.Combine(_fx.SessionsDirectory, sessionId + ".json");
        var before = File.ReadAllText(manifestPath);

        var run = ps.Run("$u | New-LPDiscoveryTrail -IncludeDataEvents S3 -WhatIf @aws", Vars());

        run.ThrowIfFailed();
        Assert.Empty(run.Output);
        Assert.Equal(before, File.ReadAllText(manifestPath));
        await AssertSessionGoneAsync("leastpriv-" + sessionId, $"leastpriv-{_fx.StandIn.Account}-{sessionId}", "leastpriv-aa-" + sessionId);
        ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars()).ThrowIfFailed();
    }

    [Fact]
    public async Task RemoveLPDiscoveryResources_TrailMissingFromManifest_TagSweepRemovesTrailBucketAndRole()
    {
        // A run killed after the trail was created but before the manifest recorded it: the trail,
        // bucket (with log files) and role exist, tagged, and the manifest names only the user.
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-killed-" + Guid.NewGuid().ToString("N")[..6];
        var created = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $t = $u | New-LPDiscoveryTrail @aws; $t", Vars(("name", name))).ThrowIfFailed();
        var trail = created.Output.Single();
        var sessionId = (string)trail.Properties["SessionId"].Value;
        var trailName = (string)trail.Properties["TrailName"].Value;
        var bucket = (string)trail.Properties["BucketName"].Value;
        var roleArn = (string)trail.Properties["AccessRoleArn"].Value;
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        using var cli = _fx.OperatorCli();
        await MustAsync(cli, "iam", "list-roles");
        await _fx.StandIn.FlushDeliveryAsync();
        Assert.NotEmpty(await _fx.StandIn.ReadLogFilesAsync(bucket));

        var path = Path.Combine(_fx.SessionsDirectory, sessionId + ".json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest.Remove("trail");
        var resources = manifest["resources"]!.AsArray();
        foreach (var entry in resources.Where(r => r!["type"]!.GetValue<string>() is "Trail" or "TrailBucket" or "ServiceRole" or "RoleInlinePolicy").ToList())
        {
            resources.Remove(entry);
        }

        File.WriteAllText(path, manifest.ToJsonString());

        var removed = ps.Run("Remove-LPDiscoveryResources -SessionId $id -Force @aws", Vars(("id", sessionId)));

        removed.ThrowIfFailed();
        Assert.DoesNotContain(removed.Output, o => o.Properties["Action"].Value.ToString() == "Failed");
        var swept = removed.Output.Where(o => o.Properties["Source"].Value.ToString() == "TagSweep").Select(o => o.Properties["ResourceType"].Value + ":" + o.Properties["Name"].Value).ToList();
        Assert.Contains("Trail:" + trailName, swept);
        Assert.Contains("TrailBucket:" + bucket, swept);
        Assert.Contains("Role:" + roleName, swept);
        await AssertSessionGoneAsync(trailName, bucket, roleName);
    }

    [Fact]
    public void NewLPDiscoveryTrail_BadInput_TypedErrorBeforeAnyCall()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-bad-" + Guid.NewGuid().ToString("N")[..6];
        ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws", Vars(("name", name))).ThrowIfFailed();
        var callsBefore = _fx.StandIn.RecordedEvents.Count;

        var badTrail = ps.Run("$u | New-LPDiscoveryTrail -TrailName 'has space' @aws", Vars());
        var badBucket = ps.Run("$u | New-LPDiscoveryTrail -BucketName 'Upper_Case' @aws", Vars());
        var badRegion = ps.Run("$u | New-LPDiscoveryTrail -Region 'mars-north-1' @awsNoRegion", Vars());
        var badKind = ps.Run("$u | New-LPDiscoveryTrail -IncludeDataEvents EC2 @aws", Vars());
        var noSession = ps.Run("New-LPDiscoveryTrail -SessionId lp-20260101000000-deadbeef @aws", Vars());
        var badSession = ps.Run("New-LPDiscoveryTrail -SessionId '../x' @aws", Vars());

        Assert.Equal("DiscoveryTrailNameInvalid,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(badTrail.ErrorIds));
        var record = badTrail.TerminatingError ?? Assert.Single(badTrail.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal("has space", record.TargetObject);
        Assert.Equal("DiscoveryTrailBucketNameInvalid,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(badBucket.ErrorIds));
        Assert.Equal("AwsRegionInvalid,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(badRegion.ErrorIds));
        Assert.StartsWith("ParameterArgumentValidationError,", Assert.Single(badKind.ErrorIds), StringComparison.Ordinal);
        Assert.Equal("SessionNotFound,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(noSession.ErrorIds));
        Assert.Equal("SessionIdInvalid,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(badSession.ErrorIds));
        Assert.Equal(callsBefore, _fx.StandIn.RecordedEvents.Count);
        ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars()).ThrowIfFailed();
    }

    [Fact]
    public void NewLPDiscoveryTrail_SeveralRegionsWithoutUsEast1_MultiRegionBoundedAndWarns_SecondTrailRefused()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-trail-regions-" + Guid.NewGuid().ToString("N")[..6];

        var created = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $t = $u | New-LPDiscoveryTrail -Region eu-west-1,eu-central-1 @awsNoRegion; $t", Vars(("name", name)));

        created.ThrowIfFailed();
        var trail = created.Output.Single();
        Assert.True((bool)trail.Properties["IsMultiRegionTrail"].Value);
        Assert.False((bool)trail.Properties["AllRegions"].Value);
        Assert.Equal("eu-west-1", trail.Properties["HomeRegion"].Value);
        Assert.Equal(new[] { "eu-west-1", "eu-central-1" }, ((IEnumerable<string>)trail.Properties["Regions"].Value).ToArray());
        Assert.Contains(created.Warnings, w => w.Message.Contains("us-east-1", StringComparison.Ordinal) && w.Message.Contains("IAM", StringComparison.Ordinal));
        Assert.Contains(created.Warnings, w => w.Message.Contains("records every region", StringComparison.Ordinal));

        var callsBefore = _fx.StandIn.RecordedEvents.Count;
        var second = ps.Run("$u | New-LPDiscoveryTrail @aws", Vars());
        Assert.Equal("DiscoveryTrailExists,LeastPriv.Commands.NewLPDiscoveryTrailCommand", Assert.Single(second.ErrorIds));
        Assert.Equal(callsBefore, _fx.StandIn.RecordedEvents.Count);

        var removed = ps.Run("$t | Remove-LPDiscoveryResources -Force @aws", Vars()).ThrowIfFailed();
        Assert.DoesNotContain(removed.Output, o => o.Properties["Action"].Value.ToString() is "Failed" or "Skipped");
    }

    private static IEnumerable<string> Strings(JsonElement e)
        => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString()!) : [e.GetString()!];

    private static string UserKey(PowerShellSession ps) => (string)ps.Run("$u.AccessKeyId").ThrowIfFailed().Output[0].BaseObject;

    [Fact]
    public async Task GetLPDiscoverySession_Refresh_AsksCloudTrailS3AndIamForTheTrailItsBucketAndServiceRole()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-refresh-" + Guid.NewGuid().ToString("N")[..6];
        var created = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $t = $u | New-LPDiscoveryTrail @aws; $t", Vars(("name", name))).ThrowIfFailed();
        var trail = created.Output.Single();
        try
        {
            Dictionary<string, object?> Exists()
            {
                var session = ps.Run("Get-LPDiscoverySession -SessionId $u.SessionId -Refresh @aws", Vars()).ThrowIfFailed().Output.Single();
                return ((System.Collections.IEnumerable)session.Properties["Resources"].Value).Cast<object>().Select(PSObject.AsPSObject)
                    .Where(r => r.Properties["ResourceType"].Value.ToString() is "Trail" or "TrailBucket" or "ServiceRole")
                    .ToDictionary(r => r.Properties["ResourceType"].Value.ToString()!, r => (object?)r.Properties["Exists"].Value);
            }

            var before = Exists();
            Assert.Equal(true, before["Trail"]);
            Assert.Equal(true, before["TrailBucket"]);
            Assert.Equal(true, before["ServiceRole"]);

            // Deleted behind the session's back: -Refresh notices.
            using var cli = _fx.OperatorCli();
            await MustAsync(cli, "cloudtrail", "delete-trail", "--name", (string)trail.Properties["TrailName"].Value);
            await MustAsync(cli, "s3", "rb", "s3://" + (string)trail.Properties["BucketName"].Value, "--force");

            var after = Exists();
            Assert.Equal(false, after["Trail"]);
            Assert.Equal(false, after["TrailBucket"]);
            Assert.Equal(true, after["ServiceRole"]);
        }
        finally
        {
            ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());
        }
    }

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
    {
        var vars = _fx.AwsVariables();
        var noRegion = (System.Collections.Hashtable)((System.Collections.Hashtable)vars["aws"]!).Clone();
        noRegion.Remove("Region");
        vars["awsNoRegion"] = noRegion;
        foreach (var (n, v) in extra)
        {
            vars[n] = v;
        }

        return vars;
    }

    /// <summary>No trail, bucket, role or policy of the session is left in moto.</summary>
    private async Task AssertSessionGoneAsync(string trailName, string bucket, string roleName)
    {
        using var cli = _fx.OperatorCli();
        var trails = await MustAsync(cli, "cloudtrail", "describe-trails");
        Assert.DoesNotContain(trails.Json.GetProperty("trailList").EnumerateArray(), t => t.GetProperty("Name").GetString() == trailName);
        var buckets = await MustAsync(cli, "s3api", "list-buckets");
        Assert.DoesNotContain(buckets.Json.GetProperty("Buckets").EnumerateArray(), b => b.GetProperty("Name").GetString() == bucket);
        var role = await cli.RunAsync("iam", "get-role", "--role-name", roleName);
        Assert.False(role.Succeeded, $"role {roleName} still exists: {role}");
        Assert.Contains("NoSuchEntity", role.StandardError, StringComparison.Ordinal);
    }

    private static async Task<AwsCliResult> MustAsync(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args)}: {result}");
        return result;
    }
}
