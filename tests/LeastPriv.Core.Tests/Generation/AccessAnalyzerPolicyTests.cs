using LeastPriv.Core.Aws;
using LeastPriv.Core.Generation;
using Xunit;

namespace LeastPriv.Core.Tests.Generation;

public sealed class AccessAnalyzerPolicyTests
{
    private static AccessAnalyzerGeneratedPolicy Answer(bool? isComplete, params string[] policies) => new()
    {
        Job = new AccessAnalyzerJob { JobId = "job-1", Status = "SUCCEEDED" },
        IsComplete = isComplete,
        PrincipalArn = "arn:aws:iam::111122223333:user/app",
        Trails = [new AccessAnalyzerTrail { CloudTrailArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", Regions = ["us-east-1"] }],
        Policies = policies,
    };

    [Fact]
    public void Build_SplitParts_AreMergedIntoOneDocument()
    {
        var answer = Answer(
            true,
            """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":["iam:ListUsers","s3:ListAllMyBuckets"],"Resource":"*"}]}""",
            """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid1","Effect":"Allow","Action":"s3:CreateBucket","Resource":"arn:aws:s3:::${BucketName}"}]}""");

        var policy = AccessAnalyzerPolicy.Build(answer, keepServiceLevelTemplate: false, PolicyGeneralization.None);

        Assert.Equal(2, policy.PolicyDocument.Statements.Count);
        Assert.Equal(["SupportedServiceSid0", "SupportedServiceSid1"], policy.PolicyDocument.Statements.Select(s => s.Sid));
        Assert.Equal(["iam:ListUsers", "s3:CreateBucket", "s3:ListAllMyBuckets"], policy.Actions);
        Assert.Equal(["iam", "s3"], policy.Services);
        Assert.Equal("AccessAnalyzer", policy.Source);
        Assert.Equal("job-1", policy.JobId);
        Assert.True(policy.IsComplete);
        Assert.Equal(policy.PolicyDocument.IamSize, policy.PolicySize);
    }

    [Fact]
    public void Build_ServiceLevelTemplate_IsReportedAndLeftOutUnlessAskedFor()
    {
        var answer = Answer(
            false,
            """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":"iam:ListUsers","Resource":"*"},{"Sid":"ServiceLevelTemplateSid0","Effect":"Allow","Action":["sns:*","sqs:*"],"Resource":"*"}]}""");

        var without = AccessAnalyzerPolicy.Build(answer, keepServiceLevelTemplate: false, PolicyGeneralization.None);
        var with = AccessAnalyzerPolicy.Build(answer, keepServiceLevelTemplate: true, PolicyGeneralization.None);

        Assert.Equal(["sns", "sqs"], without.ServiceLevelServices);
        Assert.Single(without.PolicyDocument.Statements);
        Assert.False(without.IsComplete);
        Assert.Contains(without.IncompleteReasons, r => r.Contains("sns, sqs", StringComparison.Ordinal));
        Assert.Equal(2, with.PolicyDocument.Statements.Count);
        Assert.Equal(["iam:ListUsers"], with.Actions);
    }

    [Fact]
    public void Build_Generalize_ReplacesRegionAndAccountPlaceholders()
    {
        var answer = Answer(
            true,
            """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid1","Effect":"Allow","Action":"cloudtrail:GetTrailStatus","Resource":"arn:aws:cloudtrail:${Region}:${Account}:trail/${TrailName}"},{"Sid":"SupportedServiceSid2","Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::${Account}:user/${UserNameWithPath}"}]}""");

        var both = AccessAnalyzerPolicy.Build(answer, false, PolicyGeneralization.Region | PolicyGeneralization.Account);
        var region = AccessAnalyzerPolicy.Build(answer, false, PolicyGeneralization.Region);

        Assert.Equal("arn:aws:cloudtrail:*:*:trail/${TrailName}", both.PolicyDocument.Statements[0].Resource![0]);
        Assert.Equal("arn:aws:iam::*:user/${UserNameWithPath}", both.PolicyDocument.Statements[1].Resource![0]);
        Assert.Equal("arn:aws:cloudtrail:*:${Account}:trail/${TrailName}", region.PolicyDocument.Statements[0].Resource![0]);
        Assert.DoesNotContain("${Region}", both.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("${Account}", both.Json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::${BucketName}/${ObjectName}")]
    [InlineData("arn:aws:dynamodb:eu-west-1:111122223333:table/Orders", "arn:aws:dynamodb:*:*:table/Orders")]
    [InlineData("*", "*")]
    public void GeneralizeResource_ConcreteAndTemplateArns_LoseRegionAndAccount(string resource, string expected)
    {
        Assert.Equal(expected, AccessAnalyzerPolicy.GeneralizeResource(resource, PolicyGeneralization.Region | PolicyGeneralization.Account));
    }
}
