using LeastPriv.Emulator.Testing;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.CloudTrail;

/// <summary>
/// The offline path on logs CloudTrail really delivered: a workload run by the AWS CLI through
/// the stand-in, the trail's bucket copied down with the AWS CLI as a user would, then
/// <c>Get-LPCloudTrailEvent | ConvertTo-LPPolicy</c> in the hosted engine.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeliveredLogTests : IClassFixture<StandInFixture>
{
    private readonly StandInFixture _fx;

    public DeliveredLogTests(StandInFixture fixture) => _fx = fixture;

    [Fact]
    public async Task GetLPCloudTrailEvent_LogsDeliveredForAnAwsCliWorkload_YieldsItsCallsAndPolicy()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var trailBucket = "lp-delivered-" + suffix;
        var workBucket = "lp-work-" + suffix;
        var folder = Directory.CreateTempSubdirectory("lp-delivered-").FullName;
        var body = Path.Combine(folder, "body.txt");
        await File.WriteAllTextAsync(body, "hello\n");
        using var cli = _fx.OperatorCli();
        try
        {
            foreach (var command in new[]
            {
                new[] { "s3", "mb", $"s3://{trailBucket}" },
                new[] { "cloudtrail", "create-trail", "--name", "lp-delivered-" + suffix, "--s3-bucket-name", trailBucket, "--is-multi-region-trail" },
                new[] { "cloudtrail", "start-logging", "--name", "lp-delivered-" + suffix },
                new[] { "s3api", "create-bucket", "--bucket", workBucket },
                new[] { "s3api", "put-object", "--bucket", workBucket, "--key", "in/a.txt", "--body", body },
                new[] { "s3api", "list-buckets" },
                new[] { "iam", "list-roles" },
                new[] { "sts", "get-caller-identity" },
            })
            {
                var result = await cli.RunAsync(command);
                Assert.True(result.Succeeded, $"aws {string.Join(' ', command)}: {result}");
            }

            await _fx.StandIn.FlushDeliveryAsync();
            var logs = Path.Combine(folder, "logs");
            var copy = await cli.RunAsync("s3", "cp", $"s3://{trailBucket}/", logs, "--recursive");
            Assert.True(copy.Succeeded, copy.ToString());
            Assert.NotEmpty(Directory.GetFiles(logs, "*.json.gz", SearchOption.AllDirectories));

            var userName = _fx.StandIn.Operator.Arn.Split('/').Last();
            using var ps = PowerShellSession.Open();
            var run = ps.Run(
                """
                $events = @(Get-LPCloudTrailEvent -Path $logs -UserName $userName -IncludeErrors)
                $policy = $events | ConvertTo-LPPolicy
                $events | ForEach-Object { 'event|{0}|{1}|{2}' -f $_.EventSource, $_.EventName, $_.PrincipalArn }
                $policy.Actions | ForEach-Object { "action|$_" }
                """,
                new Dictionary<string, object?> { ["logs"] = logs, ["userName"] = userName });
            run.ThrowIfFailed();
            var lines = run.Objects.Select(o => o.ToString()!).ToList();
            var events = lines.Where(l => l.StartsWith("event|", StringComparison.Ordinal)).ToList();
            var actions = lines.Where(l => l.StartsWith("action|", StringComparison.Ordinal)).Select(l => l[7..]).ToList();

            Assert.All(events, e => Assert.EndsWith("|" + _fx.StandIn.Operator.Arn, e));
            Assert.Contains("event|s3.amazonaws.com|CreateBucket|" + _fx.StandIn.Operator.Arn, events);
            Assert.Contains("event|iam.amazonaws.com|ListRoles|" + _fx.StandIn.Operator.Arn, events);
            Assert.Contains("event|sts.amazonaws.com|GetCallerIdentity|" + _fx.StandIn.Operator.Arn, events);

            // What the workload did, and nothing it did not: PutObject is a data event this trail
            // does not log, and GetCallerIdentity needs no permission.
            Assert.Contains("s3:CreateBucket", actions);
            Assert.Contains("s3:ListAllMyBuckets", actions);
            Assert.Contains("iam:ListRoles", actions);
            Assert.Contains("cloudtrail:StartLogging", actions);
            Assert.DoesNotContain("s3:PutObject", actions);
            Assert.DoesNotContain("sts:GetCallerIdentity", actions);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
