using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

[Trait("Category", "Integration")]
public sealed class AccessAnalyzerCliTests(StandInHarness harness) : IClassFixture<StandInHarness>
{
    private const string UserArn = "arn:aws:iam::123456789012:user/app-discovery";

    private static AccessAnalyzerEmulatorOptions Fast() => new() { JobDuration = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task GetGeneratedPolicy_UserActivityDelivered_ListsActionLevelActionsAndFlagsServiceLevel()
    {
        var (trailArn, roleArn, bucket) = await TrailAndRoleAsync("user");
        var now = DateTimeOffset.UtcNow;
        await harness.DeliverAsync(bucket, "us-east-1", now, [
            Records.UserCall(UserArn, "iam.amazonaws.com", "CreateUser", now.AddMinutes(-30)),
            Records.UserCall(UserArn, "s3.amazonaws.com", "ListBuckets", now.AddMinutes(-29)),
            Records.UserCall(UserArn, "s3.amazonaws.com", "GetObject", now.AddMinutes(-28), category: "Data"),
            Records.UserCall(UserArn, "sns.amazonaws.com", "Publish", now.AddMinutes(-27)),
            Records.UserCall(UserArn, "iam.amazonaws.com", "DeleteUser", now.AddMinutes(-26), errorCode: "AccessDenied"),
            Records.UserCall(UserArn, "iam.amazonaws.com", "ListRoles", now.AddDays(-3)),
            Records.UserCall("arn:aws:iam::123456789012:user/someone-else", "iam.amazonaws.com", "ListUsers", now.AddMinutes(-25)),
        ]);
        await using var host = await harness.HostAsync(Fast());

        var jobId = await StartAsync(host, UserArn, trailArn, roleArn, now.AddHours(-2));
        var result = await WaitAsync(host, jobId);
        Assert.True(Status(result) == "SUCCEEDED", result.GetRawText());

        var plain = Policies(result);
        var statement = Assert.Single(Assert.Single(plain).GetProperty("Statement").EnumerateArray());
        Assert.Equal("SupportedServiceSid0", statement.GetProperty("Sid").GetString());
        Assert.Equal(["iam:CreateUser", "s3:ListAllMyBuckets"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("*", statement.GetProperty("Resource").GetString());
        var properties = result.GetProperty("generatedPolicyResult").GetProperty("properties");
        Assert.False(properties.GetProperty("isComplete").GetBoolean());
        Assert.Equal(UserArn, properties.GetProperty("principalArn").GetString());

        var withPlaceholders = Policies(await GetAsync(host, jobId, "--include-resource-placeholders", "--include-service-level-template"));
        var statements = Assert.Single(withPlaceholders).GetProperty("Statement").EnumerateArray().ToArray();
        Assert.Equal("s3:ListAllMyBuckets", statements[0].GetProperty("Action").GetString());
        Assert.Equal("*", statements[0].GetProperty("Resource").GetString());
        Assert.Equal("iam:CreateUser", statements[1].GetProperty("Action").GetString());
        Assert.Equal("arn:aws:iam::${Account}:user/${UserNameWithPath}", statements[1].GetProperty("Resource").GetString());
        Assert.Equal("sns:*", statements[2].GetProperty("Action").GetString());
    }

    [Fact]
    public async Task GetGeneratedPolicy_RoleSessionsDelivered_ListsTheRolesActionsWithTemplates()
    {
        const string roleArn = "arn:aws:iam::123456789012:role/service/app-runner";
        var (trailArn, accessRole, bucket) = await TrailAndRoleAsync("role");
        var now = DateTimeOffset.UtcNow;
        await harness.DeliverAsync(bucket, "eu-west-1", now, [
            Records.RoleSessionCall(roleArn, "dynamodb.amazonaws.com", "DescribeTable", now.AddMinutes(-20), "eu-west-1"),
            Records.RoleSessionCall(roleArn, "lambda.amazonaws.com", "ListFunctions20150331", now.AddMinutes(-19), "eu-west-1"),
            Records.RoleSessionCall("arn:aws:iam::123456789012:role/other", "sqs.amazonaws.com", "ListQueues", now.AddMinutes(-18), "eu-west-1"),
        ]);
        await harness.DeliverAsync(bucket, "us-east-1", now, [
            Records.RoleSessionCall(roleArn, "kms.amazonaws.com", "ReEncrypt", now.AddMinutes(-17)),
            Records.UserCall("arn:aws:iam::123456789012:user/app-runner", "iam.amazonaws.com", "ListUsers", now.AddMinutes(-16)),
        ]);
        await using var host = await harness.HostAsync(Fast());

        var jobId = await StartAsync(host, roleArn, trailArn, accessRole, now.AddHours(-1));
        var result = await WaitAsync(host, jobId, "--include-resource-placeholders");

        Assert.True(Status(result) == "SUCCEEDED", result.GetRawText());
        Assert.True(result.GetProperty("generatedPolicyResult").GetProperty("properties").GetProperty("isComplete").GetBoolean());
        var statements = Assert.Single(Policies(result)).GetProperty("Statement").EnumerateArray()
            .ToDictionary(s => s.GetProperty("Resource").GetString()!, s => Actions(s));
        Assert.Equal(["lambda:ListFunctions"], statements["*"]);
        Assert.Equal(["dynamodb:DescribeTable"], statements["arn:aws:dynamodb:${Region}:${Account}:table/${TableName}"]);
        Assert.Equal(["kms:ReEncryptFrom", "kms:ReEncryptTo"], statements["arn:aws:kms:${Region}:${Account}:key/${KeyId}"]);
        Assert.Equal(3, statements.Count);
    }

    [Fact]
    public async Task StartPolicyGeneration_WhileAJobRuns_RetryIsIdempotentOthersConflictUntilCanceledAndCountTowardTheDailyQuota()
    {
        var (trailArn, roleArn, _) = await TrailAndRoleAsync("conflict");
        var options = new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.FromMinutes(5), DailyJobQuota = 2 };
        await using var host = await harness.HostAsync(options);
        var start = DateTimeOffset.UtcNow.AddDays(-1);

        var (firstCode, firstOut, firstError) = await host.CliAsync([.. StartArgs(UserArn, trailArn, roleArn, start), "--client-token", "retry-token-1"]);
        Assert.True(firstCode == 0, firstError);
        var first = JsonDocument.Parse(firstOut).RootElement.GetProperty("jobId").GetString()!;
        var (retryCode, retryOut, retryError) = await host.CliAsync([.. StartArgs(UserArn, trailArn, roleArn, start), "--client-token", "retry-token-1"]);
        Assert.True(retryCode == 0, retryError);
        Assert.Equal(first, JsonDocument.Parse(retryOut).RootElement.GetProperty("jobId").GetString());
        var (code, _, error) = await host.CliAsync(StartArgs(UserArn, trailArn, roleArn, start));
        Assert.NotEqual(0, code);
        Assert.Contains("ConflictException", error);

        var (listCode, listed, listError) = await host.CliAsync("list-policy-generations", "--principal-arn", UserArn);
        Assert.True(listCode == 0, listError);
        var generation = Assert.Single(JsonDocument.Parse(listed).RootElement.GetProperty("policyGenerations").EnumerateArray());
        Assert.Equal(first, generation.GetProperty("jobId").GetString());
        Assert.Equal("IN_PROGRESS", generation.GetProperty("status").GetString());

        var (cancelCode, _, cancelError) = await host.CliAsync("cancel-policy-generation", "--job-id", first);
        Assert.True(cancelCode == 0, cancelError);
        var canceled = await GetAsync(host, first);
        Assert.Equal("CANCELED", Status(canceled));
        Assert.True(canceled.GetProperty("jobDetails").TryGetProperty("completedOn", out _));

        var second = await StartAsync(host, UserArn, trailArn, roleArn, start);
        Assert.NotEqual(first, second);
        await host.CliAsync("cancel-policy-generation", "--job-id", second);
        var (thirdCode, _, thirdError) = await host.CliAsync(StartArgs(UserArn, trailArn, roleArn, start));
        Assert.NotEqual(0, thirdCode);
        Assert.Contains("ServiceQuotaExceededException", thirdError);

        var (pagedCode, paged, pagedError) = await host.CliAsync("list-policy-generations", "--page-size", "1");
        Assert.True(pagedCode == 0, pagedError);
        Assert.Equal(
            [second, first],
            JsonDocument.Parse(paged).RootElement.GetProperty("policyGenerations").EnumerateArray().Select(g => g.GetProperty("jobId").GetString()));
    }

    [Fact]
    public async Task StartPolicyGeneration_RangeOver90DaysOrReversed_FailsValidation()
    {
        await using var host = await harness.HostAsync(Fast());
        var now = DateTimeOffset.UtcNow;
        const string trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/any";
        const string role = "arn:aws:iam::123456789012:role/any";

        var (tooLong, _, tooLongError) = await host.CliAsync(StartArgs(UserArn, trail, role, now.AddDays(-91), now));
        var (reversed, _, reversedError) = await host.CliAsync(StartArgs(UserArn, trail, role, now.AddHours(-1), now.AddHours(-2)));
        var (badPrincipal, _, badPrincipalError) = await host.CliAsync(StartArgs("arn:aws:iam::123456789012:group/devs", trail, role, now.AddHours(-1)));

        Assert.NotEqual(0, tooLong);
        Assert.Contains("ValidationException", tooLongError);
        Assert.Contains("90 days", tooLongError);
        Assert.NotEqual(0, reversed);
        Assert.Contains("ValidationException", reversedError);
        Assert.Contains("before endTime", reversedError);
        Assert.NotEqual(0, badPrincipal);
        Assert.Contains("principalArn", badPrincipalError);
    }

    [Fact]
    public async Task GetGeneratedPolicy_RoleNotTrustingTheServiceOrMissingTrail_FailsWithTheJobErrorCode()
    {
        var (trailArn, _, _) = await TrailAndRoleAsync("trust");
        var untrusted = await harness.CreateRoleAsync("NotForAnalyzer-" + Guid.NewGuid().ToString("N")[..8], "ec2.amazonaws.com");
        var (_, trustedRole, _) = await TrailAndRoleAsync("notrail");
        await using var host = await harness.HostAsync(Fast());
        var start = DateTimeOffset.UtcNow.AddHours(-1);

        var denied = await WaitAsync(host, await StartAsync(host, UserArn, trailArn, untrusted, start));
        var missing = await WaitAsync(host, await StartAsync(host, UserArn, "arn:aws:cloudtrail:us-east-1:123456789012:trail/no-such-trail", trustedRole, start));

        Assert.Equal("FAILED", Status(denied));
        Assert.Equal("AUTHORIZATION_ERROR", denied.GetProperty("jobDetails").GetProperty("jobError").GetProperty("code").GetString());
        Assert.Empty(Policies(denied));
        Assert.Equal("FAILED", Status(missing));
        Assert.Equal("RESOURCE_NOT_FOUND_ERROR", missing.GetProperty("jobDetails").GetProperty("jobError").GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetGeneratedPolicy_MoreLogFilesThanTheQuota_FailsWithServiceQuotaExceeded()
    {
        var (trailArn, roleArn, bucket) = await TrailAndRoleAsync("files");
        var now = DateTimeOffset.UtcNow;
        await harness.DeliverAsync(bucket, "us-east-1", now, [Records.UserCall(UserArn, "iam.amazonaws.com", "ListUsers", now.AddMinutes(-5))]);
        await harness.DeliverAsync(bucket, "us-east-1", now, [Records.UserCall(UserArn, "iam.amazonaws.com", "ListRoles", now.AddMinutes(-4))]);
        await using var host = await harness.HostAsync(new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.Zero, MaxLogFiles = 1 });

        var result = await WaitAsync(host, await StartAsync(host, UserArn, trailArn, roleArn, now.AddHours(-1)));

        Assert.Equal("FAILED", Status(result));
        Assert.Equal("SERVICE_QUOTA_EXCEEDED_ERROR", result.GetProperty("jobDetails").GetProperty("jobError").GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetGeneratedPolicy_PolicyOver6144Characters_IsSplitIntoSeveralPolicies()
    {
        var (trailArn, roleArn, bucket) = await TrailAndRoleAsync("split");
        var now = DateTimeOffset.UtcNow;
        var names = Enumerable.Range(0, 300).Select(i => $"DescribeStandInResourceNumber{i:000}").ToArray();
        await harness.DeliverAsync(bucket, "us-east-1", now, names.Select(n => Records.UserCall(UserArn, "ec2.amazonaws.com", n, now.AddMinutes(-5))));
        await using var host = await harness.HostAsync(Fast());

        var result = await WaitAsync(host, await StartAsync(host, UserArn, trailArn, roleArn, now.AddHours(-1)));

        var texts = result.GetProperty("generatedPolicyResult").GetProperty("generatedPolicies").EnumerateArray()
            .Select(p => p.GetProperty("policy").GetString()!).ToArray();
        Assert.True(texts.Length > 1, $"expected a split, got {texts.Length} policy");
        Assert.All(texts, t => Assert.True(t.Length <= 6144, $"policy of {t.Length} characters"));
        var statements = texts.SelectMany(t => JsonDocument.Parse(t).RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.Clone())).ToArray();
        Assert.Equal(names.Select(n => "ec2:" + n), statements.SelectMany(Actions));
        Assert.Equal(statements.Length, statements.Select(s => s.GetProperty("Sid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task AnyOperation_UnknownAccessKey_IsUnrecognizedClient()
    {
        await using var host = await harness.HostAsync(Fast());

        var (code, _, error) = await host.CliAsAsync("AKIAUNKNOWNKEY000001", "list-policy-generations");
        var (cancelCode, _, cancelError) = await host.CliAsync("cancel-policy-generation", "--job-id", Guid.NewGuid().ToString());

        Assert.NotEqual(0, code);
        Assert.Contains("UnrecognizedClientException", error);
        Assert.NotEqual(0, cancelCode);
        Assert.Contains("ResourceNotFoundException", cancelError);
    }

    [Fact]
    public async Task ValidatePolicy_TypoPassRoleAndRedundantActions_ReportsTheAwsIssueCodesAcrossPages()
    {
        await using var host = await harness.HostAsync(Fast());
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:GetObjekt","s3:Get*","s3:GetObject"],"Resource":"arn:aws:s3:::bucket/*"},
              {"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}
            """;

        var (code, output, error) = await host.CliAsync("validate-policy", "--policy-type", "IDENTITY_POLICY", "--policy-document", policy, "--page-size", "1");
        var (badCode, badOutput, badError) = await host.CliAsync("validate-policy", "--policy-type", "IDENTITY_POLICY", "--policy-document", "{\"Version\":");

        Assert.True(code == 0, error);
        var findings = JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray().ToArray();
        var invalid = Assert.Single(findings, f => f.GetProperty("issueCode").GetString() == "INVALID_ACTION");
        Assert.Equal("ERROR", invalid.GetProperty("findingType").GetString());
        Assert.Equal(
            """[{"value":"Statement"},{"index":0},{"value":"Action"},{"index":0}]""",
            JsonSerializer.Serialize(invalid.GetProperty("locations")[0].GetProperty("path")));
        Assert.Equal("SECURITY_WARNING", Assert.Single(findings, f => f.GetProperty("issueCode").GetString() == "PASS_ROLE_WITH_STAR_IN_RESOURCE").GetProperty("findingType").GetString());
        Assert.Equal("SUGGESTION", Assert.Single(findings, f => f.GetProperty("issueCode").GetString() == "REDUNDANT_ACTION").GetProperty("findingType").GetString());
        Assert.Equal(3, findings.Length);
        Assert.True(badCode == 0, badError);
        Assert.Equal("JSON_SYNTAX_ERROR", JsonDocument.Parse(badOutput).RootElement.GetProperty("findings")[0].GetProperty("issueCode").GetString());
    }

    private async Task<(string TrailArn, string RoleArn, string Bucket)> TrailAndRoleAsync(string name)
    {
        var suffix = name + "-" + Guid.NewGuid().ToString("N")[..8];
        var bucket = "lp-trail-" + suffix;
        var trailArn = await harness.CreateTrailAsync("lp-trail-" + suffix, bucket);
        var roleArn = await harness.CreateRoleAsync("AccessAnalyzerMonitorServiceRole-" + suffix, "access-analyzer.amazonaws.com");
        return (trailArn, roleArn, bucket);
    }

    private static async Task<string> StartAsync(AnalyzerHost host, string principalArn, string trailArn, string roleArn, DateTimeOffset start, DateTimeOffset? end = null)
    {
        var (code, output, error) = await host.CliAsync(StartArgs(principalArn, trailArn, roleArn, start, end));
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
    }

    private static string[] StartArgs(string principalArn, string trailArn, string roleArn, DateTimeOffset start, DateTimeOffset? end = null)
    {
        var details = new Dictionary<string, object>
        {
            ["trails"] = new[] { new Dictionary<string, object> { ["cloudTrailArn"] = trailArn, ["allRegions"] = true } },
            ["accessRole"] = roleArn,
            ["startTime"] = start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        };
        if (end is { } e)
        {
            details["endTime"] = e.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        }

        return ["start-policy-generation", "--policy-generation-details", "principalArn=" + principalArn, "--cloud-trail-details", JsonSerializer.Serialize(details)];
    }

    private static async Task<JsonElement> GetAsync(AnalyzerHost host, string jobId, params string[] flags)
    {
        var (code, output, error) = await host.CliAsync(["get-generated-policy", "--job-id", jobId, .. flags]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitAsync(AnalyzerHost host, string jobId, params string[] flags)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var result = await GetAsync(host, jobId, flags);
            if (result.GetProperty("jobDetails").GetProperty("status").GetString() != "IN_PROGRESS" || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(300);
        }
    }

    private static string[] Actions(JsonElement statement)
    {
        var action = statement.GetProperty("Action");
        return action.ValueKind == JsonValueKind.String ? [action.GetString()!] : action.EnumerateArray().Select(a => a.GetString()!).ToArray();
    }

    private static string? Status(JsonElement result) => result.GetProperty("jobDetails").GetProperty("status").GetString();

    private static JsonElement[] Policies(JsonElement result) =>
        result.GetProperty("generatedPolicyResult").GetProperty("generatedPolicies").EnumerateArray()
            .Select(p => JsonDocument.Parse(p.GetProperty("policy").GetString()!).RootElement.Clone())
            .ToArray();
}
