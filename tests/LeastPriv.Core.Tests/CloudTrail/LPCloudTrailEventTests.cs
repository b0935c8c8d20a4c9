using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class LPCloudTrailEventTests
{
    private static List<LPCloudTrailEvent> Events() =>
        ReadBytes(FixtureBytes("records.jsonl"), name: "records.jsonl").Records.Select(r => new LPCloudTrailEvent(r)).ToList();

    [Fact]
    public void New_IamUserRecord_CarriesUserFieldsResourcesAndActions()
    {
        var put = Events().Single(e => e.EventName == "PutObject");

        Assert.Equal(new DateTime(2025, 3, 1, 10, 0, 5, DateTimeKind.Utc), put.EventTime);
        Assert.Equal(DateTimeKind.Utc, put.EventTime.Kind);
        Assert.Equal("s3.amazonaws.com", put.EventSource);
        Assert.Equal("eu-west-1", put.Region);
        Assert.Equal("arn:aws:iam::111122223333:user/ci/app-discovery", put.PrincipalArn);
        Assert.Equal("IAMUser", put.PrincipalType);
        Assert.Equal("app-discovery", put.UserName);
        Assert.Equal("AKIAEXAMPLEKEY000001", put.AccessKeyId);
        Assert.False(put.ReadOnly);
        Assert.Equal("Data", put.EventCategory);
        Assert.Equal(new[] { "arn:aws:s3:::demo-bucket/a/b.txt", "arn:aws:s3:::demo-bucket" }, put.Resources);
        Assert.Equal(new[] { "s3:PutObject" }, put.Action);
        Assert.Equal("records.jsonl", put.SourceFile);
        Assert.Equal("req-0002", put.Record.RequestId);
    }

    [Fact]
    public void New_AssumedRoleRecord_PrincipalArnIsTheRole()
    {
        var get = Events().Single(e => e.EventName == "GetFunction20150331v2");

        Assert.Equal("arn:aws:iam::111122223333:role/service-role/deployer", get.PrincipalArn);
        Assert.Equal("AssumedRole", get.PrincipalType);
        Assert.Null(get.UserName);
        Assert.Equal(new[] { "lambda:GetFunction" }, get.Action);
    }

    [Fact]
    public void New_CallThatNeedsNoPermission_HasNoAction()
    {
        var whoami = Events().Single(e => e.EventName == "GetCallerIdentity");

        Assert.Empty(whoami.Action);
    }
}
