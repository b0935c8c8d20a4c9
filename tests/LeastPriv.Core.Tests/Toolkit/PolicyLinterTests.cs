using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Lint;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicyLinterTests
{
    private static IReadOnlyList<LPPolicyFinding> Lint(string statements, string version = "\"Version\":\"2012-10-17\",", LPPolicyTarget target = LPPolicyTarget.Managed) =>
        PolicyLinter.Lint(PolicyDocument.Parse("{" + version + "\"Statement\":" + statements + "}"), target);

    [Fact]
    public void Lint_LeastPrivilegePolicy_HasNoFinding()
    {
        var findings = Lint("""[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::app-bucket/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::app-bucket"}]""");

        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("""[{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}]""", "UnknownService", LPFindingSeverity.Error, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjekt"],"Resource":"*"}]""", "UnknownAction", LPFindingSeverity.Error, "$.Statement[0].Action[1]")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:Fetch*","Resource":"*"}]""", "ActionPatternMatchesNothing", LPFindingSeverity.Error, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]""", "ActionInvalid", LPFindingSeverity.Error, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":"*","Resource":"*"}]""", "WildcardAction", LPFindingSeverity.Warning, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]""", "ServiceWildcardAction", LPFindingSeverity.Warning, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]""", "ActionWildcard", LPFindingSeverity.Suggestion, "$.Statement[0].Action")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}]""", "ResourceTypeMismatch", LPFindingSeverity.Error, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:dynamodb:eu-west-1:123456789012:table/T"]}]""", "ResourceTypeMismatch", LPFindingSeverity.Error, "$.Statement[0].Resource[1]")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::b"}]""", "ResourceLevelNotSupported", LPFindingSeverity.Error, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"s3://bucket/key"}]""", "ResourceArnMalformed", LPFindingSeverity.Error, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:eu-west-1:12345:table/T"}]""", "ResourceArnMalformed", LPFindingSeverity.Error, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}]""", "SensitiveActionOnAnyResource", LPFindingSeverity.Warning, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]""", "SensitiveActionOnAnyResource", LPFindingSeverity.Warning, "$.Statement[0].Resource")]
    [InlineData("""[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]""", "AllowWithNotAction", LPFindingSeverity.Warning, "$.Statement[0].NotAction")]
    [InlineData("""[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]""", "SidDuplicate", LPFindingSeverity.Error, "$.Statement[1].Sid")]
    [InlineData("""[{"Sid":"read-objects","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]""", "SidInvalid", LPFindingSeverity.Error, "$.Statement[0].Sid")]
    public void Lint_Problem_IsReportedWithCodeSeverityAndPath(string statements, string code, LPFindingSeverity severity, string path)
    {
        var findings = Lint(statements);

        var finding = Assert.Single(findings, f => f.Code == code);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(path, finding.Path);
        Assert.Equal("Local", finding.Source);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
    }

    [Fact]
    public void Lint_StatementWithSid_NamesItBySidOtherwiseByIndex()
    {
        var findings = Lint("""[{"Sid":"Named","Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"},{"Effect":"Allow","Action":"s3:PutObjekt","Resource":"*"}]""");

        Assert.Equal(new[] { "Named", "#1" }, findings.Where(f => f.Code == "UnknownAction").Select(f => f.Statement));
    }

    [Fact]
    public void Lint_MissingVersion_IsAWarning()
    {
        var finding = Assert.Single(Lint("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]""", version: string.Empty));

        Assert.Equal("VersionMissing", finding.Code);
        Assert.Equal(LPFindingSeverity.Warning, finding.Severity);
    }

    [Theory]
    [InlineData(LPPolicyTarget.Managed, 6144)]
    [InlineData(LPPolicyTarget.UserInline, 2048)]
    [InlineData(LPPolicyTarget.GroupInline, 5120)]
    [InlineData(LPPolicyTarget.RoleInline, 10240)]
    public void Lint_PolicyOverTheTargetLimit_IsAnErrorAndWhitespaceDoesNotCount(LPPolicyTarget target, int limit)
    {
        // One statement with enough distinct ARNs to land just over the limit.
        PolicyDocument Build(int count) => new()
        {
            Statements = new[] { new PolicyStatement { Action = new[] { "s3:GetObject" }, Resource = Enumerable.Range(0, count).Select(i => $"arn:aws:s3:::b/{i:D6}").ToList() } },
        };
        var count = 1;
        while (Build(count).IamSize <= limit)
        {
            count++;
        }

        var over = Build(count);
        var under = Build(count - 1);
        Assert.True(under.ToJson(indented: true).Length > limit, "the indented text is over the limit, its IAM size is not");

        Assert.Contains(PolicyLinter.Lint(over, target), f => f.Code == "PolicySizeExceeded" && f.Severity == LPFindingSeverity.Error);
        Assert.DoesNotContain(PolicyLinter.Lint(under, target), f => f.Code == "PolicySizeExceeded");
    }
}
