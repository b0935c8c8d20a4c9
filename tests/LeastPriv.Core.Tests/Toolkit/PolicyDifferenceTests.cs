using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Diff;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicyDifferenceTests
{
    private static PolicyDocument Policy(string statements) =>
        PolicyDocument.Parse("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}");

    [Fact]
    public void Compare_WildcardAgainstOneAction_ShowsOnlyTheOtherExpandedActions()
    {
        var reference = Policy("""[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]""");
        var difference = Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]""");

        var rows = PolicyDifference.Compare(reference, difference);

        Assert.DoesNotContain(rows, r => r.Action == "s3:GetObject");
        Assert.Contains(rows, r => r.Action == "s3:GetBucketPolicy" && r.SideIndicator == "<=" && r.AccessLevel == "Read" && r.Service == "s3");
        Assert.All(rows, r => Assert.Equal("<=", r.SideIndicator));
        Assert.Equal(LeastPriv.Core.Catalog.IamCatalog.Default.Expand("s3:Get*").Count - 1, rows.Count);
    }

    [Fact]
    public void Compare_ResourceWildcardCoversArn_OnlyTheBroaderSideIsReported()
    {
        var reference = Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}]""");
        var difference = Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]""");

        var rows = PolicyDifference.Compare(reference, difference);

        var row = Assert.Single(rows);
        Assert.Equal("=>", row.SideIndicator);
        Assert.Equal("arn:aws:s3:::b/*", row.Resource);
    }

    [Fact]
    public void Compare_IncludeEqual_MarksSharedGrantsWithDoubleEquals()
    {
        var reference = Policy("""[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]""");
        var difference = Policy("""[{"Effect":"Allow","Action":["s3:getobject"],"Resource":"*"}]""");

        var rows = PolicyDifference.Compare(reference, difference, includeEqual: true);

        Assert.Equal(new[] { ("s3:GetObject", "=="), ("s3:PutObject", "<=") }, rows.Select(r => (r.Action, r.SideIndicator)));
        Assert.Empty(PolicyDifference.Compare(difference, difference));
    }

    [Fact]
    public void Compare_ConditionAndEffect_AreCompared()
    {
        var reference = Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]""");
        var unconditional = Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]""");

        var rows = PolicyDifference.Compare(reference, unconditional);

        // The unconditional grant covers the conditional one; the reverse does not hold.
        Assert.Contains(rows, r => r.Action == "s3:GetObject" && r.SideIndicator == "=>" && r.Condition == string.Empty);
        Assert.DoesNotContain(rows, r => r.Action == "s3:GetObject" && r.SideIndicator == "<=");
        Assert.Contains(rows, r => r.Action == "s3:DeleteObject" && r.Effect == "Deny" && r.SideIndicator == "<=");
    }

    [Fact]
    public void Compare_UnknownAction_IsComparedAsWritten()
    {
        var reference = Policy("""[{"Effect":"Allow","Action":"madeup:DoThing","Resource":"*"}]""");
        var difference = Policy("""[{"Effect":"Allow","Action":"MadeUp:DoThing","Resource":"*"}]""");

        Assert.Empty(PolicyDifference.Compare(reference, difference));
        var row = Assert.Single(PolicyDifference.Compare(reference, Policy("""[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]""")), r => r.SideIndicator == "<=");
        Assert.Equal("madeup:DoThing", row.Action);
        Assert.Equal(string.Empty, row.AccessLevel);
    }
}
