using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>The AWS CLI drives the stand-in; the delivered log files are read back from moto's S3.</summary>
[Trait("Category", "Integration")]
public sealed class CliWorkloadTests : IClassFixture<CliWorkloadFixture>
{
    private readonly CliWorkloadFixture _fixture;

    public CliWorkloadTests(CliWorkloadFixture fixture) => _fixture = fixture;

    private StandIn StandIn => _fixture.StandIn;

    private static string? Str(JsonElement e, params string[] path)
    {
        foreach (var name in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return null;
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : e.ToString();
    }

    private static JsonElement Single(IEnumerable<JsonElement> records, string eventName, bool failed = false) =>
        Assert.Single(records, r => Str(r, "eventName") == eventName && (Str(r, "errorCode") is not null) == failed);

    [Fact]
    public void DeliveredLogFiles_KeyLayout_FollowsCloudTrailNaming()
    {
        var account = StandIn.Account;
        var pattern = new Regex($@"^{CliWorkloadFixture.KeyPrefix}/AWSLogs/{account}/CloudTrail/us-east-1/(\d{{4}})/(\d{{2}})/(\d{{2}})/{account}_CloudTrail_us-east-1_(\d{{8}})T\d{{4}}Z_[A-Za-z0-9]{{16}}\.json\.gz$");

        Assert.NotEmpty(_fixture.ManagementFiles);
        foreach (var file in _fixture.ManagementFiles)
        {
            var match = pattern.Match(file.Key);
            Assert.True(match.Success, file.Key);
            Assert.Equal(match.Groups[1].Value + match.Groups[2].Value + match.Groups[3].Value, match.Groups[4].Value);
        }

        Assert.All(_fixture.DataFiles, f => Assert.StartsWith($"AWSLogs/{account}/CloudTrail/us-east-1/", f.Key));
    }

    [Fact]
    public void IamCreateRole_DeliveredRecord_CarriesOperatorIdentityAndParameters()
    {
        var record = Single(_fixture.ManagementRecords, "CreateRole");

        Assert.Equal("1.11", Str(record, "eventVersion"));
        Assert.Equal("iam.amazonaws.com", Str(record, "eventSource"));
        Assert.Equal("us-east-1", Str(record, "awsRegion"));
        Assert.Equal("IAMUser", Str(record, "userIdentity", "type"));
        Assert.Equal(StandIn.Operator.Arn, Str(record, "userIdentity", "arn"));
        Assert.Equal(StandIn.Operator.UserId, Str(record, "userIdentity", "principalId"));
        Assert.Equal(StandIn.Operator.UserName, Str(record, "userIdentity", "userName"));
        Assert.Equal(StandIn.Operator.AccessKeyId, Str(record, "userIdentity", "accessKeyId"));
        Assert.Equal(StandIn.Account, Str(record, "userIdentity", "accountId"));
        Assert.Equal(CliWorkloadFixture.RoleName, Str(record, "requestParameters", "roleName"));
        Assert.Contains("lambda.amazonaws.com", Str(record, "requestParameters", "assumeRolePolicyDocument"));
        Assert.Equal(CliWorkloadFixture.RoleName, Str(record, "responseElements", "role", "roleName"));
        Assert.Equal("False", Str(record, "readOnly"));
        Assert.Equal("AwsApiCall", Str(record, "eventType"));
        Assert.Equal("True", Str(record, "managementEvent"));
        Assert.Equal("Management", Str(record, "eventCategory"));
        Assert.Equal(StandIn.Account, Str(record, "recipientAccountId"));
        Assert.StartsWith("aws-cli/", Str(record, "userAgent"));
        Assert.Equal("127.0.0.1", Str(record, "sourceIPAddress"));
        Assert.True(Guid.TryParse(Str(record, "eventID"), out _));
        Assert.False(string.IsNullOrEmpty(Str(record, "requestID")));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", Str(record, "eventTime"));
    }

    [Fact]
    public void IamGetRole_DeliveredRecord_IsReadOnlyWithoutResponseElements()
    {
        var record = Single(_fixture.ManagementRecords, "GetRole");

        Assert.Equal("True", Str(record, "readOnly"));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("responseElements").ValueKind);
    }

