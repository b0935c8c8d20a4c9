using System.Net;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Diff;
using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>
/// Reading a principal's identity policies over the IAM query protocol: documents come back
/// URL-encoded and are decoded before parsing; a bad principal ARN is refused before any call.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class EffectivePolicyReaderTests
{
    private const string Ns = "https://iam.amazonaws.com/doc/2010-05-08/";
    private const string InlineDoc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::lp bucket/*\"}]}";
    private const string ManagedDoc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\"],\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}}]}";
    private const string GroupDoc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"}]}";

    [Fact]
    public async Task GetUserPolicy_UrlEncodedDocument_ReturnsDecodedJson()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => Xml("GetUserPolicy", $"<UserName>u</UserName><PolicyName>p</PolicyName><PolicyDocument>{Encode(InlineDoc)}</PolicyDocument>"));

        var policy = await AwsTestContext.For(server.Url).CreateIamClient().GetUserPolicyAsync("u", "p");

        Assert.Equal(InlineDoc, policy.PolicyDocument);
        Assert.Equal("u", policy.OwnerName);
        Assert.Equal("arn:aws:s3:::lp bucket/*", Assert.Single(PolicyDocument.Parse(policy.PolicyDocument).Statements).Resource!.Single());
    }

    [Fact]
    public async Task GetPolicyVersion_UrlEncodedDocument_ReturnsDecodedJson()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => Xml("GetPolicyVersion", $"<PolicyVersion><Document>{Encode(ManagedDoc)}</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"));

        var version = await AwsTestContext.For(server.Url).CreateIamClient().GetPolicyVersionAsync("arn:aws:iam::123456789012:policy/p", "v3");

        Assert.Equal(ManagedDoc, version.Document);
        Assert.Equal("v3", version.VersionId);
        Assert.True(version.IsDefaultVersion);
    }

    [Fact]
    public async Task ReadAsync_UserWithInlineManagedAndGroup_ReturnsEveryDocumentWithProvenance()
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(request => Answer(request.BodyText));

        var policies = await EffectivePolicyReader.ReadAsync(AwsTestContext.For(server.Url).CreateIamClient(), "arn:aws:iam::123456789012:user/team/app", NullEngineReporter.Instance);

        Assert.Equal(
            new[] { "user inline app-inline", "managed arn:aws:iam::123456789012:policy/app-managed (v2)", "group devs inline devs-inline" },
            policies.Select(p => p.Provenance).ToArray());
        Assert.Equal("s3:GetObject", policies[0].Document.Statements[0].Action!.Single());
        Assert.Equal("sqs:SendMessage", policies[1].Document.Statements[0].Action!.Single());
        Assert.Equal(PolicyEffect.Deny, policies[2].Document.Statements[0].Effect);
        Assert.Contains(server.Requests, r => r.BodyText.Contains("Action=GetUserPolicy") && r.BodyText.Contains("UserName=app"));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/app", "user", "app")]
    [InlineData("arn:aws:iam::123456789012:role/service-role/app-role", "role", "app-role")]
    [InlineData("arn:aws-cn:iam::123456789012:role/r+=,.@-x", "role", "r+=,.@-x")]
    public void ParsePrincipalArn_UserOrRoleArn_ReturnsKindAndName(string arn, string kind, string name)
    {
        Assert.Equal((kind, name), EffectivePolicyReader.ParsePrincipalArn(arn));
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/app-role/session")]
    [InlineData("arn:aws:iam::123456789012:policy/p")]
    [InlineData("arn:aws:iam::123456789012:group/devs")]
    [InlineData("arn:aws:iam::12345:user/app")]
    [InlineData("app")]
    [InlineData("")]
    public async Task ReadAsync_NotAUserOrRoleArn_ThrowsPrincipalArnInvalidBeforeAnyCall(string arn)
    {
        using var env = new EnvironmentScope();
        using var server = new LoopbackServer(_ => new ScriptedResponse(500));

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => EffectivePolicyReader.ReadAsync(AwsTestContext.For(server.Url).CreateIamClient(), arn, NullEngineReporter.Instance));

        Assert.Equal("PrincipalArnInvalid", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
        Assert.Empty(server.Requests);
    }

    private static ScriptedResponse Answer(string body)
    {
        var action = WebUtility.UrlDecode(body.Split('&').First(p => p.StartsWith("Action=", StringComparison.Ordinal)).Substring(7));
        return action switch
        {
            "ListUserPolicies" => Xml(action, "<PolicyNames><member>app-inline</member></PolicyNames><IsTruncated>false</IsTruncated>"),
            "GetUserPolicy" => Xml(action, $"<UserName>app</UserName><PolicyName>app-inline</PolicyName><PolicyDocument>{Encode(InlineDoc)}</PolicyDocument>"),
            "ListAttachedUserPolicies" => Xml(action, "<AttachedPolicies><member><PolicyName>app-managed</PolicyName><PolicyArn>arn:aws:iam::123456789012:policy/app-managed</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>"),
            "GetPolicy" => Xml(action, "<Policy><PolicyName>app-managed</PolicyName><Arn>arn:aws:iam::123456789012:policy/app-managed</Arn><DefaultVersionId>v2</DefaultVersionId></Policy>"),
            "GetPolicyVersion" => body.Contains("VersionId=v2")
                ? Xml(action, $"<PolicyVersion><Document>{Encode(ManagedDoc)}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>")
                : new ScriptedResponse(400, "<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>only v2 is in force</Message></Error></ErrorResponse>", "text/xml"),
            "ListGroupsForUser" => Xml(action, "<Groups><member><GroupName>devs</GroupName><GroupId>AGPA1</GroupId><Arn>arn:aws:iam::123456789012:group/devs</Arn><Path>/</Path></member></Groups><IsTruncated>false</IsTruncated>"),
            "ListGroupPolicies" => Xml(action, "<PolicyNames><member>devs-inline</member></PolicyNames><IsTruncated>false</IsTruncated>"),
            "GetGroupPolicy" => Xml(action, $"<GroupName>devs</GroupName><PolicyName>devs-inline</PolicyName><PolicyDocument>{Encode(GroupDoc)}</PolicyDocument>"),
            "ListAttachedGroupPolicies" => Xml(action, "<AttachedPolicies/><IsTruncated>false</IsTruncated>"),
            _ => new ScriptedResponse(400, $"<ErrorResponse><Error><Code>InvalidAction</Code><Message>{action}</Message></Error></ErrorResponse>", "text/xml"),
        };
    }

    private static string Encode(string json) => Uri.EscapeDataString(json);

    private static ScriptedResponse Xml(string action, string result) =>
        new(200, $"<{action}Response xmlns=\"{Ns}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>", "text/xml");
}
