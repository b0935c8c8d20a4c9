using CsCheck;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Merge;
using LeastPriv.Core.Policy.Split;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicySplitterTests
{
    [Fact]
    public void Split_PolicyWithinLimit_IsReturnedUnchanged()
    {
        var policy = ToolkitGen.Large(1, 1, 3);

        var result = PolicySplitter.Split(policy, LPPolicyTarget.Managed);

        Assert.False(result.WasSplit);
        Assert.Same(policy, Assert.Single(result.Parts));
    }

    [Fact]
    public void Split_LargePolicies_PartsFitAreValidAndMergeBackToTheOriginal()
    {
        ToolkitGen.LargeDocument.Sample(policy =>
        {
            PolicySplitResult result;
            try
            {
                result = PolicySplitter.Split(policy, LPPolicyTarget.Managed);
            }
            catch (LeastPrivException ex) when (ex.ErrorId == "PolicyTooLargeToSplit")
            {
                // Only when even the best packing needs more than 10 policies.
                Assert.True(policy.IamSize > 9 * PolicySizeLimits.Managed, $"refused a {policy.IamSize}-character policy");
                return;
            }

            Assert.All(result.Parts, p => Assert.True(p.IamSize <= PolicySizeLimits.Managed, $"part of {p.IamSize}"));
            Assert.All(result.Parts, p => Assert.Equal(p, PolicyDocument.Parse(p.ToJson())));
            var sids = result.Parts.SelectMany(p => p.Statements).Select(s => s.Sid).Where(s => s is not null).ToList();
            Assert.Equal(sids.Count, sids.Distinct().Count());
            var merged = PolicyMerger.Merge(result.Parts.Select((p, i) => new PolicyMergeInput(p, "part" + i))).Document;
            Assert.Equal(PolicyMerger.Normalize(policy), merged);
            var lowerBound = (int)Math.Ceiling(policy.IamSize / (double)PolicySizeLimits.Managed);
            Assert.True(result.Parts.Count >= lowerBound);
        }, iter: 60);
    }

    [Fact]
    public void Split_SameInput_GivesTheSameParts()
    {
        var policy = ToolkitGen.Large(7, 10, 80);

        var first = PolicySplitter.Split(policy, LPPolicyTarget.Managed);
        var second = PolicySplitter.Split(policy, LPPolicyTarget.Managed);

        Assert.True(first.WasSplit);
        Assert.Equal(first.Parts.Select(p => p.ToJson()), second.Parts.Select(p => p.ToJson()));
    }

    [Fact]
    public void Split_StatementLargerThanALimit_IsCutByActionsThenResources()
    {
        var resources = Enumerable.Range(0, 400).Select(i => $"arn:aws:s3:::bucket-{i:D4}/*").ToList();
        var policy = new PolicyDocument
        {
            Statements = new[] { new PolicyStatement { Sid = "Big", Action = new[] { "s3:GetObject", "s3:PutObject" }, Resource = resources } },
        };

        var result = PolicySplitter.Split(policy, LPPolicyTarget.Managed);

        Assert.True(result.Parts.Count > 1);
        Assert.All(result.Parts, p => Assert.True(p.IamSize <= PolicySizeLimits.Managed));
        Assert.Equal(PolicyMerger.Normalize(policy), PolicyMerger.Merge(result.Parts.Select(p => new PolicyMergeInput(p, "x"))).Document);
    }

    [Fact]
    public void Split_NeedsMoreThanTenManagedPolicies_FailsWithPolicyTooLargeToSplit()
    {
        var policy = ToolkitGen.Large(3, 25, 600);

        var ex = Assert.Throws<LeastPrivException>(() => PolicySplitter.Split(policy, LPPolicyTarget.Managed));

        Assert.Equal("PolicyTooLargeToSplit", ex.ErrorId);
        Assert.Equal(LPErrorCategory.LimitsExceeded, ex.Category);
        Assert.Contains("Pattern resources", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LPPolicyTarget.UserInline)]
    [InlineData(LPPolicyTarget.RoleInline)]
    [InlineData(LPPolicyTarget.GroupInline)]
    public void Split_InlineTargetOverItsLimit_FailsBecauseTheQuotaIsPerPrincipal(LPPolicyTarget target)
    {
        var policy = ToolkitGen.Large(5, 10, 60);
        Assert.True(policy.IamSize > PolicySizeLimits.For(target));

        var ex = Assert.Throws<LeastPrivException>(() => PolicySplitter.Split(policy, target));

        Assert.Equal("PolicyTooLargeToSplit", ex.ErrorId);
        Assert.Contains("-Target Managed", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Pack_ItemsFirstFitWouldSpread_UsesTheFewestBins()
    {
        // First-fit decreasing packs 5+4, 3+3+3, 2 (three bins); 5+3+2 and 4+3+3 need two.
        var costs = new[] { 2, 5, 4, 3, 3, 3 };

        var bins = PolicySplitter.Pack(costs, 10);

        Assert.Equal(2, bins.Count);
        Assert.All(bins, b => Assert.True(b.Sum(i => costs[i]) <= 10));
        Assert.Equal(Enumerable.Range(0, costs.Length), bins.SelectMany(b => b).OrderBy(i => i));
    }
}
