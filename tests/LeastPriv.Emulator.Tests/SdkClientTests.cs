using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using LeastPriv.Emulator.Testing;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>The official AWSSDK clients (their own signing, aws-chunked uploads with trailing checksums) through the stand-in.</summary>
[Trait("Category", "Integration")]
public sealed class SdkClientTests : IClassFixture<StandInFixture>
{
    private readonly StandInFixture _fixture;

    public SdkClientTests(StandInFixture fixture) => _fixture = fixture;

    private AmazonS3Client LayerS3() => new(_fixture.StandIn.Operator.ToAwsCredentials(), new AmazonS3Config
    {
        ServiceURL = _fixture.StandIn.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    [Fact]
    public async Task S3PutAndGet_DefaultSdkSettings_RoundTripsAndIsRecordedAsDataEvents()
    {
        const string bucket = "lp-sdk-bucket";
        const string key = "nested/path/data.json";
        var content = "{\"hello\":\"" + new string('x', 70_000) + "\"}";
        using var s3 = LayerS3();

        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = content });
        using (var get = await s3.GetObjectAsync(bucket, key))
        using (var reader = new StreamReader(get.ResponseStream, Encoding.UTF8))
        {
            Assert.Equal(content, await reader.ReadToEndAsync());
        }

        // What moto stored is the object itself, not the aws-chunked framing the SDK sent.
        using (var direct = _fixture.StandIn.Services.CreateS3Client(_fixture.StandIn.Services.OperatorCredentials))
        using (var get = await direct.GetObjectAsync(bucket, key))
        using (var reader = new StreamReader(get.ResponseStream, Encoding.UTF8))
        {
            Assert.Equal(content, await reader.ReadToEndAsync());
        }

        var put = Assert.Single(_fixture.StandIn.RecordedEvents, e => e.EventName == "PutObject" && e.Json.Contains(key, StringComparison.Ordinal));
        Assert.False(put.ManagementEvent);
        Assert.Null(put.ErrorCode);
        Assert.Equal(key, put.Record.GetProperty("requestParameters").GetProperty("key").GetString());
        Assert.Contains(_fixture.StandIn.RecordedEvents, e => e.EventName == "GetObject" && e.Json.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task S3GetMissingKey_ThroughLayer_SdkSeesNoSuchKeyAndRecordCarriesIt()
    {
        using var s3 = LayerS3();
        await s3.PutBucketAsync("lp-sdk-missing");

        var ex = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("lp-sdk-missing", "absent.txt"));

        Assert.Equal("NoSuchKey", ex.ErrorCode);
        Assert.Contains(_fixture.StandIn.RecordedEvents, e => e.EventName == "GetObject" && e.ErrorCode == "NoSuchKey");
    }

    [Fact]
    public async Task StsGetCallerIdentity_ThroughLayer_ReturnsOperator()
    {
        using var sts = new AmazonSecurityTokenServiceClient(_fixture.StandIn.Operator.ToAwsCredentials(), new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = _fixture.StandIn.Endpoint.ToString(),
            AuthenticationRegion = "eu-west-1",
        });

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(_fixture.StandIn.Operator.Arn, identity.Arn);
        Assert.Equal(_fixture.StandIn.Account, identity.Account);
        Assert.Contains(_fixture.StandIn.RecordedEvents, e => e.EventName == "GetCallerIdentity" && e.AwsRegion == "eu-west-1");
    }

    [Fact]
    public async Task UnsignedRequest_PassesThroughUnrecorded()
    {
        using var http = new HttpClient();
        var before = _fixture.StandIn.RecordedEvents.Count;

        using var response = await http.GetAsync(new Uri(_fixture.StandIn.Endpoint, "moto-api/"));

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(before, _fixture.StandIn.RecordedEvents.Count);
    }
}
