using System.Text;
using System.Text.Json;
using LeastPriv.Emulator.Delivery;
using LeastPriv.Emulator.Identity;
using LeastPriv.Emulator.Proxy;
using LeastPriv.Emulator.Recording;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>Narrow checks of how a wire request becomes a record, and which trails want it (no moto involved).</summary>
public sealed class RecordShapeTests
{
    private const string Account = "123456789012";

    private static ApiCall Call(string method, string target, string service, string region = "us-east-1", string? contentType = null, string body = "", string? amzTarget = null, string host = "127.0.0.1:4566")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var q = target.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = q < 0 ? target : target[..q];
        context.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(target[q..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        context.Request.Headers.Host = host;
        context.Request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001/20261124/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
        context.Request.Headers.UserAgent = "aws-cli/1.45.11";
        if (contentType is not null)
        {
            context.Request.ContentType = contentType;
        }

        if (amzTarget is not null)
        {
            context.Request.Headers["X-Amz-Target"] = amzTarget;
        }

        return ApiCall.Describe(context, Encoding.UTF8.GetBytes(body));
    }

    private static RecordedEvent Record(ApiCall call, int status = 200, string responseBody = "", CallerIdentity? identity = null)
    {
        var response = new ForwardedResponse { StatusCode = status, Headers = [], Body = Encoding.UTF8.GetBytes(responseBody) };
        return CloudTrailRecordBuilder.Build(call, response, identity ?? new CallerIdentity("IAMUser", "AIDAEXAMPLE", $"arn:aws:iam::{Account}:user/alice", Account, "AKIAEXAMPLEKEY000001", "alice"), Account, DateTimeOffset.UtcNow, AwsError.Parse(response, call));
    }

    [Theory]
    [InlineData("GET", "/", "ListBuckets")]
    [InlineData("PUT", "/b1", "CreateBucket")]
    [InlineData("HEAD", "/b1", "HeadBucket")]
    [InlineData("GET", "/b1?list-type=2&prefix=a%2F", "ListObjects")]
    [InlineData("GET", "/b1?location", "GetBucketLocation")]
    [InlineData("PUT", "/b1?policy", "PutBucketPolicy")]
    [InlineData("DELETE", "/b1?policy", "DeleteBucketPolicy")]
    [InlineData("PUT", "/b1?publicAccessBlock", "PutBucketPublicAccessBlock")]
    [InlineData("POST", "/b1?delete", "DeleteObjects")]
    [InlineData("GET", "/b1/a/b.txt", "GetObject")]
    [InlineData("HEAD", "/b1/a/b.txt", "HeadObject")]
    [InlineData("PUT", "/b1/a/b.txt", "PutObject")]
    [InlineData("DELETE", "/b1/a/b.txt", "DeleteObject")]
    [InlineData("POST", "/b1/k?uploads", "CreateMultipartUpload")]
    [InlineData("PUT", "/b1/k?partNumber=1&uploadId=u", "UploadPart")]
    [InlineData("GET", "/b1/k?tagging", "GetObjectTagging")]
    public void S3Request_MethodPathAndSubresource_NameTheOperation(string method, string target, string expected)
    {
        Assert.Equal(expected, Call(method, target, "s3").Operation);
    }

    [Fact]
    public void S3Request_VirtualHostedStyle_ReadsBucketFromHost()
    {
        var call = Call("GET", "/docs/a%20b.txt", "s3", host: "my-bucket.s3.eu-west-1.amazonaws.com");

        Assert.Equal("my-bucket", call.Bucket);
        Assert.Equal("docs/a b.txt", call.Key);
        Assert.Equal("GetObject", call.Operation);
    }

    [Fact]
    public void QueryCall_NestedParameters_BecomeLowerCamelTree()
    {
        var call = Call("POST", "/", "iam", contentType: "application/x-www-form-urlencoded; charset=utf-8",
            body: "Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fgen%2F&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Key=k2&Tags.member.2.Value=v2");

        var parameters = Record(call).Record.GetProperty("requestParameters");

        Assert.Equal("CreateUser", call.Operation);
        Assert.Equal("bob", parameters.GetProperty("userName").GetString());
        Assert.Equal("/gen/", parameters.GetProperty("path").GetString());
        var tags = parameters.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(2, tags.Count);
        Assert.Equal("k2", tags[1].GetProperty("key").GetString());
        Assert.False(parameters.TryGetProperty("action", out _));
    }

    [Fact]
    public void QueryCall_NumericAndBooleanParameters_KeepTheirJsonTypes()
    {
        var call = Call("POST", "/", "sts", contentType: "application/x-www-form-urlencoded",
            body: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s&DurationSeconds=900");

        var parameters = Record(call).Record.GetProperty("requestParameters");

        Assert.Equal(JsonValueKind.Number, parameters.GetProperty("durationSeconds").ValueKind);
        Assert.Equal("arn:aws:iam::123456789012:role/r", parameters.GetProperty("roleArn").GetString());
    }

    [Fact]
    public void QueryCallResponse_IamDatesAndSecrets_AreShownAsCloudTrailDoes()
    {
        var call = Call("POST", "/", "iam", contentType: "application/x-www-form-urlencoded", body: "Action=CreateAccessKey&Version=2010-05-08&UserName=bob");
        const string response = """
            <CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult><AccessKey>
            <UserName>bob</UserName><AccessKeyId>AKIANEW</AccessKeyId><Status>Active</Status><SecretAccessKey>s3cr3t</SecretAccessKey>
            <CreateDate>2024-03-24T21:11:59Z</CreateDate></AccessKey></CreateAccessKeyResult>
            <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateAccessKeyResponse>
            """;

        var recorded = Record(call, responseBody: response);
        var key = recorded.Record.GetProperty("responseElements").GetProperty("accessKey");

        Assert.Equal("AKIANEW", key.GetProperty("accessKeyId").GetString());
        Assert.Equal("Mar 24, 2024, 9:11:59 PM", key.GetProperty("createDate").GetString());
        Assert.DoesNotContain("s3cr3t", recorded.Json, StringComparison.Ordinal);
        Assert.Equal("req-1", recorded.Record.GetProperty("requestID").GetString());
    }

    [Fact]
    public void JsonCallError_TypeWithNamespace_IsStrippedToTheCode()
    {
        var call = Call("POST", "/", "cloudtrail", contentType: "application/x-amz-json-1.1", body: """{"Name":"t1"}""", amzTarget: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail");

        var recorded = Record(call, 400, """{"__type":"com.amazonaws.cloudtrail#TrailNotFoundException:http://internal","message":"Unknown trail"}""");

        Assert.Equal("GetTrail", recorded.EventName);
        Assert.Equal("TrailNotFoundException", recorded.ErrorCode);
        Assert.Equal("Unknown trail", recorded.Record.GetProperty("errorMessage").GetString());
        Assert.Equal("t1", recorded.Record.GetProperty("requestParameters").GetProperty("name").GetString());
    }

    [Fact]
    public void IamCallSignedForAnotherRegion_IsRecordedInUsEast1()
    {
        var call = Call("POST", "/", "iam", region: "eu-west-1", contentType: "application/x-www-form-urlencoded", body: "Action=ListUsers&Version=2010-05-08");

        Assert.Equal("us-east-1", Record(call).AwsRegion);
    }

    [Fact]
    public void RoleSessionIdentity_LookupUsername_IsTheSessionName()
    {
        var identity = new CallerIdentity("AssumedRole", "AROAX:sess", $"arn:aws:sts::{Account}:assumed-role/r/sess", Account, "ASIAX",
            SessionIssuer: new SessionIssuer("Role", "AROAX", $"arn:aws:iam::{Account}:role/path/r", Account, "r"));

        var recorded = Record(Call("GET", "/", "s3"), identity: identity);

        Assert.Equal("sess", recorded.Username);
        Assert.Equal($"arn:aws:iam::{Account}:role/path/r", recorded.Record.GetProperty("userIdentity").GetProperty("sessionContext").GetProperty("sessionIssuer").GetProperty("arn").GetString());
    }

    private static TrailConfiguration Trail(string selectorsJson, bool multiRegion = false, string home = "us-east-1")
    {
        using var trail = JsonDocument.Parse($$"""{"Name":"t","TrailARN":"arn:aws:cloudtrail:{{home}}:{{Account}}:trail/t","HomeRegion":"{{home}}","S3BucketName":"logs","IsMultiRegionTrail":{{(multiRegion ? "true" : "false")}}}""");
        using var status = JsonDocument.Parse("""{"IsLogging":true,"StartLoggingTime":1000}""");
        using var selectors = JsonDocument.Parse(selectorsJson);
        return TrailConfiguration.FromDescribe(trail.RootElement, status.RootElement, selectors.RootElement);
    }

    [Fact]
    public void TrailWithoutSelectors_WantsManagementEventsOfItsRegionOnly()
    {
        var trail = Trail("{}", home: "eu-west-1");

        Assert.True(trail.Wants(Record(Call("PUT", "/b1", "s3", region: "eu-west-1"))));
        Assert.False(trail.Wants(Record(Call("PUT", "/b1/k", "s3", region: "eu-west-1"))));
        Assert.False(trail.Wants(Record(Call("PUT", "/b1", "s3", region: "us-west-2"))));
        Assert.False(trail.Wants(Record(Call("POST", "/", "iam", contentType: "application/x-www-form-urlencoded", body: "Action=ListUsers"))));
        Assert.True(Trail("{}", multiRegion: true, home: "eu-west-1").Wants(Record(Call("POST", "/", "iam", contentType: "application/x-www-form-urlencoded", body: "Action=ListUsers"))));
    }

    [Fact]
    public void TrailWithBasicDataSelector_WantsObjectsUnderTheSelectedPrefixOnly()
    {
        var trail = Trail("""{"EventSelectors":[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::b1/in/"]}]}]}""");

        Assert.True(trail.Wants(Record(Call("PUT", "/b1/in/x", "s3"))));
        Assert.False(trail.Wants(Record(Call("GET", "/b1/in/x", "s3"))));
        Assert.False(trail.Wants(Record(Call("PUT", "/b1/out/x", "s3"))));
        Assert.True(trail.Wants(Record(Call("PUT", "/b1", "s3"))));
        Assert.False(trail.Wants(Record(Call("GET", "/", "s3"))));
    }

    [Fact]
    public void TrailWithAdvancedSelector_AppliesEveryFieldCondition()
    {
        var trail = Trail("""{"AdvancedEventSelectors":[{"Name":"s3 reads","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"readOnly","Equals":["true"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::b1/"]}]}]}""");

        Assert.True(trail.Wants(Record(Call("GET", "/b1/x", "s3"))));
        Assert.False(trail.Wants(Record(Call("PUT", "/b1/x", "s3"))));
        Assert.False(trail.Wants(Record(Call("GET", "/b2/x", "s3"))));
        Assert.False(trail.Wants(Record(Call("PUT", "/b1", "s3"))));
    }
}
