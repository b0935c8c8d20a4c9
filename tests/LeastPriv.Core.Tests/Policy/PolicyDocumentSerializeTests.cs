using LeastPriv.Core.Policy;
using Xunit;

namespace LeastPriv.Core.Tests.Policy;

public sealed class PolicyDocumentSerializeTests
{
    private static readonly PolicyDocument Sample = new()
    {
        Statements = new[]
        {
            new PolicyStatement { Sid = "S3Object1", Action = new[] { "s3:GetObject", "s3:PutObject" }, Resource = new[] { "arn:aws:s3:::bucket/*" } },
            new PolicyStatement
            {
                Sid = "Kms1",
                Action = new[] { "kms:Decrypt" },
                Resource = new[] { "*" },
                Condition = PolicyCondition.Empty.With("StringEquals", "kms:ViaService", new[] { "s3.eu-west-1.amazonaws.com" }),
            },
        },
    };

    [Fact]
    public void ToJson_Compact_WritesElementsInIamOrderWithSingleValuesAsStrings()
    {
        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"S3Object1","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"},{"Sid":"Kms1","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}""",
            Sample.ToJson());
    }

    [Fact]
    public void ToJson_Indented_ParsesBackToTheSameDocument()
    {
        var indented = Sample.ToJson(indented: true);

        Assert.Contains("\n", indented, StringComparison.Ordinal);
        Assert.Equal(Sample, PolicyDocument.Parse(indented));
    }

    [Fact]
    public void ToJson_ArnWithPlusAndNonAscii_IsNotEscaped()
    {
        var doc = new PolicyDocument
        {
            Statements = new[] { new PolicyStatement { Action = new[] { "s3:GetObject" }, Resource = new[] { "arn:aws:s3:::b/a+b<c>é" } } },
        };

        Assert.Contains("arn:aws:s3:::b/a+b<c>é", doc.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void IamSize_IndentedAndCompact_CountTheSameExcludingWhitespace()
    {
        var compact = Sample.ToJson();
        var indented = Sample.ToJson(indented: true);

        Assert.Equal(compact.Length, Sample.IamSize);
        Assert.Equal(Sample.IamSize, PolicyDocument.CountIamCharacters(indented));
        Assert.True(indented.Length > Sample.IamSize);
    }

    [Fact]
    public void IamSize_ValueWithSpaces_DoesNotCountTheSpaces()
    {
        var doc = new PolicyDocument
        {
            Statements = new[] { new PolicyStatement { Sid = "A", Action = new[] { "s3:GetObject" }, Resource = new[] { "arn:aws:s3:::b/my key" } } },
        };

        Assert.Equal(doc.ToJson().Length - 1, doc.IamSize);
    }

    [Fact]
    public void Equals_ReorderedAndRecasedActions_AreEqualButResourceCaseMatters()
    {
        var a = new PolicyStatement { Action = new[] { "s3:GetObject", "s3:PutObject" }, Resource = new[] { "arn:aws:s3:::b/*" } };
        var b = new PolicyStatement { Action = new[] { "S3:putobject", "s3:GetObject", "s3:GetObject" }, Resource = new[] { "arn:aws:s3:::b/*" } };
        var c = b with { Resource = new[] { "arn:aws:s3:::B/*" } };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Equals_AbsentVersusEmptyResource_AreDifferent()
    {
        var absent = new PolicyStatement { Action = new[] { "sts:AssumeRole" } };
        var empty = absent with { Resource = Array.Empty<string>() };

        Assert.NotEqual(absent, empty);
        Assert.Equal(empty, PolicyDocument.Parse(new PolicyDocument { Statements = new[] { empty } }.ToJson()).Statements[0]);
    }

    [Fact]
    public void Equals_StatementOrder_Matters()
    {
        var reversed = Sample with { Statements = Sample.Statements.Reverse().ToList() };

        Assert.NotEqual(Sample, reversed);
    }
}
