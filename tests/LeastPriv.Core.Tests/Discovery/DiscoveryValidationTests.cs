using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class DiscoveryValidationTests
{
    [Theory]
    [InlineData("app-discovery", true)]
    [InlineData("a", true)]
    [InlineData("user+=,.@_-1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/name", false)]
    [InlineData("ünicode", false)]
    [InlineData("colon:name", false)]
    public void UserName_Table_AcceptsOnlyIamNames(string name, bool valid)
        => Check(() => DiscoveryValidation.UserName(name), valid, "DiscoveryUserNameInvalid");

    [Fact]
    public void UserName_64And65Characters_OnlyFirstAccepted()
    {
        DiscoveryValidation.UserName(new string('a', 64));
        Check(() => DiscoveryValidation.UserName(new string('a', 65)), false, "DiscoveryUserNameInvalid");
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/leastpriv/", true)]
    [InlineData("/a/b/c/", true)]
    [InlineData("leastpriv/", false)]
    [InlineData("/leastpriv", false)]
    [InlineData("/with space/", false)]
    [InlineData("//", false)]
    public void Path_Table_AcceptsOnlyIamPaths(string path, bool valid)
        => Check(() => DiscoveryValidation.Path(path), valid, "DiscoveryPathInvalid");

    [Theory]
    [InlineData("arn:aws:iam::aws:policy/AdministratorAccess", true)]
    [InlineData("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", true)]
    [InlineData("arn:aws-cn:iam::123456789012:policy/boundary", true)]
    [InlineData("arn:aws:iam::12345:policy/short-account", false)]
    [InlineData("arn:aws:s3:::bucket", false)]
    [InlineData("arn:aws:iam::123456789012:role/not-a-policy", false)]
    [InlineData("AdministratorAccess", false)]
    public void ManagedPolicyArn_Table_AcceptsOnlyPolicyArns(string arn, bool valid)
        => Check(() => DiscoveryValidation.ManagedPolicyArn(arn, "PolicyArn"), valid, "DiscoveryPolicyArnInvalid");

    [Theory]
    [InlineData("arn:aws:iam::123456789012:root", true)]
    [InlineData("arn:aws:iam::123456789012:user/alice", true)]
    [InlineData("arn:aws:iam::123456789012:role/ci/runner", true)]
    [InlineData("arn:aws:sts::123456789012:assumed-role/ci-runner/session-1", true)]
    [InlineData("arn:aws:iam::123456789012:policy/p", false)]
    [InlineData("123456789012", false)]
    [InlineData("arn:aws:iam::*:root", false)]
    public void TrustPrincipal_Table_AcceptsOnlyPrincipalArns(string arn, bool valid)
        => Check(() => DiscoveryValidation.TrustPrincipal(arn), valid, "DiscoveryTrustPrincipalInvalid");

    [Theory]
    [InlineData(3600, true)]
    [InlineData(43200, true)]
    [InlineData(3599, false)]
    [InlineData(43201, false)]
    public void MaxSessionDuration_Table_OneToTwelveHours(int seconds, bool valid)
        => Check(() => DiscoveryValidation.MaxSessionDuration(seconds), valid, "DiscoveryMaxSessionDurationInvalid");

    [Theory]
    [InlineData("team", "platform", true)]
    [InlineData("aws:reserved", "x", false)]
    [InlineData("leastpriv:session", "x", false)]
    [InlineData("bad#key", "x", false)]
    [InlineData("", "x", false)]
    public void Tags_Table_IamTagRules(string key, string value, bool valid)
        => Check(() => DiscoveryValidation.Tags(new[] { new AwsTag(key, value) }), valid, "DiscoveryTagInvalid");

    [Fact]
    public void Tags_FiftyUserTags_RefusedBecauseTheSessionTagNeedsOne()
        => Check(() => DiscoveryValidation.Tags(Enumerable.Range(0, 50).Select(i => new AwsTag("k" + i, "v")).ToList()), false, "DiscoveryTagInvalid");

    private static void Check(Action validate, bool valid, string errorId)
    {
        if (valid)
        {
            validate();
            return;
        }

        var ex = Assert.Throws<LeastPrivException>(validate);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
    }
}
