using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

/// <summary>
/// With moto enforcing IAM, the access role's own permissions decide what the generation can read,
/// as they do in AWS: the documented role policy succeeds, a role without S3 read fails with
/// AUTHORIZATION_ERROR.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EnforcedIamGenerationTests(EnforcingStandInFixture fixture) : IClassFixture<EnforcingStandInFixture>
{
    private const string Bucket = "lp-aa-enforced-trail";
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    [Fact]
    public async Task GetGeneratedPolicy_AccessRolePermissions_DecideBetweenPolicyAndAuthorizationError()
    {
        var standIn = fixture.StandIn;
        using var operatorCli = fixture.OperatorCli();
        var startTime = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Ok(operatorCli, "s3api", "create-bucket", "--bucket", Bucket);
        var trail = await Ok(operatorCli, "cloudtrail", "create-trail", "--name", "lp-aa-enforced", "--s3-bucket-name", Bucket, "--is-multi-region-trail");
        await Ok(operatorCli, "cloudtrail", "start-logging", "--name", "lp-aa-enforced");
        var user = await Ok(operatorCli, "iam", "create-user", "--user-name", "aa-enforced-workload");
        await Ok(operatorCli, "iam", "put-user-policy", "--user-name", "aa-enforced-workload", "--policy-name", "work", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","sqs:ListQueues"],"Resource":"*"}]}""");
        var key = (await Ok(operatorCli, "iam", "create-access-key", "--user-name", "aa-enforced-workload")).GetProperty("AccessKey");
        var readerRole = await RoleAsync(operatorCli, "AccessAnalyzerReader",
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:GetTrail","Resource":"*"},{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::{{Bucket}}","arn:aws:s3:::{{Bucket}}/*"]}]}""");
        var blindRole = await RoleAsync(operatorCli, "AccessAnalyzerBlind",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:GetTrail","Resource":"*"}]}""");

        using (var workload = new AwsCli(standIn.Endpoint, key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!))
        {
            await Ok(workload, "iam", "list-users");
            await Ok(workload, "sqs", "list-queues");
        }

        await standIn.FlushDeliveryAsync();
        using var emulator = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.Zero }, standIn.Services);
        await using var host = await StandInHarness.HostAsync(emulator);
        var userArn = user.GetProperty("User").GetProperty("Arn").GetString()!;
        var trailArn = trail.GetProperty("TrailARN").GetString()!;

        var allowed = await GenerateAsync(host, standIn, userArn, trailArn, readerRole, startTime);
        var denied = await GenerateAsync(host, standIn, userArn, trailArn, blindRole, startTime);

        Assert.True(allowed.GetProperty("jobDetails").GetProperty("status").GetString() == "SUCCEEDED", allowed.GetRawText());
        var policy = JsonDocument.Parse(allowed.GetProperty("generatedPolicyResult").GetProperty("generatedPolicies")[0].GetProperty("policy").GetString()!).RootElement;
        Assert.Equal(["iam:ListUsers", "sqs:ListQueues"], policy.GetProperty("Statement")[0].GetProperty("Action").EnumerateArray().Select(a => a.GetString()!));
        Assert.Equal("FAILED", denied.GetProperty("jobDetails").GetProperty("status").GetString());
        Assert.Equal("AUTHORIZATION_ERROR", denied.GetProperty("jobDetails").GetProperty("jobError").GetProperty("code").GetString());
    }

    private static async Task<string> RoleAsync(AwsCli cli, string name, string permissions)
    {
        var role = await Ok(cli, "iam", "create-role", "--role-name", name, "--path", "/service-role/", "--assume-role-policy-document", Trust);
        await Ok(cli, "iam", "put-role-policy", "--role-name", name, "--policy-name", "read-trail", "--policy-document", permissions);
        return role.GetProperty("Role").GetProperty("Arn").GetString()!;
    }

    private static async Task<JsonElement> GenerateAsync(AnalyzerHost host, StandIn standIn, string userArn, string trailArn, string roleArn, DateTimeOffset startTime)
    {
        var details = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["trails"] = new[] { new Dictionary<string, object> { ["cloudTrailArn"] = trailArn, ["allRegions"] = true } },
            ["accessRole"] = roleArn,
            ["startTime"] = startTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        });
        var (code, output, error) = await host.CliWithSecretAsync(standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey,
            "start-policy-generation", "--policy-generation-details", "principalArn=" + userArn, "--cloud-trail-details", details);
        Assert.True(code == 0, error);
        var jobId = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (getCode, got, getError) = await host.CliWithSecretAsync(standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey, "get-generated-policy", "--job-id", jobId);
            Assert.True(getCode == 0, getError);
            var result = JsonDocument.Parse(got).RootElement.Clone();
            if (result.GetProperty("jobDetails").GetProperty("status").GetString() != "IN_PROGRESS" || DateTime.UtcNow > deadline)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<JsonElement> Ok(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args)}: {result}");
        return result.Json;
    }
}
