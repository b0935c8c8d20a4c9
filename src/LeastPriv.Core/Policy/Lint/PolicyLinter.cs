using System.Globalization;
using LeastPriv.Core.Catalog;
using LeastPriv.Core.Policy.Split;

namespace LeastPriv.Core.Policy.Lint;

/// <summary>
/// Static checks of an identity policy against the IAM grammar, the action catalog and IAM's
/// quotas, with no AWS call: unknown services and actions, action patterns that match nothing,
/// resources of the wrong type for an action, malformed ARNs, wildcard grants, sensitive actions
/// on every resource, the size limit of the target and a missing Version.
/// </summary>
public static class PolicyLinter
{
    private const string GrammarLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";
    private const string ActionsLink = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";
    private const string QuotasLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
    private const string ArnLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html";

    // Actions that hand out more than their name says when granted on every resource: passing any
    // role to a service, assuming any role, reading any secret or decrypting with any key, and
    // the IAM writes that let a principal raise its own permissions.
    private static readonly HashSet<string> SensitiveActions = new(StringComparer.OrdinalIgnoreCase)
    {
        "iam:PassRole", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
        "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachUserPolicy", "iam:AttachRolePolicy",
        "iam:AttachGroupPolicy", "iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy",
        "iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy",
        "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
        "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
        "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion",
        "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
        "lambda:UpdateFunctionCode", "lambda:AddPermission", "s3:PutBucketPolicy", "ec2:CreateSnapshot",
    };

