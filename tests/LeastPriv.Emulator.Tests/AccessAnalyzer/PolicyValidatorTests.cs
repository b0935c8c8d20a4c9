using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class PolicyValidatorTests
{
    [Fact]
    public void Validate_GeneratedStylePolicy_HasNoFindings()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":["iam:CreateUser","s3:ListAllMyBuckets","sts:GetCallerIdentity"],"Resource":"*"},{"Sid":"SupportedServiceSid1","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}""";

        Assert.Empty(PolicyValidator.Validate(policy, "IDENTITY_POLICY"));
    }

    [Fact]
    public void Validate_BrokenJson_JsonSyntaxErrorAtThePosition()
    {
        var finding = Assert.Single(PolicyValidator.Validate("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n", "IDENTITY_POLICY"));

        Assert.Equal(("ERROR", "JSON_SYNTAX_ERROR"), (finding.FindingType, finding.IssueCode));
        Assert.True(finding.Locations[0].Start.Line >= 3);
    }

    [Fact]
    public void Validate_UnknownAction_InvalidActionPointingAtTheAction()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObjekt"],"Resource":"*"}]}""";

        var finding = Assert.Single(PolicyValidator.Validate(policy, "IDENTITY_POLICY"));

        Assert.Equal(("ERROR", "INVALID_ACTION"), (finding.FindingType, finding.IssueCode));
        var location = Assert.Single(finding.Locations);
        Assert.Equal([new PathElement(null, "Statement"), new PathElement(0, null), new PathElement(null, "Action"), new PathElement(1, null)], location.Path);
        Assert.Equal("\"s3:GetObjekt\"", policy[location.Start.Offset..location.End.Offset]);
    }

    [Fact]
    public void Validate_WildcardMatchingNothing_InvalidAction()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:Fly*","Resource":"*"}]}""";

        Assert.Equal("INVALID_ACTION", Assert.Single(PolicyValidator.Validate(policy, "IDENTITY_POLICY")).IssueCode);
    }

    [Fact]
    public void Validate_MissingVersionEffectAndResource_ReportsEach()
    {
        const string policy = """{"Statement":{"Action":"iam:GetUser"}}""";

        var codes = PolicyValidator.Validate(policy, "IDENTITY_POLICY").Select(f => f.IssueCode).Order().ToArray();

        Assert.Equal(["MISSING_EFFECT", "MISSING_RESOURCE", "MISSING_VERSION"], codes);
    }

    [Fact]
    public void Validate_ResourceArnOfWrongShape_InvalidArnResource()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::123456789012:rol/app"}]}""";

        Assert.Equal("INVALID_ARN_RESOURCE", Assert.Single(PolicyValidator.Validate(policy, "IDENTITY_POLICY")).IssueCode);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("arn:aws:iam::123456789012:role/*", true)]
    [InlineData("arn:aws:iam::123456789012:role/app", false)]
    public void Validate_PassRole_SecurityWarningOnlyWithWildcardResource(string resource, bool warned)
    {
        var policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"" + resource + "\"}]}";

        var findings = PolicyValidator.Validate(policy, "IDENTITY_POLICY");

        Assert.Equal(warned, findings.Any(f => f is { IssueCode: "PASS_ROLE_WITH_STAR_IN_RESOURCE", FindingType: "SECURITY_WARNING" }));
    }

    [Fact]
    public void Validate_PassRoleWithPassedToService_NoSecurityWarning()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}""";

        Assert.Empty(PolicyValidator.Validate(policy, "IDENTITY_POLICY"));
    }

    [Fact]
    public void Validate_ActionCoveredByWildcard_RedundantActionSuggestion()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","dynamodb:GetItem"],"Resource":"*"}]}""";

        var finding = Assert.Single(PolicyValidator.Validate(policy, "IDENTITY_POLICY"));

        Assert.Equal(("SUGGESTION", "REDUNDANT_ACTION"), (finding.FindingType, finding.IssueCode));
        Assert.Equal(new PathElement(1, null), finding.Locations[0].Path[^1]);
    }
}
