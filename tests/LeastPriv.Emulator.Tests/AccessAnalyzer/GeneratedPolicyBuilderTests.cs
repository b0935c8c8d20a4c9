using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class GeneratedPolicyBuilderTests
{
    [Fact]
    public void Build_WithoutPlaceholders_OneCompactSortedStatementOnEverything()
    {
        var findings = new GenerationFindings(["s3:ListAllMyBuckets", "iam:GetRole", "cloudtrail:LookupEvents", "iam:GetRole"], []);

        var policy = Assert.Single(GeneratedPolicyBuilder.Build(findings, includeResourcePlaceholders: false, includeServiceLevelTemplate: false));

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":["cloudtrail:LookupEvents","iam:GetRole","s3:ListAllMyBuckets"],"Resource":"*"}]}""",
            policy);
    }

    [Fact]
    public void Build_SingleAction_WritesActionAsAString()
    {
        var policy = Assert.Single(GeneratedPolicyBuilder.Build(new GenerationFindings(["sts:GetCallerIdentity"], []), false, false));

        Assert.Equal(JsonValueKind.String, Statements(policy)[0].GetProperty("Action").ValueKind);
    }

    [Fact]
    public void Build_WithPlaceholders_StarOnlyActionsFirstThenOneStatementPerArnTemplate()
    {
        var findings = new GenerationFindings(["iam:ListUsers", "iam:CreateUser", "iam:GetRole", "s3:CreateBucket", "cloudtrail:GetTrailStatus"], []);

        var statements = Statements(Assert.Single(GeneratedPolicyBuilder.Build(findings, true, false)));

        Assert.Equal(
            [
                ("SupportedServiceSid0", "iam:ListUsers", "*"),
                ("SupportedServiceSid1", "cloudtrail:GetTrailStatus", "arn:aws:cloudtrail:${Region}:${Account}:trail/${TrailName}"),
                ("SupportedServiceSid2", "iam:CreateUser", "arn:aws:iam::${Account}:user/${UserNameWithPath}"),
                ("SupportedServiceSid3", "iam:GetRole", "arn:aws:iam::${Account}:role/${RoleNameWithPath}"),
                ("SupportedServiceSid4", "s3:CreateBucket", "arn:aws:s3:::${BucketName}"),
            ],
            statements.Select(s => (s.GetProperty("Sid").GetString(), s.GetProperty("Action").GetString(), s.GetProperty("Resource").GetString())));
    }

    [Fact]
    public void Build_ActionOnSeveralResourceTypes_AppearsInEachTemplatesStatement()
    {
        var statements = Statements(Assert.Single(GeneratedPolicyBuilder.Build(new GenerationFindings(["ec2:RunInstances"], []), true, false)));

        Assert.Equal(7, statements.Length);
        Assert.All(statements, s => Assert.Equal("ec2:RunInstances", s.GetProperty("Action").GetString()));
        Assert.Contains(statements, s => s.GetProperty("Resource").GetString() == "arn:aws:ec2:${Region}::image/${ImageId}");
    }

    [Fact]
    public void Build_OtherPartition_FillsPartitionOnly()
    {
        var statements = Statements(Assert.Single(GeneratedPolicyBuilder.Build(new GenerationFindings(["sqs:SendMessage"], []), true, false, partition: "aws-cn")));

        Assert.Equal("arn:aws-cn:sqs:${Region}:${Account}:${QueueName}", statements[0].GetProperty("Resource").GetString());
    }

    [Fact]
    public void Build_ServiceLevelServices_OnlyInTheTemplateWhenAsked()
    {
        var findings = new GenerationFindings(["iam:GetRole"], ["sns", "events"]);

        var without = Statements(Assert.Single(GeneratedPolicyBuilder.Build(findings, false, false)));
        var with = Statements(Assert.Single(GeneratedPolicyBuilder.Build(findings, false, true)));

        Assert.False(findings.IsComplete);
        Assert.Single(without);
        Assert.Equal(GeneratedPolicyBuilder.ServiceLevelSid, with[1].GetProperty("Sid").GetString());
        Assert.Equal(["events:*", "sns:*"], with[1].GetProperty("Action").EnumerateArray().Select(a => a.GetString()!));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(400)]
    [InlineData(2000)]
    public void Build_AnySize_EveryDocumentFitsAndNoActionIsLost(int count)
    {
        var actions = Enumerable.Range(0, count).Select(i => $"ec2:DescribeSomething{i:0000}").ToArray();

        var policies = GeneratedPolicyBuilder.Build(new GenerationFindings(actions, []), false, false, maxCharacters: 2048);

        Assert.All(policies, p => Assert.True(p.Length <= 2048, $"{p.Length} characters"));
        var statements = policies.SelectMany(Statements).ToArray();
        Assert.Equal(actions, statements.SelectMany(ActionsOf));
        Assert.Equal(statements.Length, statements.Select(s => s.GetProperty("Sid").GetString()).Distinct().Count());
        Assert.Equal(count * 30 > 2048, policies.Count > 1);
    }

    [Fact]
    public void Build_NoActivity_NoPolicy()
    {
        Assert.Empty(GeneratedPolicyBuilder.Build(new GenerationFindings([], []), true, false));
    }

    private static JsonElement[] Statements(string policy) =>
        JsonDocument.Parse(policy).RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.Clone()).ToArray();

    private static string[] ActionsOf(JsonElement statement)
    {
        var action = statement.GetProperty("Action");
        return action.ValueKind == JsonValueKind.String ? [action.GetString()!] : action.EnumerateArray().Select(a => a.GetString()!).ToArray();
    }
}
