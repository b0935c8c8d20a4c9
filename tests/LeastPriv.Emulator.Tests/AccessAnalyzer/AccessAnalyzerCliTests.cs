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

    private static async Task<JsonElement> WaitAsync(AnalyzerHost host, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var result = await GetAsync(host, jobId);
            if (result.GetProperty("jobDetails").GetProperty("status").GetString() != "IN_PROGRESS" || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(300);
        }
    }

    private static string? Status(JsonElement result) => result.GetProperty("jobDetails").GetProperty("status").GetString();

    private static JsonElement[] Policies(JsonElement result) =>
        result.GetProperty("generatedPolicyResult").GetProperty("generatedPolicies").EnumerateArray()
            .Select(p => JsonDocument.Parse(p.GetProperty("policy").GetString()!).RootElement.Clone())
            .ToArray();
}
