using System.Text.Json;
using LeastPriv.Emulator;
using LeastPriv.Emulator.Testing;

namespace LeastPriv.PowerShell.Tests.Generation;

/// <summary>
/// A stand-in for the generation tests: Access Analyzer jobs run for <see cref="JobDuration"/> (so
/// a second start meets a running job), and one discovery session set up once: a trail logging
/// management and S3 data events, the access role, a workload user whose AWS CLI calls ran inside
/// the session's capture window, and the manifest as New-LPDiscoveryTrail and
/// Invoke-LPDiscoveryCapture write it.
/// </summary>
public sealed class GenerationStandInFixture : StandInFixture
{
    public static readonly TimeSpan JobDuration = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private GenerationScenario? _scenario;
    private string? _previousHome;

    /// <summary>The private LEASTPRIV_HOME of these tests (set while the fixture lives).</summary>
    public string Home { get; } = Path.Combine(Path.GetTempPath(), "lp-home-gen-" + Guid.NewGuid().ToString("N")[..10]);

    public string SessionsDirectory => Path.Combine(Home, "sessions");

    protected override StandInOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.AccessAnalyzerJobDuration = JobDuration;
        return options;
    }

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(Home);

        // The class runs inside the discovery collection, whose shared fixture owns LEASTPRIV_HOME:
        // take it over for this class and give it back afterwards.
        _previousHome = Environment.GetEnvironmentVariable("LEASTPRIV_HOME");
        Environment.SetEnvironmentVariable("LEASTPRIV_HOME", Home);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Environment.SetEnvironmentVariable("LEASTPRIV_HOME", _previousHome);
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The common AWS parameters of every cmdlet call, as a splat.</summary>
    public Dictionary<string, object?> AwsVariables() => new()
    {
        ["aws"] = new System.Collections.Hashtable
        {
            ["EndpointUrl"] = StandIn.Endpoint.ToString(),
            ["Region"] = "us-east-1",
            ["AccessKey"] = StandIn.Operator.AccessKeyId,
            ["SecretKey"] = StandIn.Operator.SecretAccessKey,
        },
    };

    /// <summary>The common AWS parameters as a splat, plus <c>$sessionId</c> and <c>$principal</c>.</summary>
    public Dictionary<string, object?> Variables(GenerationScenario scenario, params (string Name, object? Value)[] extra)
    {
        var variables = AwsVariables();
        variables["sessionId"] = scenario.SessionId;
        variables["principal"] = scenario.UserArn;
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return variables;
    }

    public async Task<GenerationScenario> ScenarioAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _scenario ??= await CreateScenarioAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<GenerationScenario> CreateScenarioAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var trailName = "lp-gen-" + suffix;
        var trailBucket = "lp-gen-trail-" + suffix;
        var workBucket = "lp-gen-work-" + suffix;
        var userName = "lp-gen-user-" + suffix;
        using var cli = OperatorCli();
        await Ok(cli, "s3api", "create-bucket", "--bucket", trailBucket);
        var trail = await Ok(cli, "cloudtrail", "create-trail", "--name", trailName, "--s3-bucket-name", trailBucket, "--s3-key-prefix", "lp", "--is-multi-region-trail");
        await Ok(cli, "cloudtrail", "put-event-selectors", "--trail-name", trailName, "--event-selectors",
            """[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]""");
        await Ok(cli, "cloudtrail", "start-logging", "--name", trailName);
        var role = await Ok(cli, "iam", "create-role", "--role-name", "AccessAnalyzerMonitorServiceRole-" + suffix, "--path", "/service-role/", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"access-analyzer.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        var untrusted = await Ok(cli, "iam", "create-role", "--role-name", "lp-gen-untrusted-" + suffix, "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        var user = await Ok(cli, "iam", "create-user", "--user-name", userName);
        var key = (await Ok(cli, "iam", "create-access-key", "--user-name", userName)).GetProperty("AccessKey");

        var body = Path.Combine(Home, "body-" + suffix + ".txt");
        await File.WriteAllTextAsync(body, "hello\n");
        var windowStart = DateTimeOffset.UtcNow.AddSeconds(-2);
        using (var workload = new AwsCli(StandIn.Endpoint, key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!))
        {
            await Ok(workload, "s3api", "create-bucket", "--bucket", workBucket);
            await Ok(workload, "s3api", "put-object", "--bucket", workBucket, "--key", "in/a.txt", "--body", body);
            await Ok(workload, "s3api", "get-object", "--bucket", workBucket, "--key", "in/a.txt", Path.Combine(Home, "out-" + suffix + ".txt"));
            await Ok(workload, "s3api", "list-buckets");
            await Ok(workload, "iam", "list-users");
            await Ok(workload, "sns", "list-topics");
        }

        var windowEnd = DateTimeOffset.UtcNow.AddSeconds(2);
        var userArn = user.GetProperty("User").GetProperty("Arn").GetString()!;
        var sessionId = "lp-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + suffix;
        var trailArn = trail.GetProperty("TrailARN").GetString()!;
        var roleArn = role.GetProperty("Role").GetProperty("Arn").GetString()!;
        WriteManifest(sessionId, new Dictionary<string, object?>
        {
            ["accountId"] = StandIn.Account,
            ["region"] = "us-east-1",
            ["principalType"] = "User",
            ["principalName"] = userName,
            ["principalArn"] = userArn,
            ["trail"] = new Dictionary<string, object?>
            {
                ["trailName"] = trailName,
                ["trailArn"] = trailArn,
                ["homeRegion"] = "us-east-1",
                ["isMultiRegionTrail"] = true,
                ["regions"] = new[] { "us-east-1" },
                ["bucketName"] = trailBucket,
                ["s3KeyPrefix"] = "lp",
                ["dataEvents"] = new[] { "S3" },
                ["accessRoleArn"] = roleArn,
                ["createdAt"] = windowStart,
            },
            ["windows"] = new[]
            {
                new Dictionary<string, object?> { ["label"] = "workload", ["start"] = windowStart, ["end"] = windowEnd, ["principalArn"] = userArn, ["exitCode"] = 0, ["succeeded"] = true },
            },
        });
        return new GenerationScenario(sessionId, userArn, trailName, trailBucket, workBucket, trailArn, roleArn, untrusted.GetProperty("Role").GetProperty("Arn").GetString()!, windowEnd);
    }

    /// <summary>
    /// Writes a session manifest in the store's format (camelCase JSON, one file per session), as
    /// New-LPDiscoveryUser, New-LPDiscoveryTrail and Invoke-LPDiscoveryCapture leave it.
    /// </summary>
    public void WriteManifest(string sessionId, Dictionary<string, object?> fields)
    {
        var manifest = new Dictionary<string, object?>
        {
            ["schemaVersion"] = 1,
            ["sessionId"] = sessionId,
            ["state"] = "Active",
            ["createdAt"] = DateTimeOffset.UtcNow,
            ["updatedAt"] = DateTimeOffset.UtcNow,
            ["resources"] = Array.Empty<object>(),
            ["windows"] = Array.Empty<object>(),
            ["jobs"] = Array.Empty<object>(),
        };
        foreach (var (name, value) in fields)
        {
            manifest[name] = value;
        }

        Directory.CreateDirectory(SessionsDirectory);
        File.WriteAllText(Path.Combine(SessionsDirectory, sessionId + ".json"), JsonSerializer.Serialize(manifest));
    }

    /// <summary>The session's manifest as stored.</summary>
    public JsonElement ReadManifest(string sessionId) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SessionsDirectory, sessionId + ".json"))).RootElement.Clone();

    internal static async Task<JsonElement> Ok(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"aws {string.Join(' ', args)}: {result}");
        }

        return result.Json;
    }
}

/// <summary>What the fixture set up.</summary>
public sealed record GenerationScenario(
    string SessionId,
    string UserArn,
    string TrailName,
    string TrailBucket,
    string WorkBucket,
    string TrailArn,
    string AccessRoleArn,
    string UntrustedRoleArn,
    DateTimeOffset WindowEnd);
