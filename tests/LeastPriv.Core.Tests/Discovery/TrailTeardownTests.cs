using System.Net;
using System.Reflection;
using Amazon.S3;
using Amazon.S3.Model;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class TrailTeardownTests
{
    private const string Admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    private const string TrailArn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/lp-trail";

    [Fact]
    public async Task Remove_SessionWithTrail_TrailFirstThenIamThenServiceRoleThenBucketLast_InHomeRegion()
    {
        using var temp = new TempStore();
        var (iam, manifest) = TrailSession(temp.Store);
        var calls = new List<string>();
        using var teardown = Teardown(calls);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter(), teardown)
            .RemoveAsync(manifest, new DiscoveryCleanupOptions { TagSweep = false }, null, CancellationToken.None);

        Assert.Equal(
            new[]
            {
                "eu-west-1 CloudTrail GetTrail " + TrailArn,
                "eu-west-1 CloudTrail StopLogging lp-trail",
                "eu-west-1 CloudTrail DeleteTrail lp-trail",
                "eu-west-1 S3 ListVersions lp-bucket",
                "eu-west-1 S3 DeleteObjects lp-bucket AWSLogs/123456789012/CloudTrail/a.json.gz,AWSLogs/123456789012/CloudTrail/b.json.gz@v2",
                "eu-west-1 S3 DeleteBucket lp-bucket",
            },
            calls);
        Assert.Equal(new[] { "DeleteAccessKey AKIAFAKE000000000001", $"DetachUserPolicy {Admin}", "DeleteRolePolicy LeastPrivTrailAccess", "DeleteRole lp-aa", "DeleteUser app-discovery" }, iam.Calls);
        var order = results.Select(r => r.ResourceType).ToList();
        Assert.Equal("Trail", order[0]);
        Assert.Equal("TrailBucket", order[^1]);
        Assert.True(order.IndexOf("RoleInlinePolicy") < order.IndexOf("ServiceRole"));
        Assert.All(results, r => Assert.Equal(LPCleanupAction.Deleted, r.Action));
        Assert.Equal(DiscoverySessionState.Removed, temp.Store.Load("lp-trail-1").State);
    }

    [Fact]
    public async Task Remove_TrailAndBucketAlreadyGone_ReportedAlreadyGoneAndSessionRemoved()
    {
        using var temp = new TempStore();
        var (iam, manifest) = TrailSession(temp.Store);
        var calls = new List<string>();
        using var teardown = Teardown(calls, trailGone: true, bucketGone: true);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter(), teardown)
            .RemoveAsync(manifest, new DiscoveryCleanupOptions { TagSweep = false }, null, CancellationToken.None);

        Assert.Equal(LPCleanupAction.AlreadyGone, results.Single(r => r.ResourceType == "Trail").Action);
        Assert.Equal(LPCleanupAction.AlreadyGone, results.Single(r => r.ResourceType == "TrailBucket").Action);
        Assert.DoesNotContain(calls, c => c.Contains("StopLogging", StringComparison.Ordinal) || c.Contains("DeleteBucket", StringComparison.Ordinal));
        Assert.Equal(DiscoverySessionState.Removed, temp.Store.Load("lp-trail-1").State);
    }

    [Fact]
    public async Task Remove_DeleteTrailDenied_ReportedFailedAndTheRestStillRemoved()
    {
        using var temp = new TempStore();
        var (iam, manifest) = TrailSession(temp.Store);
        var calls = new List<string>();
        var reporter = new RecordingReporter();
        using var teardown = Teardown(calls, denyDeleteTrail: true);

        var results = await new DiscoveryCleanup(iam, temp.Store, reporter, teardown)
            .RemoveAsync(manifest, new DiscoveryCleanupOptions { TagSweep = false }, null, CancellationToken.None);

        Assert.Equal(LPCleanupAction.Failed, results.Single(r => r.ResourceType == "Trail").Action);
        Assert.Equal(LPCleanupAction.Deleted, results.Single(r => r.ResourceType == "TrailBucket").Action);
        Assert.Equal(LPCleanupAction.Deleted, results.Single(r => r.ResourceType == "ServiceRole").Action);
        Assert.Equal("DiscoveryResourceRemoveFailed", Assert.Single(reporter.Errors).ErrorId);
        var saved = temp.Store.Load("lp-trail-1");
        Assert.Equal(DiscoverySessionState.Active, saved.State);
        Assert.Equal(DiscoveryResourceState.DeleteFailed, saved.Resources.Single(r => r.Type == DiscoveryResourceType.Trail).State);
    }

    [Fact]
    public async Task Remove_WithoutTrailAccess_TrailAndBucketSkippedWithReason()
    {
        using var temp = new TempStore();
        var (iam, manifest) = TrailSession(temp.Store);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter())
            .RemoveAsync(manifest, new DiscoveryCleanupOptions { TagSweep = false }, null, CancellationToken.None);

        Assert.Equal(LPCleanupAction.Skipped, results.Single(r => r.ResourceType == "Trail").Action);
        Assert.Equal(LPCleanupAction.Skipped, results.Single(r => r.ResourceType == "TrailBucket").Action);
        Assert.Equal(DiscoverySessionState.Active, temp.Store.Load("lp-trail-1").State);
    }

    [Fact]
    public async Task Remove_TaggedTrailAndBucketMissingFromManifest_SweptAndRemoved()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var manifest = new SessionManifest { SessionId = "lp-trail-1", CreatedAt = DateTimeOffset.UtcNow, Region = "eu-west-1" };
        temp.Store.Save(manifest);
        var calls = new List<string>();
        using var teardown = Teardown(calls, taggedStrays: true);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter(), teardown)
            .RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Contains(results, r => r.ResourceType == "Trail" && r.Name == "lp-stray-trail" && r.Source == "TagSweep" && r.Action == LPCleanupAction.Deleted);
        Assert.Contains(results, r => r.ResourceType == "TrailBucket" && r.Name == "lp-stray-bucket" && r.Source == "TagSweep" && r.Action == LPCleanupAction.Deleted);
        Assert.DoesNotContain(results, r => r.Name is "other-trail" or "other-bucket");
        Assert.Contains("eu-west-1 CloudTrail DeleteTrail lp-stray-trail", calls);
        Assert.Contains("eu-west-1 S3 DeleteBucket lp-stray-bucket", calls);
    }

    private static (InMemoryIam Iam, SessionManifest Manifest) TrailSession(SessionStore store)
    {
        var iam = new InMemoryIam();
        var user = iam.AddUser("app-discovery");
        user.Attached.Add(Admin);
        var key = iam.AddKey("app-discovery");
        iam.AddRole("lp-aa").Inline["LeastPrivTrailAccess"] = "{}";
        var manifest = new SessionManifest
        {
            SessionId = "lp-trail-1",
            CreatedAt = DateTimeOffset.UtcNow,
            Region = "us-east-1",
            Trail = new ManifestTrail { TrailName = "lp-trail", TrailArn = TrailArn, HomeRegion = "eu-west-1", BucketName = "lp-bucket", AccessRoleName = "lp-aa" },
            Resources =
            {
                new ManifestResource { Type = DiscoveryResourceType.User, Name = "app-discovery", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.UserPolicyAttachment, Name = Admin, Arn = Admin, Parent = "app-discovery", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.AccessKey, Name = key, Parent = "app-discovery", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.TrailBucket, Name = "lp-bucket", Arn = "arn:aws:s3:::lp-bucket", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.ServiceRole, Name = "lp-aa", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.RoleInlinePolicy, Name = "LeastPrivTrailAccess", Parent = "lp-aa", State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.Trail, Name = "lp-trail", Arn = TrailArn, State = DiscoveryResourceState.Created },
            },
        };
        store.Save(manifest);
        return (iam, manifest);
    }

    private static TrailTeardown Teardown(List<string> calls, bool trailGone = false, bool bucketGone = false, bool denyDeleteTrail = false, bool taggedStrays = false)
        => new(
            region => FakeApi.Create<ICloudTrailApi>(calls, region + " CloudTrail", (name, args) => name switch
            {
                "GetTrail" when trailGone => throw new AwsServiceException(AwsService.CloudTrail, "GetTrail", "TrailNotFoundException", HttpStatusCode.BadRequest, "r", "Unknown trail"),
                "GetTrail" => Task.FromResult(new CloudTrailTrail { Name = ((string)args[0]!).Split('/')[^1], TrailARN = (string)args[0]! }),
                "DeleteTrail" when denyDeleteTrail => throw new AwsServiceException(AwsService.CloudTrail, "DeleteTrail", "AccessDeniedException", HttpStatusCode.BadRequest, "r", "not allowed"),
                "DescribeTrails" => Task.FromResult<IReadOnlyList<CloudTrailTrail>>(taggedStrays
                    ? new[] { Trail("lp-stray-trail", region), Trail("other-trail", region) }
                    : Array.Empty<CloudTrailTrail>()),
                "ListTags" => Task.FromResult<IReadOnlyList<AwsTag>>(((string)args[0]!).EndsWith("lp-stray-trail", StringComparison.Ordinal)
                    ? new[] { new AwsTag("leastpriv:session", "lp-trail-1") }
                    : new[] { new AwsTag("leastpriv:session", "another") }),
                _ => null,
            }),
            region => FakeApi.Create<IAmazonS3>(calls, region + " S3", (name, args) => name switch
            {
                "ListVersions" when bucketGone => throw new AmazonS3Exception("The bucket does not exist") { ErrorCode = "NoSuchBucket", StatusCode = HttpStatusCode.NotFound },
                "ListVersions" => Task.FromResult(new ListVersionsResponse
                {
                    Versions = new List<S3ObjectVersion>
                    {
                        new() { Key = "AWSLogs/123456789012/CloudTrail/a.json.gz", VersionId = "null" },
                        new() { Key = "AWSLogs/123456789012/CloudTrail/b.json.gz", VersionId = "v2" },
                    },
                    IsTruncated = false,
                }),
                "DeleteObjects" => Task.FromResult(new DeleteObjectsResponse()),
                "DeleteBucket" => Task.FromResult(new DeleteBucketResponse()),
                "ListBuckets" => Task.FromResult(new ListBucketsResponse { Buckets = new List<S3Bucket> { new() { BucketName = "lp-stray-bucket" }, new() { BucketName = "other-bucket" } } }),
                "GetBucketTagging" => Task.FromResult(new GetBucketTaggingResponse
                {
                    TagSet = new List<Tag> { new() { Key = "leastpriv:session", Value = ((GetBucketTaggingRequest)args[0]!).BucketName == "lp-stray-bucket" ? "lp-trail-1" : "another" } },
                }),
                _ => null,
            }),
            "eu-west-1");

    private static CloudTrailTrail Trail(string name, string region)
        => new() { Name = name, HomeRegion = region, TrailARN = $"arn:aws:cloudtrail:{region}:123456789012:trail/{name}" };
}

