using CsCheck;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Merge;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicyMergerTests
{
    private static PolicyMergeResult Merge(params (string Json, string Label)[] inputs) =>
        PolicyMerger.Merge(inputs.Select(i => new PolicyMergeInput(PolicyDocument.Parse(i.Json), i.Label)));

    [Fact]
    public void Merge_DifferentResourcesPerAction_DoesNotCrossActionsAndResources()
    {
        var result = Merge(
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}]}""", "deploy"),
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}""", "teardown"));

        var statements = result.Document.Statements;
        Assert.Equal(2, statements.Count);
        Assert.Contains(statements, s => s.Action!.SequenceEqual(new[] { "s3:GetObject" }) && s.Resource!.SequenceEqual(new[] { "arn:aws:s3:::a/*" }));
        Assert.Contains(statements, s => s.Action!.SequenceEqual(new[] { "s3:PutObject" }) && s.Resource!.SequenceEqual(new[] { "arn:aws:s3:::b/*" }));
    }

    [Fact]
    public void Merge_SameResourceSet_CombinesActionsIntoOneStatementPerService()
    {
        var result = Merge(
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}]}""", "a"),
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:putobject","Resource":"*"}]}""", "b"));

        Assert.Equal(
            new[] { "AllowS3", "AllowSqs" },
            result.Document.Statements.Select(s => s.Sid));
        Assert.Equal(new[] { "s3:GetObject", "s3:PutObject" }, result.Document.Statements[0].Action);
        Assert.Equal(new[] { "a" }, result.Provenance["s3:GetObject"]);
        Assert.Equal(new[] { "b" }, result.Provenance["s3:PutObject"]);
        Assert.Equal(new[] { "a" }, result.Provenance["sqs:SendMessage"]);
    }

    [Fact]
    public void Merge_DenyAndConditions_StayInTheirOwnStatements()
    {
        var result = Merge(
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}""", "a"),
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}""", "b"));

        var statements = result.Document.Statements;
        Assert.Equal(3, statements.Count);
        var conditional = Assert.Single(statements, s => !s.Condition.IsEmpty);
        Assert.Equal(new[] { "s3:GetObject" }, conditional.Action);
        Assert.Equal(new[] { "eu-west-1" }, conditional.Condition.Get("StringEquals", "aws:RequestedRegion"));
        var deny = Assert.Single(statements, s => s.Effect == PolicyEffect.Deny);
        Assert.Equal(new[] { "s3:DeleteObject" }, deny.Action);
        Assert.Equal("DenyS3", deny.Sid);
    }

    [Fact]
    public void Merge_GrantCoveredByWildcard_IsDroppedAndCreditedToTheWildcard()
    {
        var result = Merge(
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}]}""", "narrow"),
            ("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}""", "broad"));

        var statement = Assert.Single(result.Document.Statements);
        Assert.Equal(new[] { "s3:Get*" }, statement.Action);
        Assert.Equal(new[] { "arn:aws:s3:::b/*" }, statement.Resource);
        Assert.Equal(new[] { "broad", "narrow" }, result.Provenance["s3:Get*"]);
    }

    [Fact]
    public void Merge_NoInput_GivesAnEmptyPolicy()
    {
        var result = PolicyMerger.Merge(Array.Empty<PolicyMergeInput>());

        Assert.Empty(result.Document.Statements);
        Assert.Equal(PolicyDocument.Version2012, result.Document.Version);
    }

    [Fact]
    public void Merge_AnyTwoPolicies_IsCommutative()
    {
        Gen.Select(ToolkitGen.Document, ToolkitGen.Document).Sample((a, b) =>
            MergeDocs(a, b).Equals(MergeDocs(b, a)));
    }

    [Fact]
    public void Merge_AnyThreePolicies_IsAssociative()
    {
        Gen.Select(ToolkitGen.Document, ToolkitGen.Document, ToolkitGen.Document).Sample((a, b, c) =>
            MergeDocs(MergeDocs(a, b), c).Equals(MergeDocs(a, MergeDocs(b, c))), iter: 300);
    }

    [Fact]
    public void Merge_PolicyWithItself_IsIdempotent()
    {
        ToolkitGen.Document.Sample(a =>
        {
            var once = PolicyMerger.Normalize(a);
            return MergeDocs(a, a).Equals(once) && PolicyMerger.Normalize(once).Equals(once);
        });
    }

    [Fact]
    public void Merge_AnyPolicies_GrantsExactlyTheUnionOfTheInputs()
    {
        Gen.Select(ToolkitGen.AllowDocument, ToolkitGen.AllowDocument).Sample((a, b) =>
        {
            var merged = MergeDocs(a, b);
            var widened = GrantOracle.Grants(merged).Where(g => !GrantOracle.IsGranted(a, g) && !GrantOracle.IsGranted(b, g)).ToList();
            var lost = GrantOracle.Grants(a).Concat(GrantOracle.Grants(b)).Where(g => !GrantOracle.IsGranted(merged, g)).ToList();
            Assert.True(widened.Count == 0, "granted by no input: " + string.Join("; ", widened.Take(3)));
            Assert.True(lost.Count == 0, "lost: " + string.Join("; ", lost.Take(3)));
        }, iter: 150);
    }

    [Fact]
    public void Merge_NotActionAndNotResourceStatements_AreKeptWhole()
    {
        ToolkitGen.Document.Sample(a =>
        {
            var merged = PolicyMerger.Normalize(a);
            var before = a.Statements.Where(s => s.NotAction is not null || s.NotResource is not null)
                .Select(s => (s.Effect, NotAction: string.Join(",", (s.NotAction ?? Array.Empty<string>()).Select(PolicyMerger.NormalizeAction).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(x => x, StringComparer.OrdinalIgnoreCase)), NotResource: string.Join(",", (s.NotResource ?? Array.Empty<string>()).Distinct().OrderBy(x => x, StringComparer.Ordinal))))
                .ToHashSet();
            var after = merged.Statements.Where(s => s.NotAction is not null || s.NotResource is not null)
                .Select(s => (s.Effect, NotAction: string.Join(",", s.NotAction ?? Array.Empty<string>()), NotResource: string.Join(",", s.NotResource ?? Array.Empty<string>())))
                .ToHashSet();
            return before.SetEquals(after);
        });
    }

    private static PolicyDocument MergeDocs(params PolicyDocument[] documents) =>
        PolicyMerger.Merge(documents.Select((d, i) => new PolicyMergeInput(d, "p" + i))).Document;
}
