using LeastPriv.Core.Policy;

namespace LeastPriv;

/// <summary>
/// A generated least-privilege policy and the evidence behind it: what was granted, what was
/// seen but not granted (and why), and whether the result can be trusted as complete.
/// </summary>
public sealed class LPGeneratedPolicy
{
    /// <summary>The policy as a model (for Merge/Compare/Export/Test).</summary>
    public PolicyDocument PolicyDocument { get; set; } = new();

    /// <summary>The policy as indented IAM JSON (<c>PolicyDocument.ToJson()</c> gives the compact form IAM stores).</summary>
    public string Json { get; set; } = string.Empty;

    /// <summary>Every granted action, sorted, <c>prefix:Name</c>.</summary>
    public string[] Actions { get; set; } = Array.Empty<string>();

    /// <summary>Service prefixes of the granted actions, sorted.</summary>
    public string[] Services { get; set; } = Array.Empty<string>();

    /// <summary>Where the policy came from: <c>CloudTrail</c> for the local generator, <c>AccessAnalyzer</c> for IAM Access Analyzer.</summary>
    public string Source { get; set; } = "CloudTrail";

    /// <summary>The IAM Access Analyzer job the policy came from (Source AccessAnalyzer).</summary>
    public string? JobId { get; set; }

    /// <summary>Services IAM Access Analyzer saw only at service level (no actions in the policy unless the template was asked for).</summary>
    public string[] ServiceLevelServices { get; set; } = Array.Empty<string>();

    /// <summary>Records given to the generator.</summary>
    public long EventCount { get; set; }

    /// <summary>Records that put at least one action into the policy.</summary>
    public long MatchedEventCount { get; set; }

    /// <summary>Calls no rule maps to an IAM action: listed, never guessed.</summary>
    public LPUnmappedEvent[] UnmappedEvents { get; set; } = Array.Empty<LPUnmappedEvent>();

    /// <summary>Calls refused for lack of permission (granted only with -IncludeDenied).</summary>
    public LPDeniedCall[] DeniedCalls { get; set; } = Array.Empty<LPDeniedCall>();

    /// <summary>Actions CloudTrail cannot show (iam:PassRole, catalog dependent actions), each with why.</summary>
    public LPInferredAction[] InferredActions { get; set; } = Array.Empty<LPInferredAction>();

    /// <summary>Actions an AWS service performed with the principal's identity (forward access sessions).</summary>
    public LPServiceInvokedAction[] ServiceInvokedActions { get; set; } = Array.Empty<LPServiceInvokedAction>();

    /// <summary>Records that are not the principal's own calls or need no permission, counted by reason.</summary>
    public LPIgnoredEvents[] IgnoredEvents { get; set; } = Array.Empty<LPIgnoredEvents>();

    /// <summary>False when something seen could not be turned into a grant; <see cref="IncompleteReasons"/> says what.</summary>
    public bool IsComplete { get; set; }

    public string[] IncompleteReasons { get; set; } = Array.Empty<string>();

    /// <summary>Any, Observed or Pattern.</summary>
    public string ResourceScope { get; set; } = "Any";

    /// <summary>Earliest event time seen (UTC), null when no event was seen.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Latest event time seen (UTC).</summary>
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>The principal when exactly one was seen (user ARN, or the role ARN for role sessions).</summary>
    public string? PrincipalArn { get; set; }

    /// <summary>Every principal whose calls were read.</summary>
    public string[] Principals { get; set; } = Array.Empty<string>();

    /// <summary>Regions the calls were made in.</summary>
    public string[] Regions { get; set; } = Array.Empty<string>();

    /// <summary>IAM size of the policy (characters without white space).</summary>
    public int PolicySize { get; set; }

    public override string ToString() => Json;
}

/// <summary>An event with no known IAM action.</summary>
public sealed class LPUnmappedEvent
{
    public string EventSource { get; set; } = string.Empty;

    public string EventName { get; set; } = string.Empty;

    /// <summary><c>eventSource:eventName</c>.</summary>
    public string Name { get; set; } = string.Empty;

    public long Count { get; set; }

    public override string ToString() => $"{Name} ({Count})";
}

/// <summary>Calls refused for one action.</summary>
public sealed class LPDeniedCall
{
    public string Action { get; set; } = string.Empty;

    public long Count { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>The message of the earliest such call.</summary>
    public string? MessageSample { get; set; }

    /// <summary>True when -IncludeDenied put the action into the policy.</summary>
    public bool Granted { get; set; }

    public override string ToString() => $"{Action} ({Count})";
}

/// <summary>An action added without a record of its own.</summary>
public sealed class LPInferredAction
{
    public string Action { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    /// <summary>Resources the grant is scoped to (or the hint, such as an instance profile, when not granted).</summary>
    public string[] Resources { get; set; } = Array.Empty<string>();

    /// <summary>False when the action could not be scoped safely and is left to the reader (see IncompleteReasons).</summary>
    public bool Granted { get; set; }

    public override string ToString() => $"{Action}: {Reason}";
}

/// <summary>An action an AWS service performed for the principal (userIdentity.invokedBy).</summary>
public sealed class LPServiceInvokedAction
{
    public string Action { get; set; } = string.Empty;

    /// <summary>The invoking service host, e.g. <c>s3.amazonaws.com</c>.</summary>
    public string InvokedBy { get; set; } = string.Empty;

    public long Count { get; set; }

    /// <summary>The <c>kms:ViaService</c> value the grant is conditioned on, or null when the action has no such key or was also called directly.</summary>
    public string? ViaServiceCondition { get; set; }

    public override string ToString() => $"{Action} via {InvokedBy} ({Count})";
}

/// <summary>Records left out of the policy for one reason.</summary>
public sealed class LPIgnoredEvents
{
    /// <summary>AwsServiceEvent, ConsoleSignIn, AwsServiceIdentity, ServiceLinkedRole, NoPermissionRequired, NotAnAction, Insight.</summary>
    public string Reason { get; set; } = string.Empty;

    public long Count { get; set; }

    public override string ToString() => $"{Reason} ({Count})";
}
