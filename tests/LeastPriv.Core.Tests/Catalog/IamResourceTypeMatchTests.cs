using System.Text;
using CsCheck;
using LeastPriv.Core.Catalog;
using Xunit;

namespace LeastPriv.Core.Tests.Catalog;

public sealed class IamResourceTypeMatchTests
{
    private static IamResourceType ResourceType(string prefix, string name)
    {
        Assert.True(IamCatalog.Default.TryGetService(prefix, out var service));
        return service.ResourceTypes[name];
    }

    [Theory]
    [InlineData("s3", "object", "arn:aws:s3:::my-bucket/photos/2024/cat.jpg", true)]
    [InlineData("s3", "object", "arn:aws:s3:::my-bucket/a:b/c", true)]
    [InlineData("s3", "object", "arn:aws-cn:s3:::my-bucket/key", true)]
    [InlineData("s3", "object", "arn:aws:s3:::my-bucket", false)]
    [InlineData("s3", "object", "arn:aws:s3:::my-bucket/", false)]
    [InlineData("s3", "object", "arn:aws:s3:::/key", false)]
    [InlineData("s3", "object", "arn:aws:s3:us-east-1::my-bucket/key", false)]
    [InlineData("s3", "bucket", "arn:aws:s3:::my-bucket", true)]
    [InlineData("s3", "bucket", "arn:aws:s3:::my-bucket/key", false)]
    [InlineData("lambda", "function", "arn:aws:lambda:eu-west-1:123456789012:function:my-fn", true)]
    [InlineData("lambda", "function", "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:PROD", false)]
    [InlineData("lambda", "function alias", "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:PROD", true)]
    [InlineData("lambda", "function version", "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:3/durable-execution/e/1", false)]
    [InlineData("lambda", "durable execution", "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:3/durable-execution/e/1", true)]
    [InlineData("lambda", "function", "arn:aws:lambda:eu-west-1:123456789012:layer:my-layer", false)]
    [InlineData("lambda", "function", "arn:aws:lambda::123456789012:function:my-fn", false)]
    [InlineData("lambda", "function", "arn:aws:lambda:eu-west-1::function:my-fn", false)]
    [InlineData("lambda", "function", "arn:aws:LAMBDA:eu-west-1:123456789012:function:my-fn", false)]
    [InlineData("iam", "role", "arn:aws:iam::123456789012:role/service-role/my-role", true)]
    [InlineData("iam", "role", "arn:aws:iam::123456789012:user/bob", false)]
    [InlineData("iam", "user", "arn:aws:iam::123456789012:user/bob", true)]
    [InlineData("logs", "log-stream", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:2024/01/01/abc", true)]
    [InlineData("logs", "log-stream", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", false)]
    [InlineData("logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", true)]
    [InlineData("logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:x", false)]
    [InlineData("dynamodb", "table", "arn:aws:dynamodb:us-east-1:123456789012:table/Orders", true)]
    [InlineData("dynamodb", "table", "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024", false)]
    [InlineData("dynamodb", "stream", "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024", true)]
    [InlineData("kms", "key", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("kms", "key", "arn:aws:kms:us-east-1:123456789012:alias/my-key", false)]
    public void Matches_Arn_FollowsTemplateShape(string prefix, string type, string arn, bool expected)
    {
        Assert.Equal(expected, ResourceType(prefix, type).Matches(arn));
    }

    [Fact]
    public void Matches_AlternativeTemplates_AcceptsEither()
    {
        // lex "bot" lists "arn:...:bot/${BotId}, arn:...:bot:${BotName}".
        var bot = ResourceType("lex", "bot");
        Assert.Contains(", ", bot.ArnTemplate, StringComparison.Ordinal);
        Assert.True(bot.Matches("arn:aws:lex:us-east-1:123456789012:bot/ABCDEF1234"));
        Assert.True(bot.Matches("arn:aws:lex:us-east-1:123456789012:bot:OrderFlowers"));
        Assert.False(bot.Matches("arn:aws:lex:us-east-1:123456789012:intent:OrderFlowers"));
    }

    [Fact]
    public void Matches_StarInTemplate_MatchesAnyRun()
    {
        var certificate = ResourceType("dms", "certificate");
        Assert.Equal("arn:${Partition}:dms:${Region}:${Account}:cert:*", certificate.ArnTemplate);
        Assert.True(certificate.Matches("arn:aws:dms:us-east-1:123456789012:cert:ABCDEFGHIJ"));
        Assert.False(certificate.Matches("arn:aws:dms:us-east-1:123456789012:endpoint:ABCDEFGHIJ"));
    }

    [Fact]
    public void Matches_Null_ReturnsFalse()
    {
        Assert.False(ResourceType("s3", "bucket").Matches(null!));
    }

    [Fact]
    public void Variables_S3Object_ListsTemplateVariables()
    {
        Assert.Equal(new[] { "Partition", "BucketName", "ObjectName" }, ResourceType("s3", "object").Variables);
    }

    // Values for a variable: non-empty and free of the characters that end it in the template
    // (':' and '/' are the separators used by every ARN template in the catalog).
    private static readonly Gen<string> VariableValue =
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+=@"].Array[1, 12].Select(c => new string(c));

    private static readonly IamResourceType[] SingleTemplates = IamCatalog.Default.Services
        .SelectMany(s => s.ResourceTypes.Values)
        .Where(r => !r.ArnTemplate.Contains(", ", StringComparison.Ordinal))
        .OrderBy(r => r.ServicePrefix + ":" + r.Name, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Matches_AnyTemplateFilledWithValues_MatchesItsOwnArn()
    {
        // Property: substituting non-empty separator-free values for every variable (and '*') in any
        // catalog template yields an ARN that the template matches.
        Gen.Int[0, SingleTemplates.Length - 1]
            .Select(VariableValue.Array[16])
            .Sample(t =>
            {
                var (index, values) = t;
                var type = SingleTemplates[index];
                var arn = Fill(type.ArnTemplate, values);
                return type.Matches(arn);
            });
    }

    [Fact]
    public void Matches_FilledTemplateWithChangedService_DoesNotMatch()
    {
        // Property: the same filled ARN with its service segment replaced no longer matches, so the
        // matcher compares literals rather than accepting any ARN.
        Gen.Int[0, SingleTemplates.Length - 1]
            .Select(VariableValue.Array[16])
            .Where(t => SingleTemplates[t.Item1].ArnTemplate.Split(':')[2] is { Length: > 0 } service && !service.Contains('$', StringComparison.Ordinal))
            .Sample(t =>
            {
                var (index, values) = t;
                var type = SingleTemplates[index];
                var parts = Fill(type.ArnTemplate, values).Split(':');
                parts[2] = "x" + parts[2];
                return !type.Matches(string.Join(":", parts));
            });
    }

    [Fact]
    public void Matches_ObjectKeyWithSeparators_MatchesObjectTemplate()
    {
        // Property: the last variable of arn:${Partition}:s3:::${BucketName}/${ObjectName} takes the rest,
        // including '/' and ':'.
        var obj = ResourceType("s3", "object");
        Gen.Char["abc/:-_*"].Array[1, 40].Select(c => new string(c))
            .Sample(key => obj.Matches("arn:aws:s3:::bucket/" + key));
    }

    private static string Fill(string template, string[] values)
    {
        var result = new StringBuilder();
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '$' && i + 1 < template.Length && template[i + 1] == '{')
            {
                var end = template.IndexOf('}', i);
                result.Append(template.AsSpan(i + 2, end - i - 2).ToString() == "Partition" ? "aws" : values[next++ % values.Length]);
                i = end;
            }
            else if (template[i] == '*')
            {
                result.Append(values[next++ % values.Length]);
            }
            else
            {
                result.Append(template[i]);
            }
        }

        return result.ToString();
    }
}
