using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Generation;
using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// Reading a trail's bucket through the official S3 client against a scripted S3 on 127.0.0.1:
/// a failed listing or download is an error, a damaged object an incomplete result, never a
/// silently smaller policy.
/// </summary>
public sealed class TrailLogBucketTests
{
    private const string Account = "111122223333";
    private const string Principal = "arn:aws:iam::111122223333:user/app";
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);
    private static readonly string Day = $"lp/AWSLogs/{Account}/CloudTrail/us-east-1/2026/11/24/";
    private static readonly string GoodKey = Day + $"{Account}_CloudTrail_us-east-1_20261124T0505Z_AAAAAAAAAAAAAAAA.json";
    private static readonly string BadKey = Day + $"{Account}_CloudTrail_us-east-1_20261124T0510Z_BBBBBBBBBBBBBBBB.json";

    private static readonly TrailLogLocation Location = new() { BucketName = "trail-bucket", KeyPrefix = "lp", AccountId = Account, Regions = ["us-east-1"] };

    private static string Record(string eventName) =>
        $$"""{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"{{Principal}}","accountId":"{{Account}}","userName":"app"},"eventTime":"2026-11-24T05:01:00Z","eventSource":"iam.amazonaws.com","eventName":"{{eventName}}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","requestParameters":null,"responseElements":null,"eventType":"AwsApiCall","managementEvent":true,"eventCategory":"Management","recipientAccountId":"{{Account}}"}""";

    private static ScriptedResponse Listing(string prefix, params string[] keys)
    {
        var contents = string.Concat(keys.Select(k => $"<Contents><Key>{k}</Key><LastModified>2026-11-24T05:10:00.000Z</LastModified><ETag>\"e\"</ETag><Size>100</Size><StorageClass>STANDARD</StorageClass></Contents>"));
        return new ScriptedResponse(200, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>trail-bucket</Name><Prefix>{prefix}</Prefix><KeyCount>{keys.Length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>", "application/xml");
    }

    private static ScriptedResponse AccessDenied() =>
        new(403, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r1</RequestId></Error>", "application/xml");

    private static Func<CapturedRequest, ScriptedResponse> Bucket(Func<string, ScriptedResponse> getObject) => request =>
    {
        if (request.Query.Contains("list-type=2", StringComparison.Ordinal))
        {
            var prefix = Uri.UnescapeDataString(request.Query.Split('&').First(p => p.StartsWith("prefix=", StringComparison.Ordinal))["prefix=".Length..]);
            return prefix == Day ? Listing(prefix, GoodKey, BadKey, Day + "notes.txt") : Listing(prefix);
        }

        return getObject(Uri.UnescapeDataString(request.Path["/trail-bucket/".Length..]));
    };

    private static Task<LPGeneratedPolicy> GenerateAsync(LoopbackServer server)
    {
        var s3 = AwsTestContext.For(server.Url, "us-east-1").CreateS3Client();
        return TrailPolicyGeneration.FromTrailAsync(
            new TrailLogBucket(s3),
            Location,
            Principal,
            [(Start, Start.AddMinutes(30))],
            new LocalPolicyGeneratorOptions(),
            NullEngineReporter.Instance,
            CancellationToken.None);
    }

    [Fact]
    public async Task ListAsync_AccessDenied_IsAnErrorNotAnEmptyList()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => AccessDenied());
        var bucket = new TrailLogBucket(AwsTestContext.For(server.Url, "us-east-1").CreateS3Client());

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => bucket.ListAsync(Location, Start, Start.AddHours(1), CancellationToken.None));

        Assert.Equal("AwsAccessDenied", ex.ErrorId);
        Assert.Equal(LPErrorCategory.PermissionDenied, ex.Category);
        Assert.Contains("trail-bucket", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_DayFolders_ListsOnlyLogFilesOfTheRangesDays()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(Bucket(_ => new ScriptedResponse(404)));
        var bucket = new TrailLogBucket(AwsTestContext.For(server.Url, "us-east-1").CreateS3Client());

        var files = await bucket.ListAsync(Location, Start, Start.AddHours(1), CancellationToken.None);

        Assert.Equal([GoodKey, BadKey], files.Select(f => f.Key));
        Assert.All(files, f => Assert.Equal("us-east-1", f.Region));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 10, 0, TimeSpan.Zero), files[0].LastModified);
        Assert.Equal(2, server.Requests.Count(r => r.Query.Contains("list-type=2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FromTrailAsync_ObjectDownloadDenied_IsAnErrorNotASmallerPolicy()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(Bucket(key => key == GoodKey
            ? new ScriptedResponse(200, $$"""{"Records":[{{Record("ListUsers")}}]}""", "application/json")
            : AccessDenied()));

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => GenerateAsync(server));

        Assert.Equal("AwsAccessDenied", ex.ErrorId);
        Assert.Contains(BadKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromTrailAsync_DamagedObject_IsReadAroundAndMarksThePolicyIncomplete()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(Bucket(key => key == GoodKey
            ? new ScriptedResponse(200, $$"""{"Records":[{{Record("ListUsers")}}]}""", "application/json")
            : new ScriptedResponse(200, $$"""{"Records":[{{Record("ListRoles")}},{"eventVersion":"1.09","userIdent""", "application/json")));

        var policy = await GenerateAsync(server);

        Assert.Equal(["iam:ListRoles", "iam:ListUsers"], policy.Actions);
        Assert.False(policy.IsComplete);
        Assert.Contains(policy.IncompleteReasons, r => r.Contains(BadKey, StringComparison.Ordinal));
    }
}
