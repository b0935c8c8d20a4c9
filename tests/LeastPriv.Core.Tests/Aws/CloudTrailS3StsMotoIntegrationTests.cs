using Amazon.S3.Model;
using Amazon.SecurityToken.Model;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>
/// The CloudTrail client and the official S3/STS clients built by the context, against a real
/// moto server. moto has no LookupEvents; that one is covered by the conformance and paging tests.
/// </summary>
[Trait("Category", "Integration")]
[Collection(AwsEnvironmentCollection.Name)]
public sealed class CloudTrailS3StsMotoIntegrationTests : IClassFixture<MotoFixture>
{
    private readonly MotoFixture _moto;

    public CloudTrailS3StsMotoIntegrationTests(MotoFixture moto)
    {
        _moto = moto;
    }

    [Fact]
    public async Task Sts_GetCallerIdentity_ThroughOfficialClientFromContext()
    {
        using var env = new EnvironmentScope();
        using var sts = AwsTestContext.For(_moto.Server.Url).CreateStsClient();

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Matches(@"^\d{12}$", identity.Account);
        Assert.StartsWith("arn:aws:", identity.Arn);
    }

    [Fact]
    public async Task S3_BucketAndObject_ThroughOfficialClientWithPathStyle()
    {
        using var env = new EnvironmentScope();
        using var s3 = AwsTestContext.For(_moto.Server.Url, region: "eu-west-1").CreateS3Client();
        var bucket = "lp-s3-" + Guid.NewGuid().ToString("N").Substring(0, 10);

        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, BucketRegion = "eu-west-1" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "AWSLogs/a b.json", ContentBody = "{}" });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "AWSLogs/" });

        Assert.Equal("AWSLogs/a b.json", Assert.Single(listed.S3Objects).Key);
    }

    [Fact]
    public async Task TrailLifecycle_EveryCloudTrailManagementOperation_WorksAgainstMoto()
    {
        using var env = new EnvironmentScope();
        var ctx = AwsTestContext.For(_moto.Server.Url, region: "eu-west-1");
        var bucket = "lp-trail-" + Guid.NewGuid().ToString("N").Substring(0, 10);
        var name = "lp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
        using (var s3 = ctx.CreateS3Client())
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, BucketRegion = "eu-west-1" });
        }

        var ct = ctx.CreateCloudTrailClient();

        var created = await ct.CreateTrailAsync(new CloudTrailCreateTrailRequest
        {
            Name = name,
            S3BucketName = bucket,
            S3KeyPrefix = "lp",
            IsMultiRegionTrail = true,
            IncludeGlobalServiceEvents = true,
            TagsList = { new AwsTag("leastpriv:session", "s3") },
        });
        Assert.Equal(name, created.Name);
        Assert.Equal($"arn:aws:cloudtrail:eu-west-1:{created.TrailARN!.Split(':')[4]}:trail/{name}", created.TrailARN);

        // (moto 5.2 overwrites a trail created twice instead of answering TrailAlreadyExistsException;
        // that mapping is covered by JsonClientErrorAndPagingTests.)
        var trail = await ct.GetTrailAsync(name);
        Assert.Equal(bucket, trail.S3BucketName);
        Assert.True(trail.IsMultiRegionTrail);

        // moto's GetTrail leaves HomeRegion out; DescribeTrails carries it.
        var described = Assert.Single(await ct.DescribeTrailsAsync(new[] { name }));
        Assert.Equal(created.TrailARN, described.TrailARN);
        Assert.Equal("eu-west-1", described.HomeRegion);
        Assert.Contains(await ct.DescribeTrailsAsync(), t => t.Name == name);

        Assert.False((await ct.GetTrailStatusAsync(name)).IsLogging);
        await ct.StartLoggingAsync(name);
        var logging = await ct.GetTrailStatusAsync(name);
        Assert.True(logging.IsLogging);
        Assert.NotNull(logging.StartLoggingTime);

        var put = await ct.PutEventSelectorsAsync(name, new[]
        {
            new CloudTrailEventSelector
            {
                ReadWriteType = "All",
                IncludeManagementEvents = true,
                DataResources = { new CloudTrailDataResource { Type = "AWS::S3::Object", Values = { $"arn:aws:s3:::{bucket}/" } } },
            },
        });
        Assert.Equal(created.TrailARN, put.TrailARN);
        var selectors = await ct.GetEventSelectorsAsync(name);
        var selector = Assert.Single(selectors.EventSelectors);
        Assert.Equal("All", selector.ReadWriteType);
        Assert.Equal("AWS::S3::Object", Assert.Single(selector.DataResources).Type);

        await ct.AddTagsAsync(created.TrailARN!, new[] { new AwsTag("purpose", "discovery") });

        await ct.StopLoggingAsync(name);
        Assert.False((await ct.GetTrailStatusAsync(name)).IsLogging);
        await ct.DeleteTrailAsync(name);

        var missing = await Assert.ThrowsAsync<AwsServiceException>(() => ct.GetTrailAsync(name));
        Assert.Equal("AwsTrailNotFound", missing.ErrorId);
        Assert.Equal(LPErrorCategory.ObjectNotFound, missing.Category);
    }
}
