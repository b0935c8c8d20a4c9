using System.Text;
using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class CloudTrailShapeTests
{
    [Theory]
    [InlineData("s3-delivery-pretty.json", 3)]
    [InlineData("s3-delivery-minified-records-last.json", 6)]
    [InlineData("bare-array.json", 3)]
    [InlineData("single-record.json", 1)]
    [InlineData("records.jsonl", 6)]
    [InlineData("lookup-events-cli.json", 5)]
    [InlineData("event-history.jsonl", 3)]
    [InlineData("masked-arns.json", 1)]
    [InlineData("masked-account-ids.json", 3)]
    public void ReadStream_EachShape_ReadsEveryRecordWithoutError(string fixture, int expected)
    {
        var (records, result, reporter) = ReadBytes(FixtureBytes(fixture), name: fixture);

        Assert.Empty(reporter.Errors);
        Assert.Equal(expected, records.Count);
        Assert.Equal(expected, result.RecordsRead);
        Assert.True(result.IsComplete);
        Assert.All(records, r =>
        {
            Assert.NotEqual(string.Empty, r.EventName);
            Assert.EndsWith(".amazonaws.com", r.EventSource);
            Assert.NotEqual(default, r.EventTime);
            Assert.Equal(fixture, r.SourceLocation);
        });
    }

    [Theory]
    [InlineData("s3-delivery-pretty.json")]
    [InlineData("s3-delivery-minified-records-last.json")]
    [InlineData("records.jsonl")]
    [InlineData("lookup-events-cli.json")]
    public void ReadStream_GzippedContent_ReadsSameRecordsAsPlain(string fixture)
    {
        var plain = ReadBytes(FixtureBytes(fixture)).Records;
        var zipped = ReadBytes(Gzip(FixtureBytes(fixture)), name: "no-extension").Records;

        Assert.Equal(plain.Select(r => r.EventId), zipped.Select(r => r.EventId));
        Assert.NotEmpty(zipped);
    }

    [Fact]
    public void ReadStream_S3Record_ParsesEveryField()
    {
        var options = new CloudTrailReaderOptions { CaptureRequestParameters = true, CaptureResponseElements = true, CaptureAdditionalEventData = true, KeepRawJson = true };
        var (records, _, _) = ReadBytes(FixtureBytes("s3-delivery-minified-records-last.json"), options: options);

        var create = records[0];
        Assert.Equal("1.09", create.EventVersion);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), create.EventTime);
        Assert.Equal("s3.amazonaws.com", create.EventSource);
        Assert.Equal("CreateBucket", create.EventName);
        Assert.Equal("eu-west-1", create.AwsRegion);
        Assert.Equal("198.51.100.7", create.SourceIpAddress);
        Assert.Equal("aws-cli/2.15.0 Python/3.11.6", create.UserAgent);
        Assert.Equal("req-0001", create.RequestId);
        Assert.Equal("00000000-0000-4000-8000-000000000001", create.EventId);
        Assert.False(create.ReadOnly);
        Assert.Equal("AwsApiCall", create.EventType);
        Assert.True(create.ManagementEvent);
        Assert.Equal("111122223333", create.RecipientAccountId);
        Assert.Equal("Management", create.EventCategory);
        Assert.Equal("IAMUser", create.Identity.Type);
        Assert.Equal("arn:aws:iam::111122223333:user/ci/app-discovery", create.Identity.Arn);
        Assert.Equal("app-discovery", create.Identity.UserName);
        Assert.Equal("AKIAEXAMPLEKEY000001", create.Identity.AccessKeyId);
        Assert.Equal("111122223333", create.Identity.AccountId);
        Assert.False(create.Identity.MfaAuthenticated);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero), create.Identity.SessionCreationDate);
        Assert.Null(create.Identity.SessionIssuer);
        Assert.Equal("{\"bucketName\":\"demo-bucket\",\"Host\":\"demo-bucket.s3.eu-west-1.amazonaws.com\"}", create.RequestParametersJson);
        Assert.Null(create.ResponseElementsJson);
        Assert.Equal("{\"SignatureVersion\":\"SigV4\",\"bytesTransferredIn\":0}", create.AdditionalEventDataJson);
        Assert.StartsWith("{\"eventVersion\":\"1.09\"", create.RawJson);
        using (var raw = System.Text.Json.JsonDocument.Parse(create.RawJson!))
        {
            Assert.Equal("00000000-0000-4000-8000-000000000001", raw.RootElement.GetProperty("eventID").GetString());
        }

        var put = records[1];
        Assert.Equal("Data", put.EventCategory);
        Assert.Equal(new[] { "arn:aws:s3:::demo-bucket/a/b.txt", "arn:aws:s3:::demo-bucket" }, put.Resources.Select(r => r.Arn));
        Assert.Equal(new[] { "AWS::S3::Object", "AWS::S3::Bucket" }, put.Resources.Select(r => r.Type));

        var denied = records[2];
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.True(denied.IsAccessDenied);
        Assert.StartsWith("User: arn:aws:iam::111122223333:user/ci/app-discovery", denied.ErrorMessage);

        var role = records[3];
        Assert.Equal("AssumedRole", role.Identity.Type);
        Assert.Equal("arn:aws:iam::111122223333:role/service-role/deployer", role.Identity.SessionIssuer!.Arn);
        Assert.Equal("deployer", role.Identity.SessionIssuer.UserName);
        Assert.Equal("Role", role.Identity.SessionIssuer.Type);
        Assert.Equal("{\"configuration\":{\"functionName\":\"fn\"}}", role.ResponseElementsJson);
    }

    [Fact]
    public void ReadStream_OptionalTextNotAsked_LeavesItNull()
    {
        var (records, _, _) = ReadBytes(FixtureBytes("s3-delivery-pretty.json"));

        Assert.All(records, r =>
        {
            Assert.Null(r.RawJson);
            Assert.Null(r.RequestParametersJson);
            Assert.Null(r.ResponseElementsJson);
            Assert.Null(r.AdditionalEventDataJson);
        });
    }

    [Theory]
    [InlineData("lookup-events-cli.json")]
    [InlineData("event-history.jsonl")]
    public void ReadStream_LookupEvents_ParsesTheEmbeddedRecord(string fixture)
    {
        var options = new CloudTrailReaderOptions { KeepRawJson = true, CaptureRequestParameters = true };
        var direct = ReadBytes(FixtureBytes("records.jsonl"), options: options).Records;
        var (records, _, _) = ReadBytes(FixtureBytes(fixture), options: options);

        foreach (var record in records)
        {
            var same = direct.Single(d => d.EventId == record.EventId);
            Assert.Equal(same.EventTime, record.EventTime);
            Assert.Equal(same.EventName, record.EventName);
            Assert.Equal(same.Identity.Arn, record.Identity.Arn);
            Assert.Equal(same.Identity.SessionIssuer?.Arn, record.Identity.SessionIssuer?.Arn);
            Assert.Equal(same.RequestParametersJson, record.RequestParametersJson);
            Assert.Equal(same.RawJson, record.RawJson);
        }
    }

    [Fact]
    public void ReadStream_LookupEventWithoutEmbeddedRecord_UsesItsOwnFields()
    {
        var json = """{"EventId":"e-1","EventName":"ListBuckets","ReadOnly":"true","EventTime":1700000000.5,"EventSource":"s3.amazonaws.com","Username":"bob","AccessKeyId":"AKIAX"}""";

        var (records, _, reporter) = ReadBytes(Encoding.UTF8.GetBytes(json));

        Assert.Empty(reporter.Errors);
        var r = Assert.Single(records);
        Assert.Equal("ListBuckets", r.EventName);
        Assert.Equal("s3.amazonaws.com", r.EventSource);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000500), r.EventTime);
        Assert.Equal("bob", r.Identity.UserName);
        Assert.Equal("AKIAX", r.Identity.AccessKeyId);
        Assert.True(r.ReadOnly);
        Assert.Equal("e-1", r.EventId);
    }

    [Fact]
    public void ReadStream_MaskedArns_ReadsRecordAndNeverMatchesAPrincipal()
    {
        var filter = new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/SecurityAudit", IncludeErrors = true };

        var all = ReadBytes(FixtureBytes("masked-arns.json")).Records;
        var filtered = ReadBytes(FixtureBytes("masked-arns.json"), filter).Records;

        Assert.Equal("arn***/assumed-role/SecurityAudit/auditor", Assert.Single(all).Identity.Arn);
        Assert.Empty(filtered);
        Assert.Null(new LPCloudTrailEvent(all[0]).Resources.FirstOrDefault());
    }

    [Fact]
    public void ReadStream_Utf8ByteOrderMark_IsAccepted()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(FixtureBytes("single-record.json")).ToArray();

        var (records, _, reporter) = ReadBytes(bom);

        Assert.Empty(reporter.Errors);
        Assert.Single(records);
    }

    [Fact]
    public void ReadStream_RecordLargerThanBuffer_IsReadWhole()
    {
        var big = new string('x', 3 * 1024 * 1024);
        var json = "{\"Records\":[{\"eventTime\":\"2025-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutObject\",\"requestParameters\":{\"blob\":\"" + big + "\"}},"
            + "{\"eventTime\":\"2025-01-01T00:00:01Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}]}";

        var (records, _, reporter) = ReadBytes(Encoding.UTF8.GetBytes(json), options: new CloudTrailReaderOptions { CaptureRequestParameters = true });

        Assert.Empty(reporter.Errors);
        Assert.Equal(new[] { "PutObject", "GetObject" }, records.Select(r => r.EventName));
        Assert.Equal(big.Length + 11, records[0].RequestParametersJson!.Length);
    }

    [Fact]
    public void ReadStream_EscapedStringsAndPropertyNames_AreUnescaped()
    {
        var json = """{"eventTime":"2025-01-01T00:00:00Z","event\u0053ource":"s3.amazonaws.com","eventName":"Get\u004Fbject","userIdentity":{"type":"IAMUser","userName":"caf\u00e9"}}""";

        var r = Assert.Single(ReadBytes(Encoding.UTF8.GetBytes(json)).Records);

        Assert.Equal("s3.amazonaws.com", r.EventSource);
        Assert.Equal("GetObject", r.EventName);
        Assert.Equal("café", r.Identity.UserName);
    }

    [Fact]
    public void ReadStream_LookupPageWithNextTokenFirst_ReadsTheEvents()
    {
        var page = System.Text.Json.JsonDocument.Parse(FixtureBytes("lookup-events-cli.json")).RootElement;
        var json = "{\"NextToken\":\"abc\",\"Events\":" + page.GetProperty("Events").GetRawText() + "}";

        var (records, _, reporter) = ReadBytes(Encoding.UTF8.GetBytes(json));

        Assert.Empty(reporter.Errors);
        Assert.Equal(5, records.Count);
    }

    [Fact]
    public void ReadStream_ConcatenatedContainers_ReadsThemAll()
    {
        var one = Encoding.UTF8.GetString(FixtureBytes("s3-delivery-pretty.json"));

        var (records, _, reporter) = ReadBytes(Encoding.UTF8.GetBytes(one + one + "[]\n"));

        Assert.Empty(reporter.Errors);
        Assert.Equal(6, records.Count);
    }
}