/// <summary>A recording stand-in for a wide client interface: answers what the test scripts, records every call.</summary>
public class FakeApi : DispatchProxy
{
    private List<string> _calls = new();
    private string _prefix = string.Empty;
    private Func<string, object?[], object?> _answer = (_, _) => null;

    public static T Create<T>(List<string> calls, string prefix, Func<string, object?[], object?> answer)
        where T : class
    {
        var proxy = Create<T, FakeApi>();
        var fake = (FakeApi)(object)proxy;
        fake._calls = calls;
        fake._prefix = prefix;
        fake._answer = answer;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        args ??= Array.Empty<object?>();
        if (method.Name == "Dispose")
        {
            return null;
        }

        var name = method.Name.EndsWith("Async", StringComparison.Ordinal) ? method.Name[..^5] : method.Name;
        var detail = args.FirstOrDefault() switch
        {
            string s => s,
            ListVersionsRequest r => r.BucketName,
            DeleteObjectsRequest r => r.BucketName + " " + string.Join(",", r.Objects.Select(o => o.VersionId is null ? o.Key : o.Key + "@" + o.VersionId)),
            DeleteBucketRequest r => r.BucketName,
            GetBucketTaggingRequest r => r.BucketName,
            _ => string.Empty,
        };
        if (name is not ("DescribeTrails" or "ListTags" or "ListBuckets" or "GetBucketTagging"))
        {
            _calls.Add($"{_prefix} {name} {detail}".TrimEnd());
        }

        var answer = _answer(name, args);
        if (answer is not null)
        {
            return answer;
        }

        if (method.ReturnType == typeof(Task))
        {
            return Task.CompletedTask;
        }

        throw new NotSupportedException($"{_prefix}: no scripted answer for {method.Name}.");
    }
}
