using System.Text.Json;
using Xunit;

namespace LeastPriv.Emulator.Tests;

/// <summary>With IAM enforced, a principal holding only a given policy is denied exactly where AWS would deny it, and the denial is delivered.</summary>
[Trait("Category", "Integration")]
public sealed class EnforcedIamTests : IClassFixture<EnforcedIamFixture>
{
    private readonly EnforcedIamFixture _fixture;

    public EnforcedIamTests(EnforcedIamFixture fixture) => _fixture = fixture;

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

    private JsonElement Record(string eventName, string accessKeyId) =>
        Assert.Single(_fixture.Records, r => Str(r, "eventName") == eventName && Str(r, "userIdentity", "accessKeyId") == accessKeyId);

    [Fact]
    public void NarrowUser_AllowedAction_Succeeds()
    {
        Assert.True(_fixture.UserListBuckets.Succeeded, _fixture.UserListBuckets.ToString());
        Assert.Null(Str(Record("ListBuckets", _fixture.UserAccessKeyId), "errorCode"));
    }

    [Fact]
    public void NarrowUser_IamCallOutsidePolicy_IsDeniedAndDelivered()
    {
        Assert.False(_fixture.UserListUsers.Succeeded);
        Assert.Contains("AccessDenied", _fixture.UserListUsers.StandardError);

        var record = Record("ListUsers", _fixture.UserAccessKeyId);
        Assert.Equal("AccessDenied", Str(record, "errorCode"));
        Assert.Contains("iam:ListUsers", Str(record, "errorMessage"));
        Assert.Equal("IAMUser", Str(record, "userIdentity", "type"));
        Assert.Equal(EnforcedIamFixture.UserName, Str(record, "userIdentity", "userName"));
        Assert.Equal(_fixture.UserId, Str(record, "userIdentity", "principalId"));
        Assert.Equal($"arn:aws:iam::{_fixture.StandIn.Account}:user/{EnforcedIamFixture.UserName}", Str(record, "userIdentity", "arn"));
    }

    [Fact]
    public void NarrowUser_S3CreateBucket_IsDeniedAndDelivered()
    {
        Assert.False(_fixture.UserMakeBucket.Succeeded);
        Assert.Contains("AccessDenied", _fixture.UserMakeBucket.StandardError);

        var record = Record("CreateBucket", _fixture.UserAccessKeyId);
        Assert.Equal("AccessDenied", Str(record, "errorCode"));
        Assert.Equal("lp-denied-bucket", Str(record, "requestParameters", "bucketName"));
    }

    [Fact]
    public void RoleSession_AllowedCall_IsRecordedAsAssumedRoleWithSessionIssuer()
    {
        Assert.True(_fixture.SessionListRoles.Succeeded, _fixture.SessionListRoles.ToString());

        var record = Record("ListRoles", _fixture.SessionAccessKeyId);
        Assert.Null(Str(record, "errorCode"));
        Assert.Equal("AssumedRole", Str(record, "userIdentity", "type"));
        Assert.Equal($"arn:aws:sts::{_fixture.StandIn.Account}:assumed-role/{EnforcedIamFixture.RoleName}/{EnforcedIamFixture.SessionName}", Str(record, "userIdentity", "arn"));
        Assert.Equal(_fixture.AssumedRoleId, Str(record, "userIdentity", "principalId"));
        Assert.Equal("Role", Str(record, "userIdentity", "sessionContext", "sessionIssuer", "type"));
        Assert.Equal(_fixture.RoleArn, Str(record, "userIdentity", "sessionContext", "sessionIssuer", "arn"));
        Assert.Equal(EnforcedIamFixture.RoleName, Str(record, "userIdentity", "sessionContext", "sessionIssuer", "userName"));
        Assert.Equal(_fixture.AssumedRoleId.Split(':')[0], Str(record, "userIdentity", "sessionContext", "sessionIssuer", "principalId"));
    }

    [Fact]
    public void RoleSession_CallOutsideRolePolicy_IsDeniedAndDelivered()
    {
        Assert.False(_fixture.SessionListBuckets.Succeeded);
        Assert.Contains("AccessDenied", _fixture.SessionListBuckets.StandardError);
        Assert.Equal("AccessDenied", Str(Record("ListBuckets", _fixture.SessionAccessKeyId), "errorCode"));
    }

    [Fact]
    public void OperatorAssumeRole_Record_ListsTheSessionCredentialsWithoutTheSecret()
    {
        var record = Record("AssumeRole", _fixture.StandIn.Operator.AccessKeyId);

        Assert.Equal(_fixture.RoleArn, Str(record, "requestParameters", "roleArn"));
        Assert.Equal(EnforcedIamFixture.SessionName, Str(record, "requestParameters", "roleSessionName"));
        Assert.Equal(_fixture.SessionAccessKeyId, Str(record, "responseElements", "credentials", "accessKeyId"));
        Assert.DoesNotContain("secretAccessKey", record.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void LookupEvents_ByRoleSessionName_ReturnsTheSessionsCalls()
    {
        Assert.True(_fixture.SessionLookup.Succeeded, _fixture.SessionLookup.ToString());
        var events = _fixture.SessionLookup.Json.GetProperty("Events").EnumerateArray().ToList();

        Assert.Contains(events, e => Str(e, "EventName") == "ListRoles");
        Assert.All(events, e => Assert.Equal(EnforcedIamFixture.SessionName, Str(e, "Username")));
        Assert.All(events, e => Assert.Equal(_fixture.SessionAccessKeyId, Str(e, "AccessKeyId")));
    }
}
