using LeastPriv.Core.Policy;
using Xunit;

namespace LeastPriv.Core.Tests.Policy;

public sealed class PolicyDocumentParseTests
{
    [Fact]
    public void Parse_SingleStatementObjectAndStringValues_ReadsAsOneElementLists()
    {
        var doc = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}
            """);

        var statement = Assert.Single(doc.Statements);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(new[] { "s3:GetObject" }, statement.Action);
        Assert.Equal(new[] { "arn:aws:s3:::b/*" }, statement.Resource);
        Assert.Null(statement.NotAction);
        Assert.True(statement.Condition.IsEmpty);
    }

    [Fact]
    public void Parse_AwsGeneratedPolicy_KeepsSidsAndActionOrder()
    {
        const string json = """{"Version":"2012-10-17","Statement":[{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","s3:ListAllMyBuckets"],"Resource":"*"}]}""";

        var doc = PolicyDocument.Parse(json);

        Assert.Equal("SupportedServiceSid0", doc.Statements[0].Sid);
        Assert.Equal(new[] { "iam:GetRole", "iam:ListRoles", "s3:ListAllMyBuckets" }, doc.Statements[0].Action);
        Assert.Equal(json, doc.ToJson());
    }

    [Fact]
    public void Parse_ConditionWithBooleanAndNumberValues_KeepsTheirText()
    {
        var doc = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*",
              "Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":[1.2]}}}]}
            """);

        var condition = doc.Statements[0].Condition;
        Assert.Equal(new[] { "false" }, condition.Get("Bool", "aws:SecureTransport"));
        Assert.Equal(new[] { "1.2" }, condition.Get("NumericLessThan", "s3:TlsVersion"));
        Assert.Equal(new[] { "Bool", "NumericLessThan" }, condition.Operators);
    }

    [Fact]
    public void Parse_ConditionKeyInDifferentCase_FindsTheSameKey()
    {
        var doc = PolicyDocument.Parse("""
            {"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"KMS:viaservice":"s3.eu-west-1.amazonaws.com"}}}]}
            """);

        Assert.Equal(new[] { "s3.eu-west-1.amazonaws.com" }, doc.Statements[0].Condition.Get("StringEquals", "kms:ViaService"));
        Assert.Null(doc.Version);
    }

    [Fact]
    public void Parse_PrincipalForms_DistinguishesAnyoneFromAwsWildcard()
    {
        var doc = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"},
              {"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"],"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}
            """);

        Assert.True(doc.Statements[0].Principal!.IsAnyone);
        Assert.False(doc.Statements[1].Principal!.IsAnyone);
        Assert.Equal(new[] { "*" }, doc.Statements[1].Principal!["AWS"]);
        Assert.NotEqual(doc.Statements[0], doc.Statements[1]);
        Assert.Equal(new[] { "lambda.amazonaws.com", "ec2.amazonaws.com" }, doc.Statements[2].Principal!["Service"]);
        Assert.Null(doc.Statements[2].Resource);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}""", "Effect")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""", "effect")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}""", "Action or NotAction")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"a:c","Resource":"*"}]}""", "Action or NotAction")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","NotResource":"*"}]}""", "Resource and NotResource")]
    [InlineData("""{"Version":"2012-10-18","Statement":[]}""", "Version")]
    [InlineData("""{"Version":"2012-10-17"}""", "no Statement")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject",3],"Resource":"*"}]}""", "Action[1]")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"s3:GetObject"}]}""", "Principal")]
    [InlineData("""["not","an","object"]""", "JSON object")]
    public void Parse_GrammarViolation_ThrowsPolicyDocumentInvalidNamingTheProblem(string json, string expected)
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyDocument.Parse(json));

        Assert.Equal("PolicyDocumentInvalid", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, ex.Category);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(json, ex.Target);
    }

    [Fact]
    public void Parse_BrokenJson_ThrowsPolicyJsonMalformed()
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":[}"""));

        Assert.Equal("PolicyJsonMalformed", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ParserError, ex.Category);
    }

    [Fact]
    public void TryParse_BadPolicy_ReturnsFalseWithReason()
    {
        var ok = PolicyDocument.TryParse("""{"Statement":[{"Effect":"Maybe","Action":"s3:GetObject"}]}""", out var doc, out var error);

        Assert.False(ok);
        Assert.Null(doc);
        Assert.Contains("Maybe", error, StringComparison.Ordinal);
    }
}
