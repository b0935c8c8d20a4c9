using System.Security;

namespace LeastPriv;

/// <summary>
/// The discovery user New-LPDiscoveryUser created: its identity, its access key, and the session
/// that owns it. The secret access key lives only here, in memory, as a SecureString; it is never
/// written to the session manifest, a log or an error, and <see cref="ToString"/> never shows it.
/// </summary>
public sealed class LPDiscoveryUser
{
    public string UserName { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    /// <summary>The same as <see cref="Arn"/>: what the generation cmdlets bind by name.</summary>
    public string PrincipalArn => Arn;

    public string AccountId { get; init; } = string.Empty;

    public string AccessKeyId { get; init; } = string.Empty;

    /// <summary>The secret access key (read-only SecureString).</summary>
    public SecureString? SecretAccessKey { get => _secretAccessKey; init => _secretAccessKey = value; }

    private SecureString? _secretAccessKey;

    /// <summary>
    /// Forgets the secret access key: the SecureString is disposed (its memory zeroed) and
    /// <see cref="SecretAccessKey"/> becomes null. Remove-LPDiscoveryResources calls it once the
    /// session's keys are deleted.
    /// </summary>
    public void ClearSecret() => Interlocked.Exchange(ref _secretAccessKey, null)?.Dispose();

    public string SessionId { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public string? Region { get; init; }

    public string PolicyArn { get; init; } = string.Empty;

    public string? PermissionsBoundary { get; init; }

    /// <summary>True when the user existed and was adopted with -Force.</summary>
    public bool Adopted { get; init; }

    public override string ToString() => $"{UserName} ({AccessKeyId}, session {SessionId})";
}

/// <summary>The discovery role New-LPDiscoveryRole created, and the session that owns it.</summary>
public sealed class LPDiscoveryRole
{
    public string RoleName { get; init; } = string.Empty;

    public string Arn { get; init; } = string.Empty;

    /// <summary>The same as <see cref="Arn"/>: what the generation cmdlets bind by name.</summary>
    public string PrincipalArn => Arn;

    /// <summary>The same as <see cref="Arn"/>: what assume-role tools take.</summary>
    public string RoleArn => Arn;

    public string AccountId { get; init; } = string.Empty;

    /// <summary>The principal allowed to assume the role (sts:AssumeRole).</summary>
    public string TrustPrincipal { get; init; } = string.Empty;

    public string SessionId { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public string? Region { get; init; }

    public string PolicyArn { get; init; } = string.Empty;

    public string? PermissionsBoundary { get; init; }

    public int? MaxSessionDuration { get; init; }

    public bool Adopted { get; init; }

    public override string ToString() => $"{RoleName} (session {SessionId})";
}

/// <summary>One resource of a session, as Get-LPDiscoverySession shows it.</summary>
public sealed class LPDiscoveryResource
{
    public string ResourceType { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string? Arn { get; init; }

    public string? Parent { get; init; }

    /// <summary>The state the manifest records (Planned, Created, Failed, Deleted, AlreadyGone, DeleteFailed).</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>With -Refresh: whether AWS still has it (null when not asked or not answerable).</summary>
    public bool? Exists { get; init; }

    public override string ToString() => Parent is null ? $"{ResourceType} {Name} [{State}]" : $"{ResourceType} {Name} of {Parent} [{State}]";
}

/// <summary>A capture window of a session.</summary>
public sealed class LPSessionWindow
{
    public string? Label { get; init; }

    public DateTimeOffset Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public override string ToString() => $"{Label} {Start:u} - {End:u}";
}

/// <summary>A discovery session read from its manifest.</summary>
public sealed class LPDiscoverySession
{
    public string SessionId { get; init; } = string.Empty;

    /// <summary>Active or Removed.</summary>
    public string State { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? AccountId { get; init; }

    public string? Region { get; init; }

    /// <summary>"User app-discovery" or "Role app-discovery".</summary>
    public string? Principal { get; init; }

    public string? PrincipalArn { get; init; }

    public IReadOnlyList<LPDiscoveryResource> Resources { get; init; } = Array.Empty<LPDiscoveryResource>();

    /// <summary>Resources not deleted yet (with -Refresh: those AWS still has).</summary>
    public int RemainingCount { get; init; }

    public IReadOnlyList<LPSessionWindow> Windows { get; init; } = Array.Empty<LPSessionWindow>();

    public IReadOnlyList<string> Jobs { get; init; } = Array.Empty<string>();

    /// <summary>Whether -Refresh asked AWS.</summary>
    public bool Refreshed { get; init; }

    /// <summary>The manifest file.</summary>
    public string? Path { get; init; }

    public override string ToString() => $"{SessionId} ({State}, {Principal})";
}

/// <summary>What Remove-LPDiscoveryResources did with one resource.</summary>
public enum LPCleanupAction
{
    Deleted,
    AlreadyGone,
    Skipped,
    Failed,
}

/// <summary>The outcome of removing one resource.</summary>
public sealed class LPCleanupResult
{
    public string SessionId { get; init; } = string.Empty;

    public string ResourceType { get; init; } = string.Empty;

    public string? Name { get; init; }

    public string? Arn { get; init; }

    public string? Parent { get; init; }

    public LPCleanupAction Action { get; init; }

    /// <summary>Manifest, Dependent (found attached to a principal being deleted) or TagSweep.</summary>
    public string Source { get; init; } = "Manifest";

    /// <summary>Why it failed or was skipped.</summary>
    public string? Error { get; init; }

    public override string ToString() => $"{Action} {ResourceType} {Name}";
}
