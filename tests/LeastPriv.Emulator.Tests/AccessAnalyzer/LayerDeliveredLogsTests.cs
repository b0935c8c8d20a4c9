using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

/// <summary>
/// The whole chain on the real stand-in layer: a workload's AWS CLI calls go through the layer,
/// the layer delivers them as log files into the trail's bucket, and the emulated Access Analyzer,
/// built on the layer's <see cref="StandInServices"/>, generates the workload's policy from them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LayerDeliveredLogsTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    [Fact]
    public async Task GetGeneratedPolicy_WorkloadRanThroughTheLayer_ListsWhatTheWorkloadDid()
    {
        var standIn = fixture.StandIn;
        using var operatorCli = fixture.OperatorCli();
        var startTime = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Ok(operatorCli, "s3api", "create-bucket", "--bucket", "lp-aa-e2e-trail");
        var trail = await Ok(operatorCli, "cloudtrail", "create-trail", "--name", "lp-aa-e2e", "--s3-bucket-name", "lp-aa-e2e-trail", "--s3-key-prefix", "lp", "--is-multi-region-trail");
        await Ok(operatorCli, "cloudtrail", "start-logging", "--name", "lp-aa-e2e");
        var user = await Ok(operatorCli, "iam", "create-user", "--user-name", "aa-e2e-workload");
        var key = (await Ok(operatorCli, "iam", "create-access-key", "--user-name", "aa-e2e-workload")).GetProperty("AccessKey");
        var role = await Ok(operatorCli, "iam", "create-role", "--role-name", "AccessAnalyzerMonitorServiceRole-e2e", "--path", "/service-role/", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");

        using (var workload = new AwsCli(standIn.Endpoint, key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!))
        {
            await Ok(workload, "iam", "list-users");
            await Ok(workload, "s3api", "list-buckets");
            await Ok(workload, "sqs", "list-queues");
            await Ok(workload, "sns", "list-topics");
        }

        await standIn.FlushDeliveryAsync();
        using var emulator = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions { JobDuration = TimeSpan.Zero }, standIn.Services);
        await using var host = await StandInHarness.HostAsync(emulator);
        var userArn = user.GetProperty("User").GetProperty("Arn").GetString()!;
        var details = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["trails"] = new[] { new Dictionary<string, object> { ["cloudTrailArn"] = trail.GetProperty("TrailARN").GetString()!, ["allRegions"] = true } },
            ["accessRole"] = role.GetProperty("Role").GetProperty("Arn").GetString()!,
            ["startTime"] = startTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        });

        var (code, output, error) = await host.CliWithSecretAsync(standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey,
            "start-policy-generation", "--policy-generation-details", "principalArn=" + userArn, "--cloud-trail-details", details);
        Assert.True(code == 0, error);
        var jobId = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
        JsonElement result;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            var (getCode, got, getError) = await host.CliWithSecretAsync(standIn.Operator.AccessKeyId, standIn.Operator.SecretAccessKey, "get-generated-policy", "--job-id", jobId);
            Assert.True(getCode == 0, getError);
            result = JsonDocument.Parse(got).RootElement.Clone();
        }
        while (result.GetProperty("jobDetails").GetProperty("status").GetString() == "IN_PROGRESS" && DateTime.UtcNow < deadline);

        Assert.True(result.GetProperty("jobDetails").GetProperty("status").GetString() == "SUCCEEDED", result.GetRawText());
        var policy = JsonDocument.Parse(result.GetProperty("generatedPolicyResult").GetProperty("generatedPolicies")[0].GetProperty("policy").GetString()!).RootElement;
        var actions = policy.GetProperty("Statement")[0].GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.Equal(["iam:ListUsers", "s3:ListAllMyBuckets", "sqs:ListQueues"], actions);
        Assert.False(result.GetProperty("generatedPolicyResult").GetProperty("properties").GetProperty("isComplete").GetBoolean());
    }

    private static async Task<JsonElement> Ok(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args)}: {result}");
        return result.Json;
    }
}
