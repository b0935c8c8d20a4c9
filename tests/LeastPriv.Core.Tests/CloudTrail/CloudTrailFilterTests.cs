using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// Filters over records.jsonl, whose records are (by eventID suffix):
/// 1 app-discovery s3 CreateBucket eu-west-1 10:00:00, 2 app-discovery s3 PutObject eu-west-1 10:00:05,
/// 3 app-discovery iam CreateRole us-east-1 10:01:00 AccessDenied, 4 role deployer lambda eu-west-1 10:02:00,
/// 5 role deployer sts us-east-1 10:03:00, 6 other-user ec2 eu-central-1 11:00:00 (all 2025-03-01 UTC).
/// </summary>
public sealed class CloudTrailFilterTests
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, CloudTrailFilter, int[]> Cases => new()
    {
        { "no criteria drops errors", new CloudTrailFilter(), new[] { 1, 2, 4, 5, 6 } },
        { "IncludeErrors keeps them", new CloudTrailFilter { IncludeErrors = true }, new[] { 1, 2, 3, 4, 5, 6 } },
        { "user name", new CloudTrailFilter { UserName = new[] { "app-discovery" } }, new[] { 1, 2 } },
        { "user name ignores case", new CloudTrailFilter { UserName = new[] { "APP-Discovery" } }, new[] { 1, 2 } },
        { "user name with errors", new CloudTrailFilter { UserName = new[] { "app-discovery" }, IncludeErrors = true }, new[] { 1, 2, 3 } },
        { "several user names", new CloudTrailFilter { UserName = new[] { "nobody", "other-user" } }, new[] { 6 } },
        { "role name is not a user name", new CloudTrailFilter { UserName = new[] { "deployer" } }, Array.Empty<int>() },
        { "user ARN with path", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:user/ci/app-discovery" }, new[] { 1, 2 } },
        { "user ARN without path", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:user/app-discovery" }, new[] { 1, 2 } },
        { "user ARN in another account", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::999999999999:user/app-discovery" }, Array.Empty<int>() },
        { "role ARN with path", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/service-role/deployer" }, new[] { 4, 5 } },
        { "role ARN without path", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/deployer" }, new[] { 4, 5 } },
        { "role ARN with a wrong path still names the role", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/other/deployer" }, new[] { 4, 5 } },
        { "role ARN is not a user", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/app-discovery" }, Array.Empty<int>() },
        { "assumed-role session", new CloudTrailFilter { PrincipalArn = "arn:aws:sts::111122223333:assumed-role/deployer/build-42" }, new[] { 4, 5 } },
        { "other session of the role", new CloudTrailFilter { PrincipalArn = "arn:aws:sts::111122223333:assumed-role/deployer/build-43" }, Array.Empty<int>() },
        { "root", new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:root" }, Array.Empty<int>() },
        { "start time is inclusive", new CloudTrailFilter { StartTime = Day.AddHours(10).AddSeconds(5) }, new[] { 2, 4, 5, 6 } },
        { "end time is exclusive", new CloudTrailFilter { EndTime = Day.AddHours(10).AddMinutes(2) }, new[] { 1, 2 } },
        { "start equal to end is empty", new CloudTrailFilter { StartTime = Day.AddHours(10).AddMinutes(2), EndTime = Day.AddHours(10).AddMinutes(2) }, Array.Empty<int>() },
        { "time in another offset", new CloudTrailFilter { StartTime = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(1)) }, new[] { 6 } },
        { "region", new CloudTrailFilter { Region = new[] { "eu-west-1" } }, new[] { 1, 2, 4 } },
        { "regions ignore case", new CloudTrailFilter { Region = new[] { "EU-WEST-1", "eu-central-1" } }, new[] { 1, 2, 4, 6 } },
        { "short event source", new CloudTrailFilter { EventSource = new[] { "s3" } }, new[] { 1, 2 } },
        { "full and short event sources", new CloudTrailFilter { EventSource = new[] { "sts.amazonaws.com", "lambda" } }, new[] { 4, 5 } },
        { "everything at once", new CloudTrailFilter { UserName = new[] { "app-discovery" }, Region = new[] { "eu-west-1" }, EventSource = new[] { "s3" }, StartTime = Day.AddHours(10).AddSeconds(1), EndTime = Day.AddDays(1) }, new[] { 2 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_Criteria_KeepExactlyTheMatchingRecords(string what, CloudTrailFilter filter, int[] expected)
    {
        var (records, result, _) = ReadBytes(FixtureBytes("records.jsonl"), filter, name: what);

        Assert.Equal(expected, records.Select(r => int.Parse(r.EventId!.Substring(r.EventId.Length - 4))));
        Assert.Equal(6, result.RecordsRead);
        Assert.Equal(expected.Length, result.RecordsMatched);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_LookupEventsShape_FiltersTheSameWay(string what, CloudTrailFilter filter, int[] expected)
    {
        // lookup-events-cli.json holds the management events (all but 2) of records.jsonl.
        var (records, _, _) = ReadBytes(FixtureBytes("lookup-events-cli.json"), filter, name: what);

        Assert.Equal(expected.Where(n => n != 2), records.Select(r => int.Parse(r.EventId!.Substring(r.EventId.Length - 4))));
    }

    [Fact]
    public void Validate_StartAfterEnd_ThrowsTimeRangeInvalid()
    {
        var filter = new CloudTrailFilter { StartTime = Day.AddHours(2), EndTime = Day.AddHours(1) };

        var error = Assert.Throws<LeastPrivException>(filter.Validate);

        Assert.Equal("CloudTrailTimeRangeInvalid", error.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, error.Category);
        Assert.Equal(filter.StartTime, error.Target);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:s3:::my-bucket")]
    [InlineData("arn:aws:iam::12345:user/short-account")]
    [InlineData("arn:aws:iam::111122223333:group/admins")]
    [InlineData("arn:aws:iam:us-east-1:111122223333:user/regional")]
    [InlineData("arn:aws:iam::111122223333:user/")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/no-session")]
    [InlineData("arn***/assumed-role/SecurityAudit/auditor")]
    [InlineData("arn:gcp:iam::111122223333:user/x")]
    public void Validate_MalformedPrincipalArn_ThrowsPrincipalArnInvalid(string arn)
    {
        var filter = new CloudTrailFilter { PrincipalArn = arn };

        var error = Assert.Throws<LeastPrivException>(filter.Validate);

        Assert.Equal("PrincipalArnInvalid", error.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, error.Category);
        Assert.Equal(arn, error.Target);
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:user/a", PrincipalArnKind.User, "a", "/")]
    [InlineData("arn:aws:iam::111122223333:user/x/y/b", PrincipalArnKind.User, "b", "/x/y/")]
    [InlineData("arn:aws-us-gov:iam::111122223333:role/r", PrincipalArnKind.Role, "r", "/")]
    [InlineData("arn:aws:iam::111122223333:root", PrincipalArnKind.Root, "", "/")]
    [InlineData("arn:aws:sts::111122223333:assumed-role/r/s", PrincipalArnKind.AssumedRole, "r", "/")]
    [InlineData("arn:aws:sts::111122223333:federated-user/f", PrincipalArnKind.FederatedUser, "f", "/")]
    public void Parse_PrincipalArn_SplitsKindNameAndPath(string arn, PrincipalArnKind kind, string name, string path)
    {
        var parsed = PrincipalArn.Parse(arn);

        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(name, parsed.Name);
        Assert.Equal(path, parsed.Path);
        Assert.Equal("111122223333", parsed.AccountId);
    }

    [Fact]
    public async Task ReadAsync_InvalidFilter_FailsBeforeOpeningAnySource()
    {
        var opened = 0;
        var sources = new[] { CloudTrailSource.FromStream("x", _ => { opened++; return Task.FromResult<Stream>(new MemoryStream()); }) };
        var filter = new CloudTrailFilter { PrincipalArn = "arn:aws:iam::1:user/x" };

        var error = await Assert.ThrowsAsync<LeastPrivException>(async () =>
        {
            await foreach (var _ in CloudTrailReader.ReadAsync(sources, filter, null, new RecordingReporter()))
            {
            }
        });
        var visitorError = await Assert.ThrowsAsync<LeastPrivException>(() =>
            CloudTrailReader.ForEachRecordAsync(sources, filter, null, () => 0, (_, _) => { }, _ => { }, new RecordingReporter(), CancellationToken.None));

        Assert.Equal("PrincipalArnInvalid", error.ErrorId);
        Assert.Equal("PrincipalArnInvalid", visitorError.ErrorId);
        Assert.Equal(0, opened);
    }
}
