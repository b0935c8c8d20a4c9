using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Merge;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class MergedGeneratedPolicyTests
{
    private static LPGeneratedPolicy Generated(string json, bool complete, long events, params string[] reasons)
    {
        var document = PolicyDocument.Parse(json);
        return new LPGeneratedPolicy
        {
            PolicyDocument = document,
            Json = document.ToJson(indented: true),
            Source = "CloudTrail",
            EventCount = events,
            MatchedEventCount = events,
            IsComplete = complete,
            IncompleteReasons = reasons,
            PrincipalArn = "arn:aws:iam::123456789012:user/app-discovery",
            Principals = new[] { "arn:aws:iam::123456789012:user/app-discovery" },
            Regions = new[] { "eu-west-1" },
            UnmappedEvents = new[] { new LPUnmappedEvent { Name = "x.amazonaws.com:Odd", Count = events } },
        };
    }

    [Fact]
    public void Merge_GeneratedPolicies_CarriesEvidenceAndIsCompleteOnlyWhenAllAre()
    {
        var deploy = Generated("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}""", true, 10);
        var teardown = Generated("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"}]}""", false, 5, "throttled read");
        var inputs = new[] { new LPPolicyInput(deploy), new LPPolicyInput(teardown) };

        var (policy, merge) = MergedGeneratedPolicy.Merge(inputs, inputs.Select(i => i.Resolve()).ToList());

        Assert.Equal(new[] { "s3:DeleteObject", "s3:PutObject" }, policy.Actions);
        Assert.Equal(new[] { "s3" }, policy.Services);
        Assert.Equal(15, policy.EventCount);
        Assert.False(policy.IsComplete);
        Assert.Equal(new[] { "CloudTrail#2: throttled read" }, policy.IncompleteReasons);
        Assert.Equal(15, Assert.Single(policy.UnmappedEvents).Count);
        Assert.Equal("arn:aws:iam::123456789012:user/app-discovery", policy.PrincipalArn);
        Assert.Equal(policy.PolicyDocument.IamSize, policy.PolicySize);
        Assert.Equal(PolicyDocument.Parse(policy.Json), policy.PolicyDocument);
        Assert.Equal(new[] { "CloudTrail#1" }, merge.Provenance["s3:PutObject"]);
        Assert.Equal(new[] { "CloudTrail#2" }, merge.Provenance["s3:DeleteObject"]);
    }

    [Fact]
    public void DistinctLabels_Repeats_AreNumberedInInputOrder()
    {
        Assert.Equal(
            new[] { "CloudTrail#1", "deploy.json", "CloudTrail#2" },
            MergedGeneratedPolicy.DistinctLabels(new[] { "CloudTrail", "deploy.json", "CloudTrail" }));
    }
}