    [Fact]
    public void IamGetRoleOfDeletedRole_DeliveredRecord_CarriesNoSuchEntity()
    {
        Assert.False(_fixture.GetDeletedRole.Succeeded);
        Assert.Contains("NoSuchEntity", _fixture.GetDeletedRole.StandardError);

        var record = Single(_fixture.ManagementRecords, "GetRole", failed: true);
        Assert.Equal("NoSuchEntity", Str(record, "errorCode"));
        Assert.Contains(CliWorkloadFixture.RoleName, Str(record, "errorMessage"));
    }

    [Fact]
    public void StsGetCallerIdentity_DeliveredRecord_IsAnStsEvent()
    {
        var record = Single(_fixture.ManagementRecords, "GetCallerIdentity");

        Assert.Equal("sts.amazonaws.com", Str(record, "eventSource"));
        Assert.Equal("us-east-1", Str(record, "awsRegion"));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("requestParameters").ValueKind);
    }

    [Fact]
    public void S3CreateBucket_ManagementTrail_RecordsBucketAndHost()
    {
        var record = Assert.Single(_fixture.ManagementRecords, r => Str(r, "eventName") == "CreateBucket" && Str(r, "requestParameters", "bucketName") == CliWorkloadFixture.WorkBucket);

        Assert.Equal("s3.amazonaws.com", Str(record, "eventSource"));
        Assert.Equal(StandIn.Endpoint.Authority, Str(record, "requestParameters", "Host"));
        Assert.StartsWith("[aws-cli/", Str(record, "userAgent"));
        var bucket = Assert.Single(record.GetProperty("resources").EnumerateArray());
        Assert.Equal("AWS::S3::Bucket", Str(bucket, "type"));
        Assert.Equal($"arn:aws:s3:::{CliWorkloadFixture.WorkBucket}", Str(bucket, "ARN"));
    }

    [Fact]
    public void S3ObjectCalls_TrailWithoutSelectors_AreNotDelivered()
    {
        var names = _fixture.ManagementRecords.Select(r => Str(r, "eventName")).ToHashSet();

        Assert.DoesNotContain("PutObject", names);
        Assert.DoesNotContain("DeleteObject", names);
        Assert.DoesNotContain("ListObjects", names);
        Assert.All(_fixture.ManagementRecords, r => Assert.Equal("Management", Str(r, "eventCategory")));
    }

    [Fact]
    public void S3ObjectCalls_TrailWithDataSelectors_AreDeliveredAsDataEvents()
    {
        var put = Single(_fixture.DataRecords, "PutObject");

        Assert.Equal("Data", Str(put, "eventCategory"));
        Assert.Equal("False", Str(put, "managementEvent"));
        Assert.Equal(CliWorkloadFixture.WorkBucket, Str(put, "requestParameters", "bucketName"));
        Assert.Equal(CliWorkloadFixture.ObjectKey, Str(put, "requestParameters", "key"));
        var arns = put.GetProperty("resources").EnumerateArray().Select(r => (Str(r, "type"), Str(r, "ARN"))).ToList();
        Assert.Contains(("AWS::S3::Object", $"arn:aws:s3:::{CliWorkloadFixture.WorkBucket}/{CliWorkloadFixture.ObjectKey}"), arns);
        Assert.Contains(("AWS::S3::Bucket", $"arn:aws:s3:::{CliWorkloadFixture.WorkBucket}"), arns);

        Single(_fixture.DataRecords, "DeleteObject");
        var list = Single(_fixture.DataRecords, "ListObjects");
        Assert.Equal("docs/", Str(list, "requestParameters", "prefix"));
        Assert.Equal("/", Str(list, "requestParameters", "delimiter"));

        // IncludeManagementEvents=false: nothing else reaches that trail.
        Assert.All(_fixture.DataRecords, r => Assert.Equal("Data", Str(r, "eventCategory")));
    }

    [Fact]
    public void TrailNotLogging_ReceivesNoLogFiles()
    {
        Assert.Empty(_fixture.IdleFiles);
        Assert.DoesNotContain(StandIn.DeliveredLogFiles, f => f.Bucket == CliWorkloadFixture.IdleBucket);
    }

    [Fact]
    public void EventsBeforeStartLogging_AreNotDelivered()
    {
        var names = _fixture.ManagementRecords.Select(r => Str(r, "eventName")).ToList();

        Assert.DoesNotContain("CreateTrail", names);
        Assert.DoesNotContain("PutEventSelectors", names);
        Assert.Contains("StartLogging", names);
        Assert.Contains(StandIn.RecordedEvents, e => e.EventName == "CreateTrail");
    }

    [Fact]
    public void LayerOwnCalls_AreNotRecorded()
    {
        // Delivery (PutObject into trail buckets) and trail look-ups go straight to moto.
        Assert.DoesNotContain(StandIn.RecordedEvents, e => e.EventName is "DescribeTrails" or "GetTrailStatus" or "GetEventSelectors");
        Assert.DoesNotContain(StandIn.RecordedEvents, e => e.EventName == "PutObject" && e.Json.Contains("AWSLogs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LookupEvents_ByEventName_ReturnsTheCallParsedByBotocore()
    {
        var result = await _fixture.Cli.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateRole");

        Assert.True(result.Succeeded, result.ToString());
        var e = Assert.Single(result.Json.GetProperty("Events").EnumerateArray());
        Assert.Equal("CreateRole", Str(e, "EventName"));
        Assert.Equal("iam.amazonaws.com", Str(e, "EventSource"));
        Assert.Equal(StandIn.Operator.UserName, Str(e, "Username"));
        Assert.Equal(StandIn.Operator.AccessKeyId, Str(e, "AccessKeyId"));
        Assert.Equal("false", Str(e, "ReadOnly"));
        Assert.Contains(e.GetProperty("Resources").EnumerateArray(), r => Str(r, "ResourceType") == "AWS::IAM::Role" && Str(r, "ResourceName") == CliWorkloadFixture.RoleName);
        using var inner = JsonDocument.Parse(Str(e, "CloudTrailEvent")!);
        Assert.Equal("CreateRole", Str(inner.RootElement, "eventName"));
        Assert.Equal(Str(e, "EventId"), Str(inner.RootElement, "eventID"));
    }

    [Fact]
    public async Task LookupEvents_DataEventName_FindsNothing()
    {
        var result = await _fixture.Cli.RunAsync("cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=PutObject");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(result.Json.GetProperty("Events").EnumerateArray());
    }

    [Fact]
    public async Task LookupEvents_PagedTwoAtATime_WalksEveryEventOnceNewestFirst()
    {
        var seen = new List<string>();
        var times = new List<DateTimeOffset>();
        string? token = null;
        var pages = 0;
        do
        {
            var args = new List<string> { "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventSource,AttributeValue=iam.amazonaws.com", "--max-results", "2", "--no-paginate" };
            if (token is not null)
            {
                args.AddRange(["--next-token", token]);
            }

            var result = await _fixture.Cli.RunAsync(args);
            Assert.True(result.Succeeded, result.ToString());
            var events = result.Json.GetProperty("Events").EnumerateArray().ToList();
            Assert.InRange(events.Count, 1, 2);
            seen.AddRange(events.Select(e => Str(e, "EventId")!));
            times.AddRange(events.Select(e => e.GetProperty("EventTime").ValueKind == JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeSeconds((long)e.GetProperty("EventTime").GetDouble())
                : DateTimeOffset.Parse(Str(e, "EventTime")!, System.Globalization.CultureInfo.InvariantCulture)));
            token = result.Json.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        var expected = StandIn.RecordedEvents.Where(e => e.EventSource == "iam.amazonaws.com" && e.EventTime <= DateTimeOffset.UtcNow).Select(e => e.EventId).ToHashSet();
        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected, seen.ToHashSet());
        Assert.True(pages >= 2);
        Assert.Equal(times.OrderByDescending(t => t), times);
    }
}
