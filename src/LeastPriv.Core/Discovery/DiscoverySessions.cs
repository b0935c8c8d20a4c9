using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>Turns manifests into <see cref="LPDiscoverySession"/> objects; with a refresh, asks IAM what still exists.</summary>
public static class DiscoverySessions
{
    public static LPDiscoverySession ToOutput(SessionManifest m, string? path, IReadOnlyDictionary<ManifestResource, bool?>? exists = null)
    {
        var resources = m.Resources.Select(r => new LPDiscoveryResource
        {
            ResourceType = r.Type.ToString(),
            Name = r.Name,
            Arn = r.Arn,
            Parent = r.Parent,
            State = r.State.ToString(),
            Exists = exists is not null && exists.TryGetValue(r, out var e) ? e : null,
        }).ToList();
        var remaining = exists is null
            ? m.Resources.Count(r => !r.IsGone)
            : resources.Count(r => r.Exists == true || (r.Exists is null && r.State is not "Deleted" and not "AlreadyGone"));
        var principalArn = m.PrincipalArn ?? m.Resources.FirstOrDefault(r => r.Type.ToString() == m.PrincipalType && r.Name == m.PrincipalName)?.Arn;
        return new LPDiscoverySession
        {
            SessionId = m.SessionId,
            State = m.State.ToString(),
            CreatedAt = m.CreatedAt,
            UpdatedAt = m.UpdatedAt,
            AccountId = m.AccountId,
            Region = m.Region,
            Principal = m.PrincipalType is null ? null : $"{m.PrincipalType} {m.PrincipalName}",
            PrincipalArn = principalArn,
            Resources = resources,
            RemainingCount = remaining,
            Windows = m.Windows.Select(w => new LPSessionWindow { Label = w.Label, Start = w.Start, End = w.End }).ToList(),
            Jobs = m.Jobs.Select(j => j.JobId).ToList(),
            Refreshed = exists is not null,
            Path = path,
        };
    }

    /// <summary>
    /// Asks AWS, resource by resource, whether it still exists: IAM for users, roles (the service
    /// role too), keys and policies; with <paramref name="trails"/>, CloudTrail GetTrail for the
    /// trail and S3 HeadBucket for its bucket, in the trail's home region. Null when nothing can tell.
    /// </summary>
    public static async Task<IReadOnlyDictionary<ManifestResource, bool?>> RefreshAsync(IIamApi iam, SessionManifest m, CancellationToken ct, TrailTeardown? trails = null)
    {
        var result = new Dictionary<ManifestResource, bool?>();
        foreach (var r in m.Resources)
        {
            result[r] = r.Type is DiscoveryResourceType.Trail or DiscoveryResourceType.TrailBucket
                ? await TrailPartExistsAsync(trails, m, r, ct).ConfigureAwait(false)
                : await ExistsAsync(iam, r, ct).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task<bool?> TrailPartExistsAsync(TrailTeardown? trails, SessionManifest m, ManifestResource r, CancellationToken ct)
    {
        var region = TrailRegion(m, r) ?? trails?.DefaultRegion ?? m.Region;
        if (trails is null || string.IsNullOrEmpty(r.Name) || string.IsNullOrEmpty(region))
        {
            return null;
        }

        return r.Type == DiscoveryResourceType.Trail
            ? await trails.TrailExistsAsync(r.Arn ?? r.Name!, region!, ct).ConfigureAwait(false)
            : await trails.BucketExistsAsync(r.Name!, region!, ct).ConfigureAwait(false);
    }

    /// <summary>The trail's home region: from the manifest's trail record, else the trail ARN's region field.</summary>
    private static string? TrailRegion(SessionManifest m, ManifestResource r)
    {
        if (m.Trail?.HomeRegion is { Length: > 0 } home)
        {
            return home;
        }

        var arn = r.Type == DiscoveryResourceType.Trail ? r.Arn : m.Trail?.TrailArn;
        var parts = arn?.Split(':');
        return parts is { Length: > 3 } && parts[3].Length > 0 ? parts[3] : null;
    }

    private static async Task<bool?> ExistsAsync(IIamApi iam, ManifestResource r, CancellationToken ct)
    {
        try
        {
            switch (r.Type)
            {
                case DiscoveryResourceType.User:
                    await iam.GetUserAsync(r.Name!, ct).ConfigureAwait(false);
                    return true;
                case DiscoveryResourceType.Role:
                case DiscoveryResourceType.ServiceRole:
                    await iam.GetRoleAsync(r.Name!, ct).ConfigureAwait(false);
                    return true;
                case DiscoveryResourceType.AccessKey when r.Parent is not null:
                    var keys = await iam.ListAccessKeysAsync(r.Parent, ct).ConfigureAwait(false);
                    return r.Name is null ? keys.Count > 0 : keys.Any(k => k.AccessKeyId == r.Name);
                case DiscoveryResourceType.UserPolicyAttachment when r.Parent is not null:
                    return (await iam.ListAttachedUserPoliciesAsync(r.Parent, null, ct).ConfigureAwait(false)).Any(p => p.PolicyArn == (r.Arn ?? r.Name));
                case DiscoveryResourceType.RolePolicyAttachment when r.Parent is not null:
                    return (await iam.ListAttachedRolePoliciesAsync(r.Parent, null, ct).ConfigureAwait(false)).Any(p => p.PolicyArn == (r.Arn ?? r.Name));
                case DiscoveryResourceType.UserInlinePolicy when r.Parent is not null:
                    return (await iam.ListUserPoliciesAsync(r.Parent, ct).ConfigureAwait(false)).Contains(r.Name!);
                case DiscoveryResourceType.RoleInlinePolicy when r.Parent is not null:
                    return (await iam.ListRolePoliciesAsync(r.Parent, ct).ConfigureAwait(false)).Contains(r.Name!);
                case DiscoveryResourceType.UserPermissionsBoundary when r.Parent is not null:
                    return (await iam.GetUserAsync(r.Parent, ct).ConfigureAwait(false)).PermissionsBoundaryArn == r.Name;
                default:
                    return null;
            }
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
        {
            return false;
        }
    }
}
