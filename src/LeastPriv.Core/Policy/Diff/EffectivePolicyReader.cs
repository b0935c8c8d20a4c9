using System.Text.RegularExpressions;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Policy.Diff;

/// <summary>One identity policy a principal has now, with where it comes from.</summary>
public sealed class EffectivePolicy
{
    public EffectivePolicy(string provenance, PolicyDocument document)
    {
        Provenance = provenance;
        Document = document;
    }

    /// <summary>e.g. <c>user inline app-policy</c>, <c>managed arn:aws:iam::…:policy/x (v3)</c>, <c>group devs inline g-policy</c>.</summary>
    public string Provenance { get; }

    public PolicyDocument Document { get; }
}

/// <summary>
/// Reads the identity policies that apply to an IAM user or role now: for a user its inline
/// policies, its attached managed policies (default version) and, for every group it is in, the
/// group's inline and attached policies; for a role its inline and attached policies.
/// Permissions boundaries, SCPs and session policies only restrict and are not read.
/// </summary>
public static class EffectivePolicyReader
{
    // User and role ARNs: arn:<partition>:iam::<account>:user|role/<path/>name
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns);
    // user and role names are at most 64 characters (CreateUser, CreateRole).
    private static readonly Regex PrincipalArnPattern = new(
        @"^arn:aws(?:-[a-z]+)*:iam::(?<account>\d{12}):(?<kind>user|role)/(?:[\w+=,.@-]+/)*(?<name>[\w+=,.@-]{1,64})$",
        RegexOptions.CultureInvariant);

    /// <summary>Checks a user or role ARN and returns its kind (<c>user</c> or <c>role</c>) and name; throws <c>PrincipalArnInvalid</c>.</summary>
    public static (string Kind, string Name) ParsePrincipalArn(string? principalArn)
    {
        var match = principalArn is null ? null : PrincipalArnPattern.Match(principalArn.Trim());
        if (match is null || !match.Success)
        {
            throw new LeastPrivException(
                "PrincipalArnInvalid",
                LPErrorCategory.InvalidArgument,
                $"'{principalArn}' is not an IAM user or role ARN (arn:aws:iam::123456789012:user/name or arn:aws:iam::123456789012:role/path/name).",
                principalArn)
            {
                RecommendedAction = "Give the ARN of the IAM user or role itself (for an assumed-role session arn:aws:sts::…:assumed-role/R/s, give arn:aws:iam::…:role/R).",
            };
        }

        return (match.Groups["kind"].Value, match.Groups["name"].Value);
    }

    public static async Task<IReadOnlyList<EffectivePolicy>> ReadAsync(IIamApi iam, string principalArn, IEngineReporter reporter, CancellationToken cancellationToken = default)
    {
        if (iam is null)
        {
            throw new ArgumentNullException(nameof(iam));
        }

        var (kind, name) = ParsePrincipalArn(principalArn);
        var policies = new List<EffectivePolicy>();
        if (kind == "user")
        {
            foreach (var policyName in await iam.ListUserPoliciesAsync(name, cancellationToken).ConfigureAwait(false))
            {
                var inline = await iam.GetUserPolicyAsync(name, policyName, cancellationToken).ConfigureAwait(false);
                policies.Add(Parse($"user inline {policyName}", inline.PolicyDocument));
            }

            await AddManagedAsync(iam, await iam.ListAttachedUserPoliciesAsync(name, null, cancellationToken).ConfigureAwait(false), string.Empty, policies, cancellationToken).ConfigureAwait(false);

            foreach (var group in await iam.ListGroupsForUserAsync(name, cancellationToken).ConfigureAwait(false))
            {
                foreach (var policyName in await iam.ListGroupPoliciesAsync(group.GroupName, cancellationToken).ConfigureAwait(false))
                {
                    var inline = await iam.GetGroupPolicyAsync(group.GroupName, policyName, cancellationToken).ConfigureAwait(false);
                    policies.Add(Parse($"group {group.GroupName} inline {policyName}", inline.PolicyDocument));
                }

                await AddManagedAsync(iam, await iam.ListAttachedGroupPoliciesAsync(group.GroupName, null, cancellationToken).ConfigureAwait(false), $"group {group.GroupName} ", policies, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var policyName in await iam.ListRolePoliciesAsync(name, cancellationToken).ConfigureAwait(false))
            {
                var inline = await iam.GetRolePolicyAsync(name, policyName, cancellationToken).ConfigureAwait(false);
                policies.Add(Parse($"role inline {policyName}", inline.PolicyDocument));
            }

            await AddManagedAsync(iam, await iam.ListAttachedRolePoliciesAsync(name, null, cancellationToken).ConfigureAwait(false), string.Empty, policies, cancellationToken).ConfigureAwait(false);
        }

        foreach (var policy in policies)
        {
            reporter?.Verbose($"{principalArn}: {policy.Provenance}");
        }

        return policies;
    }

    private static async Task AddManagedAsync(IIamApi iam, IReadOnlyList<IamAttachedPolicy> attached, string prefix, List<EffectivePolicy> into, CancellationToken cancellationToken)
    {
        foreach (var a in attached)
        {
            // Only the default version is in force; other versions are kept for rollback.
            var policy = await iam.GetPolicyAsync(a.PolicyArn, cancellationToken).ConfigureAwait(false);
            var versionId = policy.DefaultVersionId ?? throw new LeastPrivException(
                "AwsResponseInvalid",
                LPErrorCategory.InvalidResult,
                $"IAM GetPolicy: {a.PolicyArn} has no DefaultVersionId.",
                a.PolicyArn);
            var version = await iam.GetPolicyVersionAsync(a.PolicyArn, versionId, cancellationToken).ConfigureAwait(false);
            into.Add(Parse($"{prefix}managed {a.PolicyArn} ({versionId})", version.Document));
        }
    }

    internal static EffectivePolicy Parse(string provenance, string json)
    {
        try
        {
            return new EffectivePolicy(provenance, PolicyDocument.Parse(json));
        }
        catch (LeastPrivException ex)
        {
            throw new LeastPrivException(ex.ErrorId, ex.Category, $"{provenance}: {ex.Message}", provenance, ex);
        }
    }
}
