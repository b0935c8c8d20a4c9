using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using LeastPriv.Emulator.Moto;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>
/// Fault and quota knobs. Each test starts its own layer in front of the fixture's moto
/// (<see cref="StandInOptions.MotoUrl"/>), with its own operator user.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KnobTests : IClassFixture<StandInFixture>
{
    private const string LookupTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
    private readonly StandInFixture _fixture;

    public KnobTests(StandInFixture fixture) => _fixture = fixture;

    private Task<StandIn> LayerAsync(Action<StandInOptions> configure)
    {
        var options = new StandInOptions
        {
            Port = 0,
            MotoUrl = _fixture.StandIn.MotoEndpoint,
            OperatorUserName = "operator-" + Guid.NewGuid().ToString("N")[..8],
            DeliveryDelay = TimeSpan.Zero,
            LookupEventsRate = 0,
        };
        configure(options);
        return StandIn.StartAsync(options);
    }

    private static AmazonSecurityTokenServiceClient Sts(StandIn layer, AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = layer.Endpoint.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static AmazonS3Client S3(StandIn layer, AWSCredentials credentials) =>
        new(credentials, new AmazonS3Config { ServiceURL = layer.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    [Fact]
    public async Task ThrottlingRateOne_EveryClientCall_GetsItsServicesThrottlingError()
    {
        await using var layer = await LayerAsync(o => o.ThrottlingRate = 1);
        using var sts = Sts(layer, layer.Operator.ToAwsCredentials());
        using var s3 = S3(layer, layer.Operator.ToAwsCredentials());

        var stsError = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        var s3Error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());

        Assert.Equal("Throttling", stsError.ErrorCode);
        Assert.Equal(400, (int)stsError.StatusCode);
        Assert.Equal("SlowDown", s3Error.ErrorCode);
        Assert.Equal(503, (int)s3Error.StatusCode);
        Assert.Contains(layer.RecordedEvents, e => e.EventName == "GetCallerIdentity" && e.ErrorCode == "Throttling");
    }

    [Fact]
    public async Task ServerErrorRateOne_ClientCall_GetsInternalFailure()
    {
        await using var layer = await LayerAsync(o => o.ServerErrorRate = 1);
        using var sts = Sts(layer, layer.Operator.ToAwsCredentials());

        var error = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("InternalFailure", error.ErrorCode);
        Assert.Equal(500, (int)error.StatusCode);
    }

    [Fact]
    public async Task FaultsWithTheSameSeed_SameCallSequence_FailTheSameCalls()
    {
        async Task<string> PatternAsync()
        {
            await using var layer = await LayerAsync(o =>
            {
                o.ThrottlingRate = 0.3;
                o.ServerErrorRate = 0.2;
                o.FaultSeed = 42;
            });
            using var sts = Sts(layer, layer.Operator.ToAwsCredentials());
            var pattern = new System.Text.StringBuilder();
            for (var i = 0; i < 16; i++)
            {
                try
                {
                    await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
                    pattern.Append('.');
                }
                catch (AmazonSecurityTokenServiceException ex)
                {
                    pattern.Append(ex.ErrorCode == "Throttling" ? 'T' : 'E');
                }
            }

            return pattern.ToString();
        }

        var first = await PatternAsync();
        var second = await PatternAsync();

        Assert.Equal(first, second);
        Assert.Contains('.', first);
        Assert.Contains('T', first);
    }

    [Fact]
    public async Task KeyPropagationDelay_NewAccessKey_IsRejectedUntilItPropagates()
    {
        await using var layer = await LayerAsync(o => o.KeyPropagationDelay = TimeSpan.FromSeconds(3));
        using var client = new MotoClient(layer.Endpoint);
        var op = layer.Operator.ToAwsCredentials();
        var user = "fresh-" + Guid.NewGuid().ToString("N")[..8];
        MotoClient.ParseQuery(await client.QueryAsync("iam", "us-east-1", "CreateUser", "2010-05-08", [new("UserName", user)], op, default), "CreateUser");
        var key = MotoClient.ParseQuery(await client.QueryAsync("iam", "us-east-1", "CreateAccessKey", "2010-05-08", [new("UserName", user)], op, default), "CreateAccessKey");
        string Find(string name) => key.Descendants().First(e => e.Name.LocalName == name).Value;
        var fresh = new BasicAWSCredentials(Find("AccessKeyId"), Find("SecretAccessKey"));
        using var sts = Sts(layer, fresh);
        using var s3 = S3(layer, fresh);

        var stsError = await Assert.ThrowsAnyAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        var s3Error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal("InvalidClientTokenId", stsError.ErrorCode);
        Assert.Equal("InvalidAccessKeyId", s3Error.ErrorCode);

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.EndsWith($":user/{user}", identity.Arn);
        var recorded = Assert.Single(layer.RecordedEvents, e => e.EventName == "GetCallerIdentity" && e.AccessKeyId == fresh.GetCredentials().AccessKey);
        Assert.Equal(user, recorded.Username);
    }

    [Fact]
    public async Task LookupEventsRate_BurstAboveTwoPerSecond_IsThrottled()
    {
        await using var layer = await LayerAsync(o => o.LookupEventsRate = 2);
        using var client = new MotoClient(layer.Endpoint);
        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var response = await client.JsonAsync("cloudtrail", "us-east-1", LookupTarget, "{}", layer.Operator.ToAwsCredentials(), default);
            codes.Add(response.StatusCode);
            if (!response.IsSuccess)
            {
                Assert.Contains("ThrottlingException", response.Text);
            }
        }

        Assert.Equal(200, codes[0]);
        Assert.Contains(400, codes);
    }

    [Fact]
    public async Task PeriodicDelivery_CallRightAfterStartLogging_IsDeliveredDespiteAnUnanswerableRegion()
    {
        await using var layer = await LayerAsync(o => o.DeliveryInterval = TimeSpan.FromMilliseconds(200));
        using var client = new MotoClient(layer.Endpoint);
        var op = layer.Operator.ToAwsCredentials();
        var bucket = "lp-periodic-" + Guid.NewGuid().ToString("N")[..8];
        var trail = "periodic-" + Guid.NewGuid().ToString("N")[..8];
        const string target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
        Assert.True((await client.SendAsync("s3", "us-east-1", "PUT", "/" + bucket, null, null, null, op, default)).IsSuccess);
        Assert.True((await client.JsonAsync("cloudtrail", "us-east-1", target + "CreateTrail", $$"""{"Name":"{{trail}}","S3BucketName":"{{bucket}}"}""", op, default)).IsSuccess);
        Assert.True((await client.JsonAsync("cloudtrail", "us-east-1", target + "StartLogging", $$"""{"Name":"{{trail}}"}""", op, default)).IsSuccess);

        // Signed for a Region moto has no CloudTrail for: must not hold up delivery of the rest.
        await client.QueryAsync("sts", "xx-nowhere-1", "GetCallerIdentity", "2011-06-15", [], op, default);
        var marker = "after-start-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await client.SendAsync("s3", "us-east-1", "PUT", "/" + marker, null, null, null, op, default)).IsSuccess);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<LogFileContent> files = [];
        while (DateTime.UtcNow < deadline)
        {
            files = await layer.ReadLogFilesAsync(bucket);
            if (files.SelectMany(f => f.Records).Any(r => r.GetRawText().Contains(marker, StringComparison.Ordinal)))
            {
                break;
            }

            await Task.Delay(300);
        }

        Assert.Contains(files.SelectMany(f => f.Records), r => r.GetProperty("eventName").GetString() == "CreateBucket" && r.GetRawText().Contains(marker, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"a"},{"AttributeKey":"EventName","AttributeValue":"b"}]}""", "InvalidLookupAttributesException")]
    [InlineData("""{"LookupAttributes":[{"AttributeKey":"Colour","AttributeValue":"a"}]}""", "InvalidLookupAttributesException")]
    [InlineData("""{"MaxResults":51}""", "InvalidMaxResultsException")]
    [InlineData("""{"StartTime":1700000100,"EndTime":1700000000}""", "InvalidTimeRangeException")]
    [InlineData("""{"NextToken":"not-a-token"}""", "InvalidNextTokenException")]
    [InlineData("""{"EventCategory":"data"}""", "InvalidEventCategoryException")]
    public async Task LookupEvents_InvalidRequest_AnswersCloudTrailsError(string body, string expected)
    {
        using var client = new MotoClient(_fixture.StandIn.Endpoint);

        var response = await client.JsonAsync("cloudtrail", "us-east-1", LookupTarget, body, _fixture.StandIn.Operator.ToAwsCredentials(), default);

        Assert.Equal(400, response.StatusCode);
        using var doc = JsonDocument.Parse(response.Body);
        Assert.Equal(expected, doc.RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task AccessAnalyzerCall_IsServedByTheAccessAnalyzerEmulatorAndRecorded()
    {
        using var client = new MotoClient(_fixture.StandIn.Endpoint);

        var response = await client.SendAsync("access-analyzer", "us-east-1", "GET", "/policy/generation", null, null, null, _fixture.StandIn.Operator.ToAwsCredentials(), default);

        Assert.Equal(200, response.StatusCode);
        using (var doc = JsonDocument.Parse(response.Body))
        {
            Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("policyGenerations").ValueKind);
        }

        var recorded = Assert.Single(_fixture.StandIn.RecordedEvents, e => e.EventSource == "access-analyzer.amazonaws.com");
        Assert.Equal("ListPolicyGenerations", recorded.EventName);
        Assert.True(recorded.ReadOnly);
    }
}