    private static readonly HashSet<string> Partitions = new(StringComparer.Ordinal)
    {
        "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    };

    public static IReadOnlyList<LPPolicyFinding> Lint(PolicyDocument document, LPPolicyTarget target = LPPolicyTarget.Managed)
    {
        if (document is null)
        {
            throw new ArgumentNullException(nameof(document));
        }

        var findings = new List<LPPolicyFinding>();
        if (document.Version is null)
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "VersionMissing", "The policy has no Version element: IAM then reads it as 2008-10-17, where policy variables such as ${aws:username} are plain text. Add \"Version\": \"2012-10-17\".", string.Empty, "$", GrammarLink));
        }
        else if (document.Version == PolicyDocument.Version2008)
        {
            findings.Add(Finding(LPFindingSeverity.Suggestion, "VersionOutdated", "The policy uses Version 2008-10-17, which has no policy variables; use 2012-10-17.", string.Empty, "$.Version", GrammarLink));
        }

        var limit = PolicySizeLimits.For(target);
        var size = document.IamSize;
        if (size > limit)
        {
            var how = target == LPPolicyTarget.Managed
                ? "Export-LPPolicy splits it into several managed policies"
                : "inline quotas count all inline policies of the principal together; use a managed policy";
            findings.Add(Finding(LPFindingSeverity.Error, "PolicySizeExceeded", string.Format(CultureInfo.InvariantCulture, "The policy has {0:N0} characters without white space; a {1} policy may have {2:N0} ({3}).", size, target, limit, how), string.Empty, "$", QuotasLink));
        }

        if (document.Statements.Count == 0)
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "StatementMissing", "The policy has no statement and grants nothing.", string.Empty, "$.Statement", GrammarLink));
        }

        var sids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Statements.Count; i++)
        {
            LintStatement(document.Statements[i], i, sids, findings);
        }

        return findings;
    }

    private static void LintStatement(PolicyStatement statement, int index, HashSet<string> sids, List<LPPolicyFinding> findings)
    {
        var label = statement.Sid ?? "#" + index.ToString(CultureInfo.InvariantCulture);
        var path = "$.Statement[" + index.ToString(CultureInfo.InvariantCulture) + "]";
        if (statement.Sid is not null)
        {
            if (!sids.Add(statement.Sid))
            {
                findings.Add(Finding(LPFindingSeverity.Error, "SidDuplicate", $"The Sid '{statement.Sid}' is used by more than one statement; Sids must be unique within a policy.", label, path + ".Sid", GrammarLink));
            }

            if (statement.Sid.Length == 0 || statement.Sid.Any(c => c > 127 || !char.IsLetterOrDigit(c)))
            {
                findings.Add(Finding(LPFindingSeverity.Error, "SidInvalid", $"The Sid '{statement.Sid}' may only hold the letters A-Z, a-z and the digits 0-9 in an identity policy.", label, path + ".Sid", GrammarLink));
            }
        }

        if (statement.Principal is not null || statement.NotPrincipal is not null)
        {
            findings.Add(Finding(LPFindingSeverity.Error, "PrincipalNotAllowed", "An identity policy cannot name a Principal; the principal is whoever the policy is attached to.", label, path + (statement.Principal is not null ? ".Principal" : ".NotPrincipal"), GrammarLink));
        }

        if (statement.Effect == PolicyEffect.Allow && statement.NotAction is not null)
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "AllowWithNotAction", "Allow with NotAction grants every action not listed, including actions AWS adds later.", label, path + ".NotAction", GrammarLink));
        }

        if (statement.Effect == PolicyEffect.Allow && statement.NotResource is not null)
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "AllowWithNotResource", "Allow with NotResource grants the actions on every resource not listed, including resources created later.", label, path + ".NotResource", GrammarLink));
        }

        if (statement.Resource is null && statement.NotResource is null)
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ResourceMissing", "The statement has no Resource or NotResource; an identity policy statement needs one.", label, path, GrammarLink));
        }

        var actions = statement.Action ?? statement.NotAction ?? Array.Empty<string>();
        var actionElement = statement.Action is not null ? "Action" : "NotAction";
        if (actions.Count == 0)
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ActionMissing", "The statement lists no action.", label, path + "." + actionElement, GrammarLink));
        }

        var concrete = new List<IamAction>();
        var expanded = new List<IamAction>();
        for (var j = 0; j < actions.Count; j++)
        {
            var at = ElementPath(path, actionElement, j, actions.Count);
            LintAction(actions[j], label, at, findings, concrete, expanded);
        }

        var resources = statement.Resource ?? Array.Empty<string>();
        var hasAnyResource = resources.Any(r => r == "*");
        for (var j = 0; j < resources.Count; j++)
        {
            var at = ElementPath(path, "Resource", j, resources.Count);
            var resource = resources[j];
            if (resource == "*")
            {
                continue;
            }

            if (!IsWellFormedArn(resource, out var arnService, out var why))
            {
                findings.Add(Finding(LPFindingSeverity.Error, "ResourceArnMalformed", $"'{resource}' is not a valid ARN: {why}.", label, at, ArnLink));
                continue;
            }

            if (statement.Action is null || arnService.IndexOfAny(new[] { '*', '?' }) >= 0)
            {
                continue;
            }

            foreach (var action in concrete)
            {
                CheckResourceType(action, resource, arnService, label, at, findings);
            }
        }

        if (statement.Effect == PolicyEffect.Allow && hasAnyResource && statement.Action is not null)
        {
            var sensitive = expanded
                .Where(a => SensitiveActions.Contains(a.FullName))
                .Select(a => a.FullName)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderBy(a => a, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (sensitive.Count > 0)
            {
                findings.Add(Finding(
                    LPFindingSeverity.Warning,
                    "SensitiveActionOnAnyResource",
                    $"{string.Join(", ", sensitive)} on Resource \"*\" reaches every role, key or secret in the account; name the resources (or add a condition such as iam:PassedToService or kms:ViaService).",
                    label,
                    ElementPath(path, "Resource", resources.ToList().IndexOf("*"), resources.Count),
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"));
            }
        }
    }

    private static void LintAction(string action, string label, string at, List<LPPolicyFinding> findings, List<IamAction> concrete, List<IamAction> expanded)
    {
        var catalog = IamCatalog.Default;
        if (action == "*")
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "WildcardAction", "\"*\" grants every action of every service.", label, at, ActionsLink));
            expanded.AddRange(catalog.Expand("*"));
            return;
        }

        var colon = action.IndexOf(':');
        if (colon <= 0 || colon == action.Length - 1 || action.IndexOf(':', colon + 1) >= 0 || action.Any(char.IsWhiteSpace))
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ActionInvalid", $"'{action}' is not an action: actions are written 'service:Action', e.g. 's3:GetObject'.", label, at, ActionsLink));
            return;
        }

        var prefix = action.Substring(0, colon);
        var name = action.Substring(colon + 1);
        var prefixHasWildcard = prefix.IndexOfAny(new[] { '*', '?' }) >= 0;
        if (!prefixHasWildcard && !catalog.TryGetService(prefix, out _))
        {
            findings.Add(Finding(LPFindingSeverity.Error, "UnknownService", $"'{prefix}' is not an IAM service prefix (in '{action}').", label, at, ActionsLink));
            return;
        }

        var hasWildcard = prefixHasWildcard || name.IndexOfAny(new[] { '*', '?' }) >= 0;
        if (!hasWildcard)
        {
            if (catalog.TryGetAction(action, out var known))
            {
                concrete.Add(known);
                expanded.Add(known);
            }
            else
            {
                findings.Add(Finding(LPFindingSeverity.Error, "UnknownAction", $"'{action}' is not an action of the '{prefix}' service.", label, at, ActionsLink));
            }

            return;
        }

        var matches = catalog.Expand(action);
        expanded.AddRange(matches);
        if (matches.Count == 0)
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ActionPatternMatchesNothing", $"The pattern '{action}' matches no action, so it grants nothing.", label, at, ActionsLink));
        }
        else if (name == "*" && !prefixHasWildcard)
        {
            findings.Add(Finding(LPFindingSeverity.Warning, "ServiceWildcardAction", $"'{action}' grants all {matches.Count} actions of the service, including ones AWS adds later.", label, at, ActionsLink));
        }
        else
        {
            var sample = string.Join(", ", matches.Take(5).Select(m => m.FullName)) + (matches.Count > 5 ? ", ..." : string.Empty);
            findings.Add(Finding(LPFindingSeverity.Suggestion, "ActionWildcard", $"'{action}' stands for {matches.Count} actions ({sample}); list the ones needed, as it also covers actions AWS adds later.", label, at, ActionsLink));
        }
    }

    private static void CheckResourceType(IamAction action, string resource, string arnService, string label, string at, List<LPPolicyFinding> findings)
    {
        if (!string.Equals(arnService, action.ServicePrefix, StringComparison.OrdinalIgnoreCase)
            && !action.Resources.Any(r => ServiceOfTemplate(r.ResourceType.ArnTemplate) == arnService))
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ResourceTypeMismatch", $"{action.FullName} does not apply to '{resource}': it is a resource of the '{arnService}' service.", label, at, ActionsLink));
            return;
        }

        if (action.Resources.Count == 0)
        {
            findings.Add(Finding(LPFindingSeverity.Error, "ResourceLevelNotSupported", $"{action.FullName} does not support resource-level permissions and is only allowed with Resource \"*\"; as written it grants nothing.", label, at, ActionsLink));
            return;
        }

        if (!action.Resources.Any(r => r.ResourceType.Matches(resource)))
        {
            var types = string.Join("; ", action.Resources.Select(r => r.ResourceType.Name + ": " + r.ResourceType.ArnTemplate));
            findings.Add(Finding(LPFindingSeverity.Error, "ResourceTypeMismatch", $"'{resource}' is none of the resource types of {action.FullName} ({types}).", label, at, ActionsLink));
        }
    }

    private static string ServiceOfTemplate(string template)
    {
        var parts = template.Split(':');
        return parts.Length > 2 ? parts[2] : string.Empty;
    }

    /// <summary>arn:partition:service:region:account:resource (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).</summary>
    internal static bool IsWellFormedArn(string value, out string service, out string why)
    {
        service = string.Empty;
        var parts = value.Split(new[] { ':' }, 6);
        if (!value.StartsWith("arn:", StringComparison.Ordinal))
        {
            why = "an ARN starts with 'arn:' (or use \"*\")";
            return false;
        }

        if (parts.Length < 6)
        {
            why = "an ARN has six parts, arn:partition:service:region:account-id:resource";
            return false;
        }

        var partition = parts[1];
        if (!Partitions.Contains(partition) && partition.IndexOfAny(new[] { '*', '?', '$' }) < 0)
        {
            why = $"'{partition}' is not a partition (aws, aws-cn, aws-us-gov...)";
            return false;
        }

        service = parts[2];
        if (service.Length == 0)
        {
            why = "the service part is empty";
            return false;
        }

        var account = parts[4];
        if (account.Length > 0 && account.IndexOfAny(new[] { '*', '?', '$' }) < 0 && !(account.Length == 12 && account.All(char.IsDigit)) && account != "aws")
        {
            why = $"'{account}' is not a 12-digit account id";
            return false;
        }

        if (parts[5].Length == 0)
        {
            why = "the resource part is empty";
            return false;
        }

        why = string.Empty;
        return true;
    }

    internal static string ElementPath(string statementPath, string element, int index, int count) =>
        count == 1 || index < 0 ? statementPath + "." + element : statementPath + "." + element + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static LPPolicyFinding Finding(LPFindingSeverity severity, string code, string message, string statement, string path, string? link) => new()
    {
        Severity = severity,
        Code = code,
        Message = message,
        Statement = statement,
        Path = path,
        Source = "Local",
        LearnMoreLink = link,
    };
}
