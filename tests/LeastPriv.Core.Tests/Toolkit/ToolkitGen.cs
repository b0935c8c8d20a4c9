using CsCheck;
using LeastPriv.Core.Policy;

namespace LeastPriv.Core.Tests.Toolkit;

/// <summary>Random policies over a small vocabulary, so that inputs overlap, cover each other and collide.</summary>
internal static class ToolkitGen
{
    public static readonly string[] Actions =
    {
        "s3:GetObject", "s3:getobject", "s3:PutObject", "s3:Get*", "s3:ListBucket", "s3:*",
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
        "iam:PassRole", "sqs:SendMessage", "lambda:InvokeFunction", "ec2:Describe*",
    };

    public static readonly string[] Resources =
    {
        "*", "arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-a/key1", "arn:aws:s3:::bucket-b/*",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders", "arn:aws:dynamodb:eu-west-1:123456789012:table/*",
        "arn:aws:iam::123456789012:role/app", "arn:aws:sqs:eu-west-1:123456789012:jobs",
    };

    public static readonly Gen<PolicyCondition> Condition = Gen.Frequency(
        (4, Gen.Const(PolicyCondition.Empty)),
        (1, Gen.Const(PolicyCondition.Empty.With("StringEquals", "aws:RequestedRegion", new[] { "eu-west-1" }))),
        (1, Gen.Const(PolicyCondition.Empty.With("Bool", "aws:SecureTransport", new[] { "true" }))));

    public static readonly Gen<PolicyStatement> Statement =
        Gen.Select(
                Gen.OneOf(Actions).List[1, 4],
                Gen.OneOf(Resources).List[1, 3],
                Gen.Frequency((5, Gen.Const(PolicyEffect.Allow)), (1, Gen.Const(PolicyEffect.Deny))),
                Condition,
                Gen.Int[0, 9])
            .Select((actions, resources, effect, condition, shape) => shape switch
            {
                // A few statements with NotAction / NotResource, which the toolkit keeps whole.
                0 => new PolicyStatement { Effect = effect, NotAction = actions, Resource = resources, Condition = condition },
                1 => new PolicyStatement { Effect = effect, Action = actions, NotResource = resources, Condition = condition },
                _ => new PolicyStatement { Sid = "S" + shape, Effect = effect, Action = actions, Resource = resources, Condition = condition },
            });

    public static readonly Gen<PolicyDocument> Document =
        Statement.List[0, 5].Select(s => new PolicyDocument { Statements = s });

    /// <summary>Plain Allow statements only (what the generator writes).</summary>
    public static readonly Gen<PolicyDocument> AllowDocument =
        Gen.Select(Gen.OneOf(Actions).List[1, 4], Gen.OneOf(Resources).List[1, 3], Condition)
            .Select((a, r, c) => new PolicyStatement { Action = a, Resource = r, Condition = c })
            .List[1, 5]
            .Select(s => new PolicyDocument { Statements = s });

    /// <summary>A policy large enough to need splitting: many services, many concrete actions and ARNs.</summary>
    public static readonly Gen<PolicyDocument> LargeDocument =
        Gen.Select(Gen.Int[1, 60], Gen.Int[1, 25], Gen.Int[20, 120])
            .Select((seed, resourceCount, statementCount) => Large(seed, resourceCount, statementCount));

    public static PolicyDocument Large(int seed, int resourceCount, int statementCount)
    {
        var services = new[] { "s3", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "ec2", "iam", "cloudformation" };
        var catalog = LeastPriv.Core.Catalog.IamCatalog.Default;
        var random = new Random(seed);
        var statements = new List<PolicyStatement>();
        for (var i = 0; i < statementCount; i++)
        {
            var service = services[random.Next(services.Length)];
            catalog.TryGetService(service, out var s);
            var names = s.Actions.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            var actions = Enumerable.Range(0, random.Next(1, 12)).Select(_ => service + ":" + names[random.Next(names.Count)]).Distinct().ToList();
            var resources = Enumerable.Range(0, random.Next(1, resourceCount + 1))
                .Select(_ => $"arn:aws:{service}:eu-west-1:123456789012:thing/{random.Next(1000):D4}-{new string('x', random.Next(5, 40))}")
                .Distinct()
                .ToList();
            statements.Add(new PolicyStatement { Sid = "Stmt" + i, Action = actions, Resource = resources });
        }

        return new PolicyDocument { Statements = statements };
    }
}
