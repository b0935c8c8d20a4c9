using LeastPriv.Emulator.Testing;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Toolkit;

/// <summary>
/// Compare-LPPolicy -PrincipalArn in a real PowerShell engine against moto behind the stand-in:
/// the user's policies are set up with the AWS CLI, as an operator would.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ComparePrincipalPolicyTests : IClassFixture<StandInFixture>
{
    private const string Reference = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::lp-data/*\"}]}";

    private readonly StandInFixture _fx;

    public ComparePrincipalPolicyTests(StandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task CompareLPPolicy_UserWithInlineManagedAndGroupPolicies_ShowsExactlyTheUnusedGrants()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var user = "lp-cmp-" + suffix;
        var group = "lp-cmp-group-" + suffix;
        using var cli = _fx.OperatorCli();
        var userArn = (await Cli(cli, "iam", "create-user", "--user-name", user)).Json.GetProperty("User").GetProperty("Arn").GetString()!;
        await Cli(cli, "iam", "put-user-policy", "--user-name", user, "--policy-name", "inline", "--policy-document",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::lp-data/*\"}]}");

        // Version 1 is replaced by a default version 2: only v2 is in force.
        var policyArn = (await Cli(cli, "iam", "create-policy", "--policy-name", "lp-cmp-managed-" + suffix, "--policy-document",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:DeleteQueue\",\"Resource\":\"*\"}]}")).Json.GetProperty("Policy").GetProperty("Arn").GetString()!;
        await Cli(cli, "iam", "create-policy-version", "--policy-arn", policyArn, "--set-as-default", "--policy-document",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:123456789012:lp-queue\"}]}");
        await Cli(cli, "iam", "attach-user-policy", "--user-name", user, "--policy-arn", policyArn);
        await Cli(cli, "iam", "create-group", "--group-name", group);
        await Cli(cli, "iam", "add-user-to-group", "--group-name", group, "--user-name", user);
        await Cli(cli, "iam", "put-group-policy", "--group-name", group, "--policy-name", "group-inline", "--policy-document",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/lp\"}]}");

        using var ps = PowerShellSession.Open();
        var run = ps.Run("Compare-LPPolicy -Reference $reference -PrincipalArn $arn @aws -IncludeEqual", Vars(("reference", Reference), ("arn", userArn)));

        run.ThrowIfFailed();
        var rows = run.Output
            .Select(o => $"{o.Properties["SideIndicator"].Value} {o.Properties["Action"].Value} {o.Properties["Resource"].Value}")
            .OrderBy(r => r, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(
            new[]
            {
                "== s3:GetObject arn:aws:s3:::lp-data/*",
                "=> dynamodb:GetItem arn:aws:dynamodb:us-east-1:123456789012:table/lp",
                "=> s3:PutObject arn:aws:s3:::lp-data/*",
                "=> sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:lp-queue",
            },
            rows);
    }

    [Fact]
    public void CompareLPPolicy_AssumedRoleSessionArn_FailsWithPrincipalArnInvalid()
    {
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            "Compare-LPPolicy -Reference $reference -PrincipalArn 'arn:aws:sts::123456789012:assumed-role/app/s1' @aws",
            Vars(("reference", Reference)));

        Assert.Equal("PrincipalArnInvalid,LeastPriv.Commands.CompareLPPolicyCommand", Assert.Single(run.ErrorIds));
        Assert.Empty(run.Output);
    }

    private static async Task<AwsCliResult> Cli(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args.Take(2))}: {result}");
        return result;
    }

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
    {
        var vars = new Dictionary<string, object?>
        {
            ["aws"] = new System.Collections.Hashtable
            {
                ["EndpointUrl"] = _fx.StandIn.Endpoint.ToString(),
                ["Region"] = "us-east-1",
                ["AccessKey"] = _fx.StandIn.Operator.AccessKeyId,
                ["SecretKey"] = _fx.StandIn.Operator.SecretAccessKey,
            },
        };
        foreach (var (n, v) in extra)
        {
            vars[n] = v;
        }

        return vars;
    }
}
